// Touchpoint kiosk: the touch screen at the centre's door.
//
// A USB scanner types a card's token and Enter into a hidden input that is
// always focused; the kiosk daemon decides at once and the screen says so,
// big, with a sound. The start screen shows the session(s) open here now,
// the rotating QR that phones scan, and a small, honest line when events
// wait to be sent. After a sign-in she may give feedback, one question a
// screen. Staff open their mode with a PIN from the corner button.
//
// Rules kept throughout:
// - Data reaches the page through textContent and attributes only.
// - No full name, phone or kind of service is ever shown: aliases and the
//   session titles the server gives, and the title "Touchpoint".
// - Any screen goes back to the start, in Chinese, after a short idle time.

import { $, el, button, icon, hkTime } from './dom.js';
import { t, setLang, currentLang, onLangChange, applyStatic } from './i18n.js';
import { api, onStaffEnded } from './api.js';
import { play, unlock } from './sound.js';
import { FeedbackFlow } from './feedback.js';
import { StaffMode, sessionName } from './staff.js';
import { CameraScanner } from './camera.js';

const STATE_EVERY_MS = 4000;
const SIGNINS_EVERY_MS = 3000;
const IDLE_MS = 30000;          // any screen but the start: back to the start
const RESULT_MS = 10000;        // a scan's answer, when nothing more is offered
const RESULT_FEEDBACK_MS = 20000; // ... when feedback is offered
const THANKS_MS = 8000;
const STAFF_IDLE_MS = 10 * 60 * 1000;
const QR_FALLBACK_MS = 10000;
const TOAST_MS = 7000;
const TOASTS_MAX = 4;

const app = {
  state: null,        // the last answer of GET /api/state
  stateFailed: false, // the daemon did not answer the last poll
  screen: 'start',
  render: null,       // redraws the current screen (after a language switch)
  feedback: null,     // the FeedbackFlow on screen
  staff: null,        // the StaffMode on screen
  scanning: false,    // a scan is on its way
  queuedScan: null,   // a scan typed while another was on its way
  phoneAfter: 0,
  phoneReady: false,
  startSig: '',
  qrs: new Map(),     // session id -> SessionQr
};

const camera = new CameraScanner();
let idleTimer = 0;

/* ---------------------------------------------------------------- screens */

function show(name, render, { idleMs } = {}) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== 'screen-' + name;
  if (name !== 'camera') camera.stop();
  if (name !== 'feedback' && app.feedback) {
    app.feedback.close();
    app.feedback = null;
  }
  if (name !== 'staff' && app.staff) {
    app.staff.close();
    app.staff = null;
  }
  app.screen = name;
  app.render = render || null;
  document.body.dataset.screen = name;
  if (name !== 'result') delete document.body.dataset.look;
  $('staff-open').hidden = name !== 'start';
  if (render) render();
  armIdle(idleMs);
  refocus();
}

// The start screen in Chinese, everything else closed.
function goStart() {
  autoReturn(0);
  setLang('zh-HK');
  show('start', renderStart);
}

// Goes back to the start after ms of no touch (0: never, on the start).
function armIdle(ms) {
  clearTimeout(idleTimer);
  const wait = ms ?? (app.screen === 'start' ? 0 : app.screen === 'staff' && app.staff && app.staff.phase === 'staff'
    ? STAFF_IDLE_MS : IDLE_MS);
  app.idleMs = wait;
  if (!wait) return;
  idleTimer = setTimeout(() => {
    if (app.screen === 'staff' && app.staff && app.staff.phase === 'staff') {
      app.staff.done();
      return;
    }
    goStart();
  }, wait);
}

function touched() {
  unlock();
  if (app.screen !== 'start') {
    armIdle(app.screen === 'result' ? Math.max(app.idleMs || 0, IDLE_MS) : undefined);
    if (app.screen === 'result') autoReturn(0);
  }
}

// A thin bar that empties while a result waits to go back to the start.
function autoReturn(ms) {
  const bar = $('autoreturn');
  if (!ms) {
    bar.hidden = true;
    return;
  }
  const inner = el('span', { className: 'ar-' + Math.round(ms / 1000) });
  bar.replaceChildren(inner);
  bar.hidden = false;
}

/* ------------------------------------------------------------- the start */

