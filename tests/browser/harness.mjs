// What the browser tests stand on: the real server and the real kiosk
// started on loopback (port 0, the bound address read back from their first
// line) in fresh temporary folders, an admin's API client, a kiosk paired
// the way an admin pairs one, and headless Chromium.
//
// The binaries come from $TP_SERVER_BIN, $TP_KIOSK_BIN and $TP_GATEWAY_BIN
// (build/ when unset), the assets from $TP_ASSETS (./assets), Chromium from $CHROMIUM
// (/usr/bin/chromium). Screenshots go to build/screenshots/.

import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_BIN = process.env.TP_SERVER_BIN || path.join(ROOT, 'build/touchpoint-server');
export const KIOSK_BIN = process.env.TP_KIOSK_BIN || path.join(ROOT, 'build/touchpoint-kiosk');
export const GATEWAY_BIN = process.env.TP_GATEWAY_BIN || path.join(ROOT, 'build/touchpoint-gateway');
export const ASSETS = process.env.TP_ASSETS || path.join(ROOT, 'assets');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'build/screenshots');

const require = createRequire(import.meta.url);

export function missingPieces() {
  const missing = [];
  for (const [what, file] of [['server', SERVER_BIN], ['kiosk', KIOSK_BIN], ['chromium', CHROMIUM],
    ['the kiosk page', path.join(ASSETS, 'kiosk/index.html')],
    ['the vendored QR decoder (make all)', path.join(ASSETS, 'kiosk/vendor/zxing-library.min.js')]]) {
    if (!existsSync(file)) missing.push(what + ' (' + file + ')');
  }
  return missing;
}

function run(bin, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 30000, ...opts }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(bin)} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

// Starts a daemon and resolves with its base URL once it says where it listens.
function startDaemon(bin, args, env, logFile) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} did not start in time:\n${out}${err}`));
    }, 15000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/[^\s/]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], log: () => err });
      }
    });
    proc.stderr.on('data', (chunk) => {
      err += chunk;
      if (logFile) writeFile(logFile, err).catch(() => {});
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(bin)} exited (${code}) before listening:\n${out}${err}`));
    });
  });
}

async function stopDaemon(d) {
  if (!d || d.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => d.proc.once('exit', resolve));
  d.proc.kill('SIGTERM');
  const timer = setTimeout(() => d.proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// A JSON client for the server's API, signed in as a staff user.
export class ServerClient {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
    this.bearer = '';
  }

  async login(username, password) {
    const res = await fetch(this.base + '/api/v1/auth/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const data = await res.json();
    if (res.status !== 200) throw new Error('login failed: ' + JSON.stringify(data));
    this.cookie = (res.headers.get('set-cookie') || '').split(';')[0];
    this.csrf = data.csrf_token;
  }

  async call(method, p, body) {
    const headers = { Accept: 'application/json' };
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    if (this.bearer) headers.Authorization = 'Bearer ' + this.bearer;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try {
      data = await res.json();
    } catch (_) { /* not JSON */ }
    return { status: res.status, data };
  }

  async ok(method, p, body) {
    const r = await this.call(method, p, body);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }
}

// "2026-11-23T14:05:00+08:00" for a moment, as the API takes times.
export function hkIso(ms) {
  const d = new Date(ms + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 19) + '+08:00';
}

export async function waitFor(what, fn, { timeout = 15000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error('timed out waiting for ' + what + (last instanceof Error ? ': ' + last.message : ''));
    await new Promise((r) => setTimeout(r, every));
  }
}

// The whole rig: a demo server, a session open now at the kiosk's venue
// (a venue of its own, so no demo session is open there at the same time),
// a kiosk device paired with a one-time code, and the kiosk serving.
export class Rig {
  constructor() {
    this.dir = '';
    this.server = null;
    this.kiosk = null;
    this.admin = null;
    this.venue = 'Test Room';
    this.pin = '2468';
  }

  async start() {
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'tp-browser-'));
    const db = path.join(this.dir, 'server.db');
    await run(SERVER_BIN, ['--db', db, 'demo']);
    this.server = await startDaemon(SERVER_BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0'],
      // Development mode writes phone sign-in codes to the log, for the test to read.
      { TOUCHPOINT_ASSETS: ASSETS, TOUCHPOINT_DEV_MODE: '1' }, path.join(this.dir, 'server.log'));
    this.admin = new ServerClient(this.server.url);
    await this.admin.login('admin', 'touchpoint-admin');

    // Group 1 of the demo, with its enrolled mothers and its feedback form.
    const now = Date.now();
    this.session = await this.admin.ok('POST', '/api/v1/sessions', {
      group_id: 1, title: '媽媽支援小組 第9節', venue: this.venue,
      starts_at: hkIso(now - 10 * 60 * 1000), ends_at: hkIso(now + 110 * 60 * 1000),
    });
    this.group = await this.admin.ok('GET', '/api/v1/groups/1');

    const device = await this.admin.ok('POST', '/api/v1/devices', { name: 'Browser test kiosk', kind: 'kiosk', venue: this.venue });
    this.deviceId = device.id;
    const pairing = await this.admin.ok('POST', `/api/v1/devices/${device.id}/pairing`, {});
    this.kioskDir = path.join(this.dir, 'kiosk');
    await run(KIOSK_BIN, ['--data', this.kioskDir, 'pair', this.server.url, pairing.code]);

    this.kiosk = await startDaemon(KIOSK_BIN, ['--data', this.kioskDir, 'serve', '--listen', '127.0.0.1:0'],
      { TOUCHPOINT_KIOSK_STAFF_PIN: this.pin, TOUCHPOINT_KIOSK_ASSETS: ASSETS, TOUCHPOINT_KIOSK_LOG_LEVEL: 'info' },
      path.join(this.dir, 'kiosk.log'));

    // What the kiosk knows, as the server hands it to this kiosk.
    const creds = JSON.parse(await readFile(path.join(this.kioskDir, 'credentials.json'), 'utf8'));
    const asKiosk = new ServerClient(this.server.url);
    asKiosk.bearer = creds.token;
    this.roster = await asKiosk.ok('GET', '/api/v1/kiosk/roster?days=1');
    const mine = this.roster.sessions.find((s) => s.id === this.session.id);
    if (!mine) throw new Error('the kiosk roster lacks the test session');
    const enrolled = new Set(mine.enrolled.map((p) => p.participant_id));
    this.cards = this.roster.cards.filter((c) => enrolled.has(c.participant_id));
    if (this.cards.length < 3) throw new Error('the demo group has too few cards');

    await waitFor('the kiosk to have the session', async () => {
      const s = await (await fetch(this.kiosk.url + '/api/state')).json();
      return s.sessions.some((x) => x.id === this.session.id);
    });
  }

  async kioskState() {
    return (await fetch(this.kiosk.url + '/api/state')).json();
  }

  async stop() {
    await stopDaemon(this.kiosk);
    await stopDaemon(this.server);
    if (this.dir && !process.env.TP_KEEP) await rm(this.dir, { recursive: true, force: true });
  }
}

