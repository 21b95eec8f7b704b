// Appointments in the staff console, in headless Chromium against the real
// demo server on loopback: a worker books a home visit for tomorrow and sees
// its two reminders planned, moves it and sees them follow, acts on a change
// request, and cancels it; a name that is nobody is refused next to the
// field; a viewer has no appointments tab. Screenshots go to
// build/screenshots/appointments-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoServer, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

// YYYY-MM-DD in Hong Kong, n days from now.
function hkDayFromNow(n) {
  return new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
}

async function signIn(page, username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
  await page.locator('#nav-list a').first().waitFor();
}

describe('appointments', { skip }, () => {
  const demo = new DemoServer();
  let browser;
  let page;
  let booked; // the appointment the worker books
  const pageErrors = [];
  const tomorrow = hkDayFromNow(1);

  before(async () => {
    await demo.start();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(demo.url + '/#/appointments');
    await page.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(page, 'worker', 'touchpoint-worker');
  });

  after(async () => {
    await browser?.close();
    await demo.stop();
  });

  const card = () => page.locator(`.appt[data-appointment="${booked.id}"]`).first();

  test('a name that is nobody is refused next to the field', async () => {
    await page.locator('button', { hasText: '預約' }).first().click();
    const f = page.locator('#appt-editor + datalist + form');
    await f.locator('[name=participant]').fill('Nobody (X-99)');
    await f.locator('[name=date]').fill(tomorrow);
    await f.locator('[name=time]').fill('15:00');
    await f.locator('button[type=submit]').click();
    await waitFor('the error', async () => (await f.locator('[data-field=participant] .field-error').textContent()).trim() !== '');
    assert.equal((await f.locator('[data-field=participant] .field-error').textContent()).trim(), '找不到這位參加者，請從清單選擇。');
  });

  test('a home visit booked for tomorrow shows with its two reminders planned', async () => {
    const f = page.locator('#appt-editor + datalist + form');
    await f.locator('[name=participant]').fill('DEMO-01');
    await f.locator('[name=kind]').selectOption('home_visit');
    await f.locator('[name=place]').fill('府上');
    await f.locator('button[type=submit]').click();
    await waitFor('the booking', async () => {
      const items = (await demo.admin.ok('GET', '/api/v1/appointments?participant_id=1&kind=home_visit')).items;
      booked = items.find((a) => a.place === '府上' && a.starts_at.startsWith(tomorrow + 'T15:00'));
      return booked;
    });
    assert.equal(booked.status, 'scheduled');
    await card().waitFor();
    const day = page.locator(`.day[data-day="${tomorrow}"]`);
    assert.ok(await day.locator(`.appt[data-appointment="${booked.id}"]`).count(), 'on tomorrow\'s day');
    assert.match(await card().textContent(), /15:00/);
    assert.match(await card().textContent(), /家訪 · 府上/);
    // Tomorrow at 15:00: the day before at 10:00 and two hours before, 13:00.
    const lines = await card().locator('.reminder').allTextContents();
    assert.equal(lines.length, 2);
    assert.match(lines[1], /13:00 未到時間/);
    await screenshot(page, 'appointments-01-week');
  });

  test('moved to 16:30, its reminders follow', async () => {
    await card().locator('button', { hasText: '改時間' }).click();
    const f = page.locator('#appt-editor + datalist + form');
    await f.locator('[name=time]').fill('16:30');
    await f.locator('button[type=submit]').click();
    await waitFor('the move', async () => (await card().textContent()).includes('16:30'));
    const stored = await demo.admin.ok('GET', '/api/v1/appointments/' + booked.id);
    assert.match(stored.starts_at, new RegExp('^' + tomorrow + 'T16:30'));
    assert.match((await card().locator('.reminder').allTextContents())[1], /14:30 未到時間/);
  });

  test('a change request waits at the top until the worker acts on it', async () => {
    await demo.admin.ok('PATCH', '/api/v1/appointments/' + booked.id, { status: 'change_requested' });
    await page.reload();
    const request = page.locator('.request', { has: page.locator(`[data-appointment="${booked.id}"]`) });
    await request.waitFor();
    assert.match(await request.textContent(), /要求更改/);
    await screenshot(page, 'appointments-02-change-request');
    await request.locator('button', { hasText: '維持原定時間' }).click();
    await request.waitFor({ state: 'detached' });
    assert.equal((await demo.admin.ok('GET', '/api/v1/appointments/' + booked.id)).status, 'scheduled');
  });

  test('cancelling asks once more, then the appointment shows cancelled', async () => {
    await card().locator('button', { hasText: '取消約會' }).click();
    await card().locator('button', { hasText: '確定取消？' }).click();
    await waitFor('the cancellation', async () => (await card().locator('.appt-status').textContent()).trim() === '已取消');
    assert.equal((await demo.admin.ok('GET', '/api/v1/appointments/' + booked.id)).status, 'cancelled');
    // Nothing is to come: a reminder already made (after 10:00 the day
    // before's is due at once) shows as withdrawn, the others not at all.
    const left = await card().locator('.reminder').evaluateAll((nodes) => nodes.map((n) => n.dataset.status));
    assert.ok(left.every((st) => st === 'withdrawn'), 'no reminders to come: ' + left.join(', '));
    assert.equal(await card().locator('button').count(), 0, 'nothing left to do');
  });

  test('her page lists her appointments and books one for her', async () => {
    await page.goto(demo.url + '/#/participants/2');
    const panel = page.locator('[data-testid=her-appointments]');
    await panel.waitFor();
    const her = await demo.admin.ok('GET', '/api/v1/participants/2');
    await panel.locator('a', { hasText: '為她預約' }).click();
    const f = page.locator('#appt-editor + datalist + form');
    await f.waitFor();
    assert.equal(await f.locator('[name=participant]').inputValue(), `${her.alias} (${her.ref})`, 'she is filled in');
    await f.locator('[name=kind]').selectOption('mchc');
    await f.locator('[name=date]').fill(hkDayFromNow(2));
    await f.locator('[name=time]').fill('11:00');
    await f.locator('[name=place]').fill('健康院');
    await f.locator('button[type=submit]').click();
    let made;
    await waitFor('the booking', async () => {
      made = (await demo.admin.ok('GET', '/api/v1/appointments?participant_id=2&kind=mchc')).items
        .find((a) => a.starts_at.startsWith(hkDayFromNow(2) + 'T11:00'));
      return made;
    });
    // The page shows the week of the booking first; then back to her page.
    await page.locator(`.day .appt[data-appointment="${made.id}"]`).waitFor();
    await page.goto(demo.url + '/#/participants/2');
    await panel.locator(`.appt[data-appointment="${made.id}"]`).waitFor();
    assert.match(await panel.textContent(), /母嬰健康院 · 健康院/);
    await screenshot(page, 'appointments-03-her-page');
  });

  test('a viewer has no appointments tab', async () => {
    await demo.admin.ok('POST', '/api/v1/users', { username: 'viewer2', role: 'viewer', password: 'viewer-password-2' });
    const context = await browser.newContext();
    const viewer = await context.newPage();
    await viewer.goto(demo.url + '/');
    await viewer.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(viewer, 'viewer2', 'viewer-password-2');
    assert.equal((await viewer.locator('#nav-list a').allTextContents()).some((s) => s.includes('約會')), false);
    await context.close();
  });

  test('no script errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
