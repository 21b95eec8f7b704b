// The staff console in headless Chromium against the real server (and a
// real kiosk beside it) on loopback: a worker's day, and what goes wrong
// (a wrong password, a viewer, a sign-in that ended under a half-typed
// form). Every page is saved under build/screenshots/console-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Rig, SHOTS, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

const WORKER = ['worker', 'touchpoint-worker'];

async function signIn(page, [username, password]) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
}

// What the QR codes in a PNG say, read by zbarimg (zbar-tools).
function decodeQr(file) {
  return new Promise((resolve, reject) => {
    execFile('zbarimg', ['--raw', '-q', file], (err, stdout) => {
      if (err && !stdout) reject(new Error('zbarimg found no QR code in ' + file));
      else resolve(stdout.split('\n').filter(Boolean));
    });
  });
}

// The text of the tabs in the top bar.
async function tabs(page) {
  return (await page.locator('#nav-list a').allTextContents()).map((s) => s.trim());
}

describe('staff console', { skip }, () => {
  const rig = new Rig();
  let browser;
  let context;
  let page;
  const pageErrors = [];
  const state = {}; // what one test leaves for the next (her id, the group)

  before(async () => {
    await rig.start();
    browser = await launchBrowser();
    // A 10-inch tablet held sideways.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK', timezoneId: 'Asia/Hong_Kong' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(rig.server.url + '/');
    await page.locator('#signin-form').waitFor({ state: 'visible' });
  });

  after(async () => {
    await browser?.close();
    await rig.stop();
  });

  test('a wrong password is refused, in Chinese, and nothing else shows', async () => {
    assert.equal(await page.title(), 'Touchpoint');
    await signIn(page, ['worker', 'not-her-password']);
    await waitFor('the error', async () => (await page.locator('#signin-error').textContent()).trim() !== '');
    assert.equal((await page.locator('#signin-error').textContent()).trim(), '用戶名稱或密碼不正確。');
    assert.equal(await page.locator('#app').isVisible(), false);
    assert.equal(await page.locator('#password').inputValue(), '', 'the wrong password is cleared');
    await screenshot(page, 'console-01-wrong-password');
  });

  test('the worker signs in and lands on today, with the session open now', async () => {
    await signIn(page, WORKER);
    await page.locator('#nav-list a').first().waitFor();
    assert.deepEqual(await tabs(page), ['今日', '參加者', '小組', '跟進', '指標', '約會', '訊息']);
    assert.match(page.url(), /#\/today$/);
    const card = page.locator(`[data-session="${rig.session.id}"]`);
    await card.waitFor();
    assert.match(await card.textContent(), /媽媽支援小組 第9節/);
    assert.match(await card.locator('[data-testid=arrived]').textContent(), /已到 0 \/ \d+/);
    assert.equal(await page.title(), 'Touchpoint');
    await screenshot(page, 'console-02-today');
  });

  test('English at a click, remembered after a reload, and back', async () => {
    await page.locator('[data-lang=en]').click();
    assert.deepEqual(await tabs(page), ['Today', 'Participants', 'Groups', 'Follow-up', 'Indicators', 'Appointments', 'Messages']);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.locator('#nav-list a').first().waitFor();
    assert.deepEqual(await tabs(page), ['Today', 'Participants', 'Groups', 'Follow-up', 'Indicators', 'Appointments', 'Messages']);
    await page.locator(`[data-session="${rig.session.id}"]`).waitFor();
    await screenshot(page, 'console-03-today-en');
    await page.locator('[data-lang=zh-HK]').click();
    assert.deepEqual(await tabs(page), ['今日', '參加者', '小組', '跟進', '指標', '約會', '訊息']);
  });

  test('search finds her by alias and by the last digits of her phone', async () => {
    const who = rig.cards[0];
    const her = await rig.admin.ok('GET', '/api/v1/participants/' + who.participant_id);
    await page.locator('#nav-list a', { hasText: '參加者' }).click();
    await page.locator('#search-q').fill(her.alias);
    await page.locator('[data-testid=results] a.alias', { hasText: her.alias }).first().waitFor();
    await page.locator('#search-q').fill(her.phone.slice(-4));
    const row = page.locator('[data-testid=results] li', { hasText: her.alias });
    await row.first().waitFor();
    assert.match(await row.first().textContent(), new RegExp('電話尾號 ' + her.phone.slice(-4)));
    assert.doesNotMatch(await page.locator('[data-testid=results]').textContent(), new RegExp(her.phone.slice(-8)),
      'the overview never shows a whole number');
    await screenshot(page, 'console-04-search');
  });

  test('the roster: sign her in by hand (two taps), then undo with a reason', async () => {
    const who = rig.cards[1];
    await page.goto(rig.server.url + '/#/sessions/' + rig.session.id);
    const row = page.locator(`[data-testid=roster] li[data-pid="${who.participant_id}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /未到/);
    await row.locator('button', { hasText: '代為簽到' }).click();
    await row.locator('button', { hasText: '確認簽到？' }).click();
    await waitFor('her row to say she is here', async () => /已到/.test(await row.textContent()));
    assert.match(await row.locator('[data-testid=how]').textContent(), /職員代簽/);
    const roster = await rig.admin.ok('GET', `/api/v1/sessions/${rig.session.id}/roster`);
    assert.equal(roster.people.find((p) => p.participant_id === who.participant_id).attendance.method, 'staff');
    await screenshot(page, 'console-05-roster-signed');

    await row.locator('button', { hasText: '取消簽到' }).click();
    await row.locator('button', { hasText: '確認取消簽到' }).click();
    assert.equal((await row.locator('.field-error').textContent()).trim(), '請寫下取消的原因。', 'a reason is required');
    await row.locator('input').fill('按錯了人');
    await screenshot(page, 'console-06-roster-undo');
    await row.locator('button', { hasText: '確認取消簽到' }).click();
    await waitFor('her row to say not yet', async () => /未到/.test(await row.textContent()));
    const after = await rig.admin.ok('GET', `/api/v1/sessions/${rig.session.id}/roster`);
    assert.equal(after.people.find((p) => p.participant_id === who.participant_id).attendance, null);
  });

  test('enrol a participant: the page checks first, then she is stored with her consent', async () => {
    await page.locator('#nav-list a', { hasText: '參加者' }).click();
    await page.locator('a', { hasText: '登記新參加者' }).click();
    const form = page.locator('form.form');
    await form.waitFor();
    // Checked on the page: no alias, a phone that is not one.
    await page.locator('input[name=phone]').fill('1234');
    await form.locator('button[type=submit]').click();
    assert.equal((await page.locator('[data-field=alias] .field-error').textContent()).trim(), '必須填寫。');
    assert.match(await page.locator('[data-field=phone] .field-error').textContent(), /8 位數字/);
    await screenshot(page, 'console-08-enrol-errors');
    await page.locator('input[name=alias]').fill('<b>晴晴</b>');
    await page.locator('input[name=phone]').fill('6123 4567');
    await page.locator('input[name=consent]').check();
    await page.locator('input[name=consent_on]').fill('2026-11-20');
    await page.locator('select[name=consent_how]').selectOption('verbal');
    await screenshot(page, 'console-09-enrol');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=alias]').waitFor();
    // Her alias is text, never markup.
    assert.equal(await page.locator('[data-testid=alias]').textContent(), '<b>晴晴</b>');
    assert.equal(await page.locator('[data-testid=alias] b').count(), 0);
    state.herId = Number(/#\/participants\/(\d+)/.exec(page.url())[1]);
    const her = await rig.admin.ok('GET', '/api/v1/participants/' + state.herId);
    assert.equal(her.phone, '+85261234567');
    assert.equal(her.consent, true);
    assert.equal(her.consent_on, '2026-11-20');
    assert.equal(her.consent_how, 'verbal');
    assert.match(await page.locator('[data-testid=consent]').textContent(), /已同意.*口頭/);
    await screenshot(page, 'console-10-her-page');
  });

  test('a server error is shown next to the field it names', async () => {
    const taken = await rig.admin.ok('GET', '/api/v1/participants/' + rig.cards[0].participant_id);
    await page.goto(rig.server.url + '/#/participants/' + state.herId + '/edit');
    await page.locator('input[name=ref]').fill(taken.ref);
    await page.locator('form.form button[type=submit]').click();
    const err = page.locator('[data-field=ref] .field-error');
    await waitFor('the ref error', async () => (await err.textContent()).trim() !== '');
    assert.match(await err.textContent(), new RegExp(taken.ref));
    await screenshot(page, 'console-11-server-field-error');
    await page.locator('input[name=ref]').fill('');
    await page.locator('form.form button[type=submit]').click();
    await page.locator('[data-testid=alias]').waitFor();
  });

  test('print her card: the QR on the printed page is her token', async () => {
    const her = await rig.admin.ok('GET', '/api/v1/participants/' + state.herId);
    await page.locator('a', { hasText: '列印參加者卡' }).click();
    const card = page.locator('[data-testid=card]');
    await card.waitFor();
    await waitFor('the card image', () => card.evaluate((img) => img.complete && img.naturalWidth > 0));
    await screenshot(page, 'console-12-card');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.topbar').isVisible(), false, 'the printed page is the card alone');
    const file = path.join(SHOTS, 'console-13-card-printed.png');
    await page.screenshot({ path: file, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(await decodeQr(file), [her.card_token]);
    state.oldToken = her.card_token;
  });

  test('reissue a lost card: the old one stops at once, the new card prints', async () => {
    await page.goto(rig.server.url + '/#/participants/' + state.herId);
    await page.locator('button', { hasText: '補發新卡' }).click();
    assert.match(await page.locator('.notice-warn').textContent(), /舊卡會即時失效/);
    await page.locator('button', { hasText: '確認補發' }).click();
    await page.locator('.notice-ok', { hasText: '已補發新卡' }).waitFor();
    const card = page.locator('[data-testid=card]');
    await waitFor('the new card image', () => card.evaluate((img) => img.complete && img.naturalWidth > 0));
    const file = path.join(SHOTS, 'console-14-card-reissued.png');
    await page.screenshot({ path: file });
    const her = await rig.admin.ok('GET', '/api/v1/participants/' + state.herId);
    assert.notEqual(her.card_token, state.oldToken);
    assert.deepEqual(await decodeQr(file), [her.card_token]);
    const old = await rig.admin.call('POST', '/api/v1/checkins', { card: state.oldToken, session_id: rig.session.id });
    assert.equal(old.data.error?.code || old.data.status, 'revoked');
  });

  test('create a group with its kind and N, plan a term skipping a holiday, enrol her', async () => {
    await page.goto(rig.server.url + '/#/groups/new');
    await page.locator('input[name=name]').fill('親子遊戲小組');
    await page.locator('select[name=kind]').selectOption('parent_child');
    await page.locator('input[name=retention_n]').fill('4');
    await page.locator('input[name=venue]').fill('Room 3');
    await screenshot(page, 'console-15-group-new');
    await page.locator('form.form button[type=submit]').click();
    await page.locator('[data-testid=group-name]').waitFor();
    state.groupId = Number(/#\/groups\/(\d+)/.exec(page.url())[1]);
    const group = await rig.admin.ok('GET', '/api/v1/groups/' + state.groupId);
    assert.equal(group.kind, 'parent_child');
    assert.equal(group.retention_n, 4);

    await page.locator('a', { hasText: '編排一期活動' }).click();
    await page.locator('select[name=weekday]').selectOption('2');
    await page.locator('input[name=from]').fill('2027-03-01');
    await page.locator('input[name=weeks]').fill('10');
    await page.locator('input[name=starts]').fill('14:00');
    await page.locator('input[name=ends]').fill('16:00');
    const ticks = page.locator('[data-testid=term-dates] input[type=checkbox]');
    await waitFor('ten dates', async () => (await ticks.count()) === 10);
    assert.equal(await ticks.first().getAttribute('data-date'), '2027-03-02', 'the first Tuesday on or after the day');
    await page.locator('[data-testid=term-dates] input[data-date="2027-04-06"]').uncheck();
    assert.match(await page.locator('[data-testid=term-summary]').textContent(), /共 9 節，每節 14:00–16:00/);
    await screenshot(page, 'console-16-plan-term');
    await page.locator('form.form button[type=submit]').click();
    await page.locator('.notice-ok', { hasText: '已編排 9 節活動' }).waitFor();
    const sessions = (await rig.admin.ok('GET', '/api/v1/sessions?group_id=' + state.groupId)).items;
    assert.equal(sessions.length, 9);
    assert.equal(sessions[0].starts_at, '2027-03-02T14:00:00+08:00');
    assert.equal(sessions[0].venue, 'Room 3');
    assert.ok(!sessions.some((x) => x.starts_at.startsWith('2027-04-06')), 'the holiday is left out');
    state.termSessions = sessions;

    const herAlias = '<b>晴晴</b>';
    await page.locator('#enrol-q').fill('晴晴');
    await page.locator('[data-testid=enrol-results] button', { hasText: '加入' }).click();
    await page.locator('[data-testid=group-members] a.alias', { hasText: herAlias }).waitFor();
    await screenshot(page, 'console-17-group');
  });

  test('move one session and cancel another', async () => {
    const [first, second] = state.termSessions;
    await page.goto(rig.server.url + '/#/sessions/' + first.id);
    await page.locator('button', { hasText: '更改時間或地點' }).click();
    await page.locator('input[name=day]').fill('2027-03-03');
    await page.locator('input[name=starts]').fill('10:00');
    await page.locator('input[name=ends]').fill('12:00');
    await screenshot(page, 'console-18-move');
    await page.locator('button', { hasText: '儲存更改' }).click();
    await page.locator('.notice-ok', { hasText: '已更改' }).waitFor();
    const moved = await rig.admin.ok('GET', '/api/v1/sessions/' + first.id);
    assert.equal(moved.starts_at, '2027-03-03T10:00:00+08:00');
    assert.equal(moved.ends_at, '2027-03-03T12:00:00+08:00');

    await page.goto(rig.server.url + '/#/sessions/' + second.id);
    await page.locator('button', { hasText: '取消這一節' }).click();
    await page.locator('button', { hasText: '確認取消這一節？' }).click();
    await page.locator('.badge-cancelled').waitFor();
    assert.equal((await rig.admin.ok('GET', '/api/v1/sessions/' + second.id)).status, 'cancelled');
  });

  test('the roster fills as a mother signs in at the kiosk, and a walk-in is flagged', async () => {
    await page.goto(rig.server.url + '/#/sessions/' + rig.session.id);
    const who = rig.cards[2];
    const row = page.locator(`[data-testid=roster] li[data-pid="${who.participant_id}"]`);
    await row.waitFor();
    const kiosk = await context.newPage();
    await kiosk.goto(rig.kiosk.url + '/');
    await kiosk.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    await kiosk.keyboard.type(who.token, { delay: 4 });
    await kiosk.keyboard.press('Enter');
    await kiosk.locator('#screen-result').waitFor({ state: 'visible' });
    await kiosk.close();
    // No reload: the roster refreshes itself.
    await waitFor('her row to fill from the kiosk', async () => /已到/.test(await row.textContent()), { timeout: 20000 });
    assert.match(await row.locator('[data-testid=how]').textContent(), /掃卡/);

    await page.locator('#walkin-q').fill('晴晴');
    await page.locator('[data-testid=walkin-results] button', { hasText: '簽到' }).click();
    const walkin = page.locator(`[data-testid=roster] li[data-pid="${state.herId}"]`);
    await walkin.waitFor();
    assert.match(await walkin.textContent(), /即場參加/);
    assert.match(await page.locator('.notice-warn').textContent(), /即場參加/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-19-roster-live');
  });

  test('a sign-in that ended under a half-typed form: back to sign-in, then the same form with what was typed', async () => {
    await page.goto(rig.server.url + '/#/participants/new');
    await page.locator('input[name=alias]').fill('阿晴');
    await page.locator('input[name=phone]').fill('9123 4567');
    // The session ends (the cookie is gone, as after the time-out).
    await context.clearCookies();
    await page.locator('button[type=submit]', { hasText: '登記' }).click();
    await page.locator('#signin-form').waitFor({ state: 'visible' });
    assert.match(await page.locator('#signin-notice').textContent(), /登入已逾時/);
    assert.equal(await page.locator('#username').inputValue(), 'worker', 'her username is filled in');
    await screenshot(page, 'console-07-session-ended');
    await page.locator('#password').fill(WORKER[1]);
    await page.locator('#signin-button').click();
    await page.locator('input[name=alias]').waitFor({ state: 'visible' });
    assert.match(page.url(), /#\/participants\/new$/);
    assert.equal(await page.locator('input[name=alias]').inputValue(), '阿晴');
    assert.equal(await page.locator('input[name=phone]').inputValue(), '9123 4567');
    assert.match(await page.locator('.form-status').textContent(), /未有儲存/);
    const before = await rig.admin.ok('GET', '/api/v1/participants?q=' + encodeURIComponent('阿晴'));
    assert.equal(before.items.length, 0, 'nothing was saved while signed out');
  });

  test('her page lists her groups and her attendance', async () => {
    await page.goto(rig.server.url + '/#/participants/' + state.herId);
    await page.locator('[data-testid=her-attendance] li').first().waitFor();
    assert.match(await page.locator('[data-testid=her-groups]').textContent(), /親子遊戲小組/);
    assert.match(await page.locator('[data-testid=her-attendance]').textContent(), /職員代簽.*即場參加/);
    await screenshot(page, 'console-20-her-page-full');
  });

  test('a viewer sees figures, never phone numbers, and cannot edit', async () => {
    await rig.admin.ok('POST', '/api/v1/users', { username: 'vic', role: 'viewer', password: 'viewer-password-1' });
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK' });
    const vpage = await viewer.newPage();
    vpage.on('pageerror', (e) => pageErrors.push(e.message));
    await vpage.goto(rig.server.url + '/#/participants/' + state.herId);
    await signIn(vpage, ['vic', 'viewer-password-1']);
    await vpage.locator('[data-testid=alias]').waitFor();
    assert.deepEqual(await tabs(vpage), ['今日', '參加者', '小組', '跟進', '指標']);
    const text = await vpage.locator('.view').textContent();
    assert.doesNotMatch(text, /6123|4567|\+852/, 'no phone number, not even its last digits');
    assert.equal(await vpage.locator('[data-testid=phone]').count(), 0);
    for (const label of ['修改資料', '列印參加者卡', '補發新卡']) {
      assert.equal(await vpage.locator('a, button', { hasText: label }).count(), 0, label + ' is not offered');
    }
    await screenshot(vpage, 'console-21-viewer-her-page');
    await vpage.goto(rig.server.url + '/#/participants/' + state.herId + '/edit');
    await vpage.locator('h1', { hasText: '沒有權限' }).waitFor();
    await screenshot(vpage, 'console-22-viewer-not-allowed');
    await vpage.goto(rig.server.url + '/#/sessions/' + rig.session.id);
    await vpage.locator('[data-testid=roster] li').first().waitFor();
    assert.equal(await vpage.locator('[data-testid=roster] button').count(), 0, 'no sign-in or undo buttons');
    // The server refuses too, whatever the page shows.
    const res = await vpage.evaluate(async (id) => (await fetch('/api/v1/participants/' + id, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alias: 'x' }),
    })).status, state.herId);
    assert.equal(res, 403);
    await viewer.close();
  });

  test('an admin adds a kiosk, pairs it by code and QR, and revokes it; the audit log shows the term', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK' });
    const apage = await admin.newPage();
    apage.on('pageerror', (e) => pageErrors.push(e.message));
    await apage.goto(rig.server.url + '/#/devices');
    await signIn(apage, ['admin', 'touchpoint-admin']);
    await apage.locator('[data-testid=devices]').waitFor();
    assert.deepEqual(await tabs(apage), ['今日', '參加者', '小組', '跟進', '指標', '約會', '訊息', '簽到機', '操作紀錄']);
    await apage.locator('input[name=name]').fill('Room 3 kiosk');
    await apage.locator('input[name=venue]').fill('Room 3');
    await apage.locator('form.form button[type=submit]').click();
    const code = (await apage.locator('[data-testid=pair-code]').textContent()).trim();
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const qr = apage.locator('.pair-qr');
    await waitFor('the pairing QR', () => qr.evaluate((img) => img.complete && img.naturalWidth > 0));
    const file = path.join(SHOTS, 'console-23-kiosk-pairing.png');
    await apage.screenshot({ path: file, fullPage: true });
    assert.ok((await decodeQr(file)).some((t) => t.includes(code)), 'the QR carries the pairing code');
    const row = apage.locator('[data-testid=devices] li', { hasText: 'Room 3 kiosk' });
    await row.locator('button', { hasText: '停用' }).click();
    await row.locator('button', { hasText: '確認停用' }).click();
    await apage.locator('.notice-ok', { hasText: '已停用' }).waitFor();
    const devices = (await rig.admin.ok('GET', '/api/v1/devices?archived=only')).items;
    assert.ok(devices.some((d) => d.name === 'Room 3 kiosk'), 'the kiosk is revoked');

    await apage.locator('#nav-list a', { hasText: '操作紀錄' }).click();
    await apage.locator('[data-testid=audit] tbody tr').first().waitFor();
    assert.match(await apage.locator('[data-testid=audit]').textContent(), /編排一期活動/);
    await screenshot(apage, 'console-24-audit');
    await admin.close();
  });

  test('no page showed a script error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