function renderStart() {
  const s = app.state;
  const sessions = (s && s.sessions) || [];
  const sig = JSON.stringify([currentLang(), !!s, sessions.map((x) => [x.id, sessionName(x), x.starts_at, x.ends_at])]);
  renderStatus();
  if (sig === app.startSig && $('start-body').childElementCount) return;
  app.startSig = sig;
  const body = $('start-body');
  if (!s) {
    body.replaceChildren(el('p', { className: 'lead' }, t('loading')));
    return;
  }
  if (!sessions.length) {
    closeQrs(new Set());
    body.replaceChildren(el('div', { className: 'no-session', dataset: { testid: 'no-session' } },
      icon('none', 'result-icon'),
      el('h1', { className: 'headline' }, t('no_session_title')),
      el('p', { className: 'lead' }, t('no_session_sub'))));
    return;
  }
  const heads = el('div', { className: 'sessions' + (sessions.length > 1 ? ' is-many' : '') });
  for (const x of sessions) {
    heads.append(el('div', { className: 'session', dataset: { sessionId: String(x.id) } },
      el('h2', { className: 'session-title' }, sessionName(x)),
      el('p', { className: 'session-time' }, t('session_time', { start: hkTime(x.starts_at), end: hkTime(x.ends_at) }))));
  }
  const scan = el('div', { className: 'card scan-card' },
    icon('scan-card', 'scan-art'),
    el('h1', { className: 'headline', dataset: { testid: 'scan-title' } }, t('scan_title')),
    el('p', { className: 'lead' }, t('scan_sub')),
    el('button', { type: 'button', className: 'btn btn-secondary btn-camera', onClick: openCamera, dataset: { testid: 'camera-open' } },
      icon('camera', 'btn-icon'), t('camera_open')));
  const phones = el('div', { className: 'qrs' + (sessions.length > 1 ? ' is-many' : '') });
  const keep = new Set();
  for (const x of sessions.slice(0, 3)) {
    keep.add(x.id);
    let qr = app.qrs.get(x.id);
    if (!qr) {
      qr = new SessionQr(x.id);
      app.qrs.set(x.id, qr);
    }
    qr.img.alt = t('phone_title');
    phones.append(el('figure', { className: 'qr-box' }, qr.img,
      sessions.length > 1 ? el('figcaption', { className: 'qr-caption' }, sessionName(x)) : null));
  }
  closeQrs(keep);
  const phone = el('div', { className: 'card phone-card' },
    el('h2', { className: 'phone-title' }, t('phone_title')),
    phones,
    el('p', { className: 'muted' }, t('phone_sub')));
  body.replaceChildren(heads, el('div', { className: 'start-grid' }, scan, phone));
}

function closeQrs(keep) {
  for (const [id, qr] of app.qrs) {
    if (!keep.has(id)) {
      qr.close();
      app.qrs.delete(id);
    }
  }
}

// The rotating phone QR of one session. The image is fetched (to read its
// X-Refresh-In) and shown as a data: URL, swapped only once the next one
// has arrived, so it never flickers empty.
class SessionQr {
  constructor(id) {
    this.id = id;
    this.img = el('img', { className: 'qr', alt: '', width: '480', height: '480', dataset: { testid: 'session-qr' } });
    this.timer = 0;
    this.closed = false;
    this.load();
  }

  async load() {
    let wait = QR_FALLBACK_MS;
    try {
      const res = await fetch('/api/session-qr.svg?session_id=' + this.id + '&t=' + Date.now(), { cache: 'no-store' });
      if (res.ok) {
        const svg = await res.text();
        if (this.closed) return;
        this.img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
        const refresh = parseInt(res.headers.get('X-Refresh-In') || '', 10);
        if (refresh > 0 && refresh <= 60) wait = refresh * 1000 + 300;
      }
    } catch (_) { /* keep the last one and try again */ }
    if (!this.closed) this.timer = setTimeout(() => this.load(), wait);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

// The small line in the bar: offline, events waiting, a kiosk to re-pair.
function renderStatus() {
  const s = app.state;
  const node = $('status');
  const parts = [];
  let kind = 'calm';
  if (app.stateFailed) {
    parts.push(t('loading'));
  } else if (s) {
    if (s.revoked) {
      parts.push(t('kiosk_revoked'));
      kind = 'warn';
    } else if (!s.online) {
      parts.push(t('offline'));
    }
    if (s.pending > 0) parts.push(t('pending', { n: s.pending }));
  }
  node.hidden = parts.length === 0;
  node.textContent = parts.join(' · ');
  node.className = 'status status-' + kind;
  $('venue').textContent = s && s.device && s.device.venue ? s.device.venue : '';
}

async function pollState() {
  try {
    const { data } = await api('GET', '/api/state');
    app.state = data;
    app.stateFailed = false;
  } catch (_) {
    app.stateFailed = true;
  }
  if (app.screen === 'start') renderStart();
  else renderStatus();
  setTimeout(pollState, STATE_EVERY_MS);
}

/* ---------------------------------------------------------------- scans */

const scanInput = $('scan-input');

function isEditable(node) {
  return !!node && node !== scanInput &&
    (node.tagName === 'TEXTAREA' || (node.tagName === 'INPUT' && node.type === 'text'));
}

function refocus() {
  const active = document.activeElement;
  if (active === scanInput || isEditable(active)) return;
  scanInput.focus({ preventScroll: true });
}

scanInput.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter') return;
  ev.preventDefault();
  const code = scanInput.value.trim();
  scanInput.value = '';
  if (code) submitScan(code);
});
scanInput.addEventListener('blur', () => setTimeout(refocus, 0));
// A key while a button has focus still reaches the scanner's input.
document.addEventListener('keydown', (ev) => {
  touched();
  if (ev.target !== scanInput && !isEditable(ev.target)) scanInput.focus({ preventScroll: true });
}, true);
document.addEventListener('pointerdown', touched, true);
document.addEventListener('pointerup', () => setTimeout(refocus, 0));
window.addEventListener('focus', refocus);

