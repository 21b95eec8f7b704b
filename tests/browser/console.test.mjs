// The staff console in headless Chromium against the real server (and a
// real kiosk beside it) on loopback: a worker's day, and what goes wrong
// (a wrong password, a viewer, a sign-in that ended under a half-typed
// form). Every page is saved under build/screenshots/console-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rig, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

const WORKER = ['worker', 'touchpoint-worker'];

async function signIn(page, [username, password]) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
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

  before(async () => {
    await rig.start();
    browser = await launchBrowser();
    // A 10-inch tablet held sideways.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
    assert.deepEqual(await tabs(page), ['今日', '參加者', '小組', '跟進', '指標']);
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
    assert.deepEqual(await tabs(page), ['Today', 'Participants', 'Groups', 'Follow-up', 'Indicators']);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.locator('#nav-list a').first().waitFor();
    assert.deepEqual(await tabs(page), ['Today', 'Participants', 'Groups', 'Follow-up', 'Indicators']);
    await page.locator(`[data-session="${rig.session.id}"]`).waitFor();
    await screenshot(page, 'console-03-today-en');
    await page.locator('[data-lang=zh-HK]').click();
    assert.deepEqual(await tabs(page), ['今日', '參加者', '小組', '跟進', '指標']);
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

  test('no page showed a script error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
