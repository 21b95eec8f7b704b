// The kiosk's touch screen in headless Chromium, against the real kiosk
// daemon paired with the real server, both on loopback: what a mother sees
// when she scans her card, gives feedback or meets a card the kiosk does
// not know, and what a worker does in staff mode. Every screen is saved
// under build/screenshots/ for a person to look at.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rig, SHOTS, launchBrowser, missingPieces, qrVideo, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

// A scanner is a keyboard: it types the token fast and presses Enter.
async function scanLikeAScanner(page, code) {
  await page.keyboard.type(code, { delay: 4 });
  await page.keyboard.press('Enter');
}

async function resultOf(page) {
  const host = page.locator('#screen-result');
  await host.waitFor({ state: 'visible' });
  return {
    result: await host.getAttribute('data-result'),
    title: (await page.locator('[data-testid=result-title]').textContent()).trim(),
    sub: ((await page.locator('[data-testid=result-sub]').textContent().catch(() => '')) || '').trim(),
  };
}

// Done, or the start screen already (a result goes back there on its own).
async function backToStart(page) {
  const done = page.locator('#screen-result [data-testid=result-done]');
  if (await done.isVisible()) await done.click();
  await page.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
}

describe('kiosk touch screen', { skip }, () => {
  const rig = new Rig();
  let browser;
  let page;
  let video;
  let kiki; // the card scanned in the first tests
  let other; // a person the worker signs in by hand
  let cameraCard; // the card shown to the camera
  const pageErrors = [];

  before(async () => {
    await rig.start();
    [kiki, other, cameraCard] = rig.cards;
    video = path.join(rig.dir, 'card.y4m');
    await qrVideo(cameraCard.token, video);
    browser = await launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--use-file-for-fake-video-capture=' + video, '--autoplay-policy=no-user-gesture-required']);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(rig.kiosk.url + '/');
    await page.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
  });

  after(async () => {
    await browser?.close();
    await rig.stop();
  });

  test('the start screen shows the session and the phone QR, in Chinese', async () => {
    assert.equal(await page.title(), 'Touchpoint');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-HK');
    await assert.doesNotReject(page.locator('.session-title', { hasText: '媽媽支援小組 第9節' }).waitFor());
    assert.equal((await page.locator('[data-testid=scan-title]').textContent()).trim(), '請掃描你的卡簽到');
    const qr = page.locator('[data-testid=session-qr]');
    await waitFor('the phone QR', async () => ((await qr.getAttribute('src')) || '').startsWith('data:image/svg+xml'));
    await screenshot(page, '01-start');
    // In English too, the start screen fits without scrolling.
    await page.locator('#lang').click();
    assert.equal((await page.locator('[data-testid=scan-title]').textContent()).trim(), 'Scan your card to sign in');
    const overflow = await page.locator('#screen-start').evaluate((n) => n.scrollHeight - n.clientHeight);
    assert.ok(overflow <= 1, 'the English start screen overflows by ' + overflow + 'px');
    await screenshot(page, '01-start-en');
    await page.locator('#lang').click();
  });

  test('a card typed as a scanner types it gives the welcome screen with her alias', async () => {
    await scanLikeAScanner(page, kiki.token);
    const r = await resultOf(page);
    assert.equal(r.result, 'ok');
    assert.equal(r.title, '歡迎 ' + kiki.alias);
    assert.equal(r.sub, '已簽到：媽媽支援小組 第9節');
    await screenshot(page, '02-welcome');
    // The server gets it, once: the queue empties.
    await waitFor('the check-in to reach the server', async () => (await rig.kioskState()).pending === 0);
  });

  test('a second scan of the same card says already signed in, as good news', async () => {
    await backToStart(page);
    await scanLikeAScanner(page, kiki.token);
    const r = await resultOf(page);
    assert.equal(r.result, 'already');
    assert.equal(r.title, '已簽到');
    assert.match(await page.locator('#screen-result').getAttribute('class'), /result-good/);
    await screenshot(page, '03-already');
  });

  test('the language switch changes the screen, and back', async () => {
    await page.locator('#lang').click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await resultOf(page)).title, 'Already signed in');
    assert.equal((await page.locator('#lang').textContent()).trim(), '中文');
    await screenshot(page, '04-already-en');
    await page.locator('#lang').click();
    assert.equal((await resultOf(page)).title, '已簽到');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-HK');
  });

  test('feedback, one question a screen, lands in the server tied to her and the session', async () => {
    await page.locator('[data-testid=give-feedback]').click();
    await page.locator('.faces').waitFor({ state: 'visible' });
    assert.match(await page.locator('.fb-progress').textContent(), /第 1 題，共 3 題/);
    await screenshot(page, '05-feedback-faces');
    await page.locator('.face[data-value="4"]').click();
    await page.locator('.yesno').waitFor({ state: 'visible' });
    // Back works and keeps her answer lit.
    await page.locator('[data-testid=fb-back]').click();
    assert.equal(await page.locator('.face[data-value="4"]').getAttribute('aria-pressed'), 'true');
    await page.locator('.face[data-value="5"]').click();
    await page.locator('.yesno').waitFor({ state: 'visible' });
    await screenshot(page, '06-feedback-yes-no');
    await page.locator('.option[data-value="yes"]').click();
    await page.locator('.fb-text').waitFor({ state: 'visible' });
    await screenshot(page, '07-feedback-text');
    await page.locator('[data-testid=fb-skip]').click();
    await page.locator('[data-testid=thanks]').waitFor({ state: 'visible' });
    await screenshot(page, '08-feedback-thanks');

    const found = await waitFor('the response in the server', async () => {
      const { data } = await rig.admin.call('GET', `/api/v1/responses?session_id=${rig.session.id}`);
      return (data && data.items || []).find((x) => x.participant_id === kiki.participant_id);
    });
    assert.equal(found.form, 'satisfaction');
    assert.equal(found.channel, 'kiosk');
    assert.deepEqual(found.answers, { overall: 5, again: true });
  });

  test('a code that is not a card asks her to find a worker, calmly', async () => {
    await page.locator('#screen-feedback button', { hasText: '完成' }).click();
    await page.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    await scanLikeAScanner(page, 'hello');
    const r = await resultOf(page);
    assert.equal(r.result, 'unknown_card');
    assert.equal(r.title, '請找職員幫忙');
    assert.match(await page.locator('#screen-result').getAttribute('class'), /result-help/);
    await screenshot(page, '09-ask-a-worker');
  });

  test('a card the kiosk does not know is signed in provisionally', async () => {
    await backToStart(page);
    await scanLikeAScanner(page, 'A'.repeat(32));
    const r = await resultOf(page);
    assert.equal(r.result, 'provisional');
    assert.match(r.title, /已簽到/);
    await screenshot(page, '10-provisional');
  });

  test('the camera reads a card held up to it', async () => {
    await backToStart(page);
    await page.locator('[data-testid=camera-open]').click();
    await page.locator('#screen-camera').waitFor({ state: 'visible' });
    await page.waitForTimeout(300);
    await screenshot(page, '11-camera');
    const r = await waitFor('the camera to read the card', async () => {
      if (!(await page.locator('#screen-result').isVisible())) return null;
      return resultOf(page);
    }).catch(async (e) => {
      await screenshot(page, 'failed-camera');
      const state = await page.evaluate(() => {
        const v = document.getElementById('camera-video');
        return { status: document.getElementById('camera-status').textContent, screen: document.body.dataset.screen,
          width: v.videoWidth, height: v.videoHeight, paused: v.paused, ready: v.readyState, stream: !!v.srcObject };
      });
      state.manual = await page.evaluate(async () => {
        const v = document.getElementById('camera-video');
        const { decodeImageData } = await import('/camera.js');
        const c = document.createElement('canvas');
        c.width = v.videoWidth;
        c.height = v.videoHeight;
        const g = c.getContext('2d');
        g.drawImage(v, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height);
        let sum = 0;
        for (let i = 0; i < d.data.length; i += 4) sum += d.data[i];
        return { text: decodeImageData(globalThis.ZXing, d), mean: sum / (d.data.length / 4), png: c.toDataURL('image/png') };
      });
      await writeFile(path.join(SHOTS, 'failed-camera-frame.png'), Buffer.from(state.manual.png.split(',')[1], 'base64'));
      delete state.manual.png;
      throw new Error(e.message + ' ' + JSON.stringify(state));
    });
    assert.equal(r.result, 'ok');
    assert.equal(r.title, '歡迎 ' + cameraCard.alias);
  });

  test('staff mode: a wrong PIN is refused, the right one opens', async () => {
    await backToStart(page);
    await page.locator('#staff-open').click();
    for (const d of '1357') await page.locator(`[data-digit="${d}"]`).click();
    await screenshot(page, '12-pin-pad');
    await page.locator('[data-testid=pin-enter]').click();
    await waitFor('the wrong PIN message', async () =>
      (await page.locator('[data-testid=pin-error]').textContent()).includes('密碼不正確'));
    await screenshot(page, '13-pin-wrong');
    for (const d of rig.pin) await page.locator(`[data-digit="${d}"]`).click();
    await page.locator('[data-testid=pin-enter]').click();
    await page.locator('[data-testid=roster]').waitFor({ state: 'visible' });
    const count = await page.locator('[data-testid=roster-count]').textContent();
    assert.match(count, /^已到 2 \/ \d+$/);
    await screenshot(page, '14-staff-roster');
  });

  test('staff mode: sign someone in by hand, then undo it with a reason', async () => {
    const row = page.locator(`.roster-row[data-alias="${other.alias}"]`);
    await row.locator('[data-action=checkin]').click();
    await waitFor('the notice', async () =>
      (await page.locator('[data-testid=staff-notice]').textContent()) === `${other.alias} 已簽到。`);
    await row.locator('[data-action=undo]').waitFor({ state: 'visible' });
    assert.match(await row.textContent(), /已到 · 職員代簽/);
    await screenshot(page, '15-staff-signed-in');

    await row.locator('[data-action=undo]').click();
    await page.locator('.sheet').waitFor({ state: 'visible' });
    await screenshot(page, '16-staff-undo-reasons');
    await page.locator('[data-reason=reason_wrong_card]').click();
    await waitFor('the undo notice', async () =>
      (await page.locator('[data-testid=staff-notice]').textContent()) === `已取消 ${other.alias} 的簽到。`);
    await row.locator('[data-action=checkin]').waitFor({ state: 'visible' });
    await screenshot(page, '17-staff-undone');

    // Both events reach the server: she is not on its roster in the end.
    await waitFor('the check-in and its undo to reach the server', async () => {
      const s = await rig.kioskState();
      return s.pending === 0;
    });
    const roster = await rig.admin.ok('GET', `/api/v1/sessions/${rig.session.id}/roster`);
    const byId = new Map(roster.people.map((p) => [p.participant_id, p]));
    assert.ok(byId.get(kiki.participant_id).attendance, 'the scanned card is not at the server');
    assert.equal(byId.get(other.participant_id).attendance, null, 'the undone sign-in still counts');
  });

  test('staff mode: the queue says in plain words what the server refused', async () => {
    await page.locator('[data-tab=queue]').click();
    // The provisional card of before is not one of the server's.
    const rejected = page.locator('.queue-row.is-rejected');
    await rejected.first().waitFor({ state: 'visible' });
    assert.match(await rejected.first().textContent(), /伺服器不接受：伺服器不認識這張卡/);
    await screenshot(page, '18-staff-queue');
  });

  test('staff mode ends with Done, back to the start', async () => {
    await page.locator('[data-testid=staff-done]').click();
    await page.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    // The staff token is gone: staff calls are refused.
    const r = await fetch(rig.kiosk.url + '/api/staff/events');
    assert.equal(r.status, 401);
  });

  test('a phone sign-in from the session QR shows her alias on the kiosk', async () => {
    const person = rig.cards[3];
    // The link in the kiosk's QR, read with the kiosk's own decoder.
    const url = await page.evaluate(async () => {
      const img = document.querySelector('[data-testid=session-qr]');
      await import('/vendor/zxing-library.min.js');
      const { decodeImageData } = await import('/camera.js');
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 480;
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 480, 480);
      g.drawImage(img, 0, 0, 480, 480);
      return decodeImageData(globalThis.ZXing, g.getImageData(0, 0, 480, 480));
    });
    assert.ok(url && url.startsWith(rig.server.url + '/p/'), 'the QR says ' + url);
    const link = url.slice((rig.server.url + '/p/').length);
    const { phone } = await rig.admin.ok('GET', `/api/v1/participants/${person.participant_id}`);
    const phoneApi = async (p, body) => {
      const res = await fetch(rig.server.url + p, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      assert.ok(res.ok, `${p}: ${res.status} ${await res.text()}`);
    };
    await phoneApi('/api/v1/phone/code', { link, phone });
    const code = await waitFor('the code in the server log', async () => {
      const m = new RegExp(`phone code for participant ${person.participant_id}: (\\d+)`).exec(rig.server.log());
      return m && m[1];
    });
    await phoneApi('/api/v1/phone/verify', { link, phone, code });
    const toast = page.locator('.toast-phone', { hasText: `${person.alias} 已用手機簽到` });
    await toast.waitFor({ state: 'visible', timeout: 20000 });
    await screenshot(page, '19-phone-signin-toast');
  });

  test('after half a minute untouched it goes back to the start, in Chinese', async () => {
    const idle = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    idle.on('pageerror', (e) => pageErrors.push(e.message));
    await idle.clock.install();
    await idle.goto(rig.kiosk.url + '/');
    await idle.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    await scanLikeAScanner(idle, kiki.token);
    await resultOf(idle);
    await idle.locator('[data-testid=give-feedback]').click();
    await idle.locator('.faces').waitFor({ state: 'visible' });
    await idle.locator('#lang').click();
    assert.equal(await idle.getAttribute('html', 'lang'), 'en');
    await idle.clock.runFor(25000);
    assert.ok(await idle.locator('.faces').isVisible(), 'left the question before the idle time');
    await idle.clock.runFor(6000);
    await idle.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    assert.equal(await idle.getAttribute('html', 'lang'), 'zh-HK');
    await idle.close();
  });

  test('the page raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });

  test('an upright screen keeps everything in reach', async () => {
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.waitForTimeout(200);
    await screenshot(page, '20-start-portrait');
    // Nothing of the start screen scrolls out of sight.
    const overflow = await page.locator('#screen-start').evaluate((n) => n.scrollHeight - n.clientHeight);
    assert.ok(overflow <= 1, 'the start screen overflows by ' + overflow + 'px');
    await scanLikeAScanner(page, kiki.token);
    await resultOf(page);
    await page.locator('[data-testid=give-feedback]').click();
    await page.locator('.faces').waitFor({ state: 'visible' });
    await screenshot(page, '21-feedback-portrait');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