// A demo server alone (no kiosk), for pages that need only its data; env
// adds settings (TOUCHPOINT_QUIET_HOURS: 'none', ...).
export class DemoServer {
  async start(env = {}) {
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'tp-browser-'));
    const db = path.join(this.dir, 'server.db');
    await run(SERVER_BIN, ['--db', db, 'demo']);
    this.server = await startDaemon(SERVER_BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0'],
      { TOUCHPOINT_ASSETS: ASSETS, ...env }, path.join(this.dir, 'server.log'));
    this.url = this.server.url;
    this.admin = new ServerClient(this.url);
    await this.admin.login('admin', 'touchpoint-admin');
  }

  async stop() {
    await stopDaemon(this.server);
    if (this.dir && !process.env.TP_KEEP) await rm(this.dir, { recursive: true, force: true });
  }
}

// The gateway on its console adapter beside a DemoServer, with a gateway
// device of its own: what the server sends shows in its phone simulator.
export class ConsoleGateway {
  async start(demo) {
    const device = await demo.admin.ok('POST', '/api/v1/devices', { name: 'Browser test gateway', kind: 'gateway' });
    const dir = path.join(demo.dir, 'gateway');
    this.gateway = await startDaemon(GATEWAY_BIN, ['--data', dir, 'serve', '--listen', '127.0.0.1:0'], {
      TOUCHPOINT_GATEWAY_SERVER_URL: demo.url, TOUCHPOINT_GATEWAY_SERVER_TOKEN: device.token,
      TOUCHPOINT_GATEWAY_ASSETS: ASSETS, TOUCHPOINT_GATEWAY_POLL_MS: '200',
      TOUCHPOINT_GATEWAY_RECIPIENT_GAP_MS: '0', TOUCHPOINT_GATEWAY_LOG_LEVEL: 'info',
    }, path.join(demo.dir, 'gateway.log'));
    this.url = this.gateway.url;
  }

  async stop() {
    await stopDaemon(this.gateway);
  }
}

export async function launchBrowser(extraArgs = []) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png') });
}

// A Y4M video of one QR code, for Chromium's fake camera
// (--use-file-for-fake-video-capture plays it in a loop): dark on light,
// each frame turned and sized a little differently, as a card held up by
// hand, drawn with 2x2 supersampling so edges are soft as a camera's.
export async function qrVideo(text, file) {
  const Z = require('@zxing/library');
  const matrix = new Z.QRCodeWriter().encode(text, Z.BarcodeFormat.QR_CODE, 0, 0, new Map());
  const W = 640;
  const H = 480;
  const n = matrix.getWidth(); // with its quiet zone
  const poses = [[0, 10], [2, 9.6], [-3, 9.2], [4, 9.8], [-1, 8.8], [3, 9.0], [-4, 9.5], [1, 8.6], [-2, 10.2], [5, 9.3]];
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frames = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (const [degrees, scale] of poses) {
    const a = (degrees * Math.PI) / 180;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const y = Buffer.alloc(W * H);
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        let sum = 0;
        for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
          const dx = px + ox - W / 2;
          const dy = py + oy - H / 2;
          const col = Math.floor((cos * dx + sin * dy) / scale + n / 2);
          const row = Math.floor((-sin * dx + cos * dy) / scale + n / 2);
          const dark = row >= 0 && row < n && col >= 0 && col < n && matrix.get(col, row);
          sum += dark ? 30 : 220;
        }
        y[py * W + px] = sum / 4;
      }
    }
    frames.push(Buffer.from('FRAME\n'), y, chroma, chroma);
  }
  await writeFile(file, Buffer.concat(frames));
}