function submitScan(code, sessionId) {
  if (app.scanning) {
    app.queuedScan = code; // the last of several fast scans wins
    return;
  }
  sendScan(code, sessionId);
}

async function sendScan(code, sessionId) {
  app.scanning = true;
  let result;
  try {
    const body = sessionId ? { code, session_id: sessionId } : { code };
    ({ data: result } = await api('POST', '/api/scan', body));
  } catch (_) {
    result = { result: 'error' };
  }
  app.scanning = false;
  if (app.queuedScan) {
    const next = app.queuedScan;
    app.queuedScan = null;
    sendScan(next);
    return;
  }
  // In staff mode a scan is news for the worker; on the PIN pad it is a
  // mother arriving, and she gets her answer like anywhere else.
  if (app.screen === 'staff' && app.staff && app.staff.phase === 'staff') {
    app.staff.scanned(result);
    return;
  }
  if (result.result === 'choose_session') {
    showChoose(code, result.sessions || []);
    return;
  }
  showResult(result);
}

const RESULT_LOOK = {
  ok: 'good', walk_in: 'good', provisional: 'good', already: 'good',
  unknown_card: 'help', revoked: 'help', error: 'help', no_session: 'none',
};
const RESULT_SOUND = {
  ok: 'welcome', walk_in: 'welcome', provisional: 'welcome', already: 'already',
  unknown_card: 'attention', revoked: 'attention', error: 'attention', no_session: 'none',
};

function showResult(r) {
  const signedIn = ['ok', 'walk_in', 'provisional', 'already'].includes(r.result);
  const form = signedIn && r.session && r.session.form ? r.session.form : '';
  play(RESULT_SOUND[r.result] || 'attention');
  const wait = form ? RESULT_FEEDBACK_MS : RESULT_MS;
  show('result', () => renderResult(r, form), { idleMs: wait });
  autoReturn(wait);
}

function renderResult(r, form) {
  const look = RESULT_LOOK[r.result] || 'help';
  const host = $('screen-result');
  host.className = 'screen screen-result result-' + look;
  host.dataset.result = r.result;
  document.body.dataset.look = look;
  const session = r.session ? sessionName(r.session) : '';
  const alias = r.alias || '';
  let title;
  let sub = '';
  let note = '';
  switch (r.result) {
    case 'ok':
      title = t('ok_title', { alias });
      sub = t('signed_in_to', { session });
      break;
    case 'walk_in':
      title = t('ok_title', { alias });
      sub = t('signed_in_to', { session });
      note = t('walk_in_note');
      break;
    case 'provisional':
      title = t('provisional_title');
      sub = session;
      break;
    case 'already':
      title = t('already_title');
      sub = alias ? t('already_sub_alias', { alias, session }) : t('already_sub', { session });
      break;
    case 'no_session':
      title = t('no_session_title');
      sub = t('no_session_sub');
      break;
    case 'unknown_card':
      title = t('help_title');
      sub = t('unknown_sub');
      break;
    case 'revoked':
      title = t('help_title');
      sub = t('revoked_sub');
      break;
    default:
      title = t('error_title');
      sub = t('error_sub');
  }
  const actions = el('div', { className: 'actions' });
  if (form) {
    actions.append(button(t('give_feedback'), () => startFeedback(r, form), 'btn btn-primary btn-big btn-feedback',
      { dataset: { testid: 'give-feedback' } }));
  }
  actions.append(button(t('done'), goStart, 'btn btn-secondary btn-big', { dataset: { testid: 'result-done' } }));
  host.replaceChildren(...[
    icon({ good: 'tick-white', help: 'help', none: 'none' }[look], 'result-icon'),
    el('h1', { className: 'headline result-title', dataset: { testid: 'result-title' } }, title),
    sub ? el('p', { className: 'result-sub', dataset: { testid: 'result-sub' } }, sub) : null,
    note ? el('p', { className: 'result-note' }, note) : null,
    actions].filter(Boolean));
}

function showChoose(code, sessions) {
  play('already');
  show('choose', () => {
    const list = el('div', { className: 'choices' });
    for (const s of sessions) {
      list.append(el('button', {
        type: 'button', className: 'btn choice', dataset: { sessionId: String(s.id) },
        onClick: () => submitScan(code, s.id),
      }, el('span', { className: 'choice-title' }, sessionName(s)),
      el('span', { className: 'choice-time' }, t('session_time', { start: hkTime(s.starts_at), end: hkTime(s.ends_at) }))));
    }
    $('screen-choose').replaceChildren(
      el('h1', { className: 'headline' }, t('choose_title')),
      list,
      el('div', { className: 'actions' }, button(t('cancel'), goStart, 'btn btn-secondary btn-big')));
  });
}

/* ------------------------------------------------------------- feedback */

function startFeedback(r, form) {
  autoReturn(0);
  const flow = new FeedbackFlow({
    formKey: form,
    sessionId: r.session && r.session.id,
    participantId: r.participant_id,
    host: $('screen-feedback'),
    onActivity: () => armIdle(),
    onDone: goStart,
  });
  show('feedback', () => flow.render());
  app.feedback = flow;
  const render = flow.render.bind(flow);
  // The thank-you goes back to the start on its own, sooner than idle.
  flow.render = () => {
    render();
    if (flow.phase === 'thanks' && !flow.thanked) {
      flow.thanked = true;
      play('welcome');
      armIdle(THANKS_MS);
      autoReturn(THANKS_MS);
    }
  };
  app.render = () => flow.render();
  flow.start();
}

/* --------------------------------------------------------------- camera */

function openCamera() {
  show('camera', () => applyStatic($('screen-camera')));
  const status = $('camera-status');
  status.textContent = t('camera_starting');
  camera.start($('camera-video'), (code) => {
    goStart();
    submitScan(code);
  }).then(() => {
    if (app.screen === 'camera') status.textContent = '';
  }).catch(() => {
    if (app.screen === 'camera') status.textContent = t('camera_failed');
  });
}

$('camera-close').addEventListener('click', goStart);

/* ---------------------------------------------------------------- staff */

function openStaff() {
  const staff = new StaffMode({
    host: $('screen-staff'),
    kioskState: () => app.state,
    onExit: goStart,
    onActivity: () => armIdle(),
  });
  show('staff', () => staff.render());
  app.staff = staff;
  // Entering the right PIN switches the idle time to staff mode's.
  const submit = staff.submitPin.bind(staff);
  staff.submitPin = async () => {
    await submit();
    armIdle();
  };
}

$('staff-open').addEventListener('click', openStaff);
onStaffEnded(() => {
  if (app.screen === 'staff') {
    toast(t('staff_ended'), 'info');
    goStart();
  }
});

/* --------------------------------------------------------------- toasts */

function toast(text, kind = 'info') {
  const box = $('toasts');
  const node = el('div', { className: 'toast toast-' + kind, role: 'status' }, text);
  box.append(node);
  while (box.childElementCount > TOASTS_MAX) box.firstElementChild.remove();
  setTimeout(() => node.remove(), TOAST_MS);
}

// Phone sign-ins the server relayed: each shows its alias, so staff see
// who signed in from a phone (and notice a code sent to someone absent).
async function pollPhone() {
  try {
    for (let round = 0; round < 20; round++) {
      const { data } = await api('GET', '/api/phone-signins?after=' + app.phoneAfter);
      const items = (data && data.items) || [];
      for (const it of items) {
        if (it.id <= app.phoneAfter) continue;
        app.phoneAfter = it.id;
        if (app.phoneReady) {
          toast(t('phone_signin', { alias: it.alias || '?' }), 'phone');
          play('phone');
        }
      }
      if (items.length < 50) break;
    }
    app.phoneReady = true; // older ones, from before this page, stay quiet
  } catch (_) { /* try again */ }
  setTimeout(pollPhone, SIGNINS_EVERY_MS);
}

/* ------------------------------------------------------ language, clock */

$('lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh-HK' ? 'en' : 'zh-HK');
});

onLangChange((lang) => {
  const button = $('lang');
  button.setAttribute('lang', lang === 'zh-HK' ? 'en' : 'zh-HK');
  applyStatic();
  if (app.render) app.render();
  renderStatus();
});

function tickClock() {
  $('clock').textContent = hkTime(Date.now());
  setTimeout(tickClock, 1000 * (60 - new Date().getSeconds()) + 50);
}

/* ----------------------------------------------------------------- boot */

applyStatic();
tickClock();
goStart();
pollState();
pollPhone();

// For the browser tests and staff's curiosity: what the page thinks.
window.touchpointKiosk = { get screen() { return app.screen; } };
