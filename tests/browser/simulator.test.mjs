// The demo's phone simulator, in headless Chromium: the real demo server
// and the real gateway on its console adapter, on loopback. A reminder the
// scheduler queues shows in her thread with its quick-reply buttons; a tap
// on 確認 confirms the appointment and the answer appears; a typed text
// reaches the workers' inbox; the page reads zh-HK first, English second.
// Screenshots go to build/screenshots/simulator-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ConsoleGateway, DemoServer, GATEWAY_BIN, hkIso, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
if (!existsSync(GATEWAY_BIN)) missing.push('gateway (' + GATEWAY_BIN + ')');
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

describe('phone simulator', { skip }, () => {
  const demo = new DemoServer();
  const gw = new ConsoleGateway();
  let browser;
  let page;
  let her;
  let appt;
  const pageErrors = [];

  before(async () => {
    await demo.start({ TOUCHPOINT_QUIET_HOURS: 'none' });
    await gw.start(demo);
    const people = await demo.admin.ok('GET', '/api/v1/participants?limit=100');
    her = people.items.find((p) => p.channel === 'whatsapp' && p.consent && p.phone && !p.opted_out_at);
    assert.ok(her, 'the demo has a mother who takes WhatsApp');
    // In 90 minutes: the two-hours-before reminder is due at once.
    appt = await demo.admin.ok('POST', '/api/v1/appointments', {
      participant_id: her.id, kind: 'mchc', starts_at: hkIso(Date.now() + 90 * 60 * 1000), place: '健康院',
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(gw.url + '/simulator');
  });

  after(async () => {
    await browser?.close();
    await gw.stop();
    await demo.stop();
  });

  test('the page reads Traditional Chinese first, English second', async () => {
    const title = await page.locator('h1').textContent();
    assert.match(title, /^電話模擬器\s+Phone simulator$/);
    assert.match(await page.locator('label[for=number]').textContent(), /^電話號碼\s+Phone number/);
  });

  test('her reminder is in her thread, with its buttons', async () => {
    const thread = page.locator('#threads button', { hasText: her.phone });
    await thread.waitFor({ timeout: 15000 });
    await thread.click();
    const reminder = page.locator('#thread li.out', { hasText: '健康院' });
    await reminder.waitFor();
    const text = await reminder.textContent();
    assert.match(text, new RegExp(her.alias), 'it names her');
    assert.doesNotMatch(text, /毒|輔導|戒/, 'and nothing of the service');
    assert.deepEqual(await reminder.locator('.buttons button').allTextContents(), ['確認', '更改']);
    await screenshot(page, 'simulator-01-reminder');
  });

  test('a tap on 確認 confirms the appointment, and she is answered', async () => {
    const before = await page.locator('#thread li.out').count();
    await page.locator('#thread li.out', { hasText: '健康院' }).locator('.buttons button', { hasText: '確認' }).click();
    await page.locator('#thread li.in', { hasText: '確認' }).waitFor();
    await waitFor('the appointment confirmed', async () =>
      (await demo.admin.ok('GET', '/api/v1/appointments/' + appt.id)).status === 'confirmed');
    await waitFor('her answer', async () => (await page.locator('#thread li.out').count()) > before);
    await screenshot(page, 'simulator-02-confirmed');
  });

  test('a text she types reaches the workers\' inbox', async () => {
    await page.locator('#text').fill('我會遲啲到，唔好意思');
    await page.locator('#reply button[type=submit]').click();
    await page.locator('#thread li.in', { hasText: '我會遲啲到' }).waitFor();
    await waitFor('the inbox to have it', async () => {
      const box = await demo.admin.ok('GET', '/api/v1/inbox');
      return box.items.some((m) => m.body === '我會遲啲到，唔好意思' || m.text === '我會遲啲到，唔好意思');
    });
  });

  test('a number that is not one is refused, in both languages', async () => {
    await page.locator('#number').fill('12');
    await page.locator('#pick button[type=submit]').click();
    await page.locator('#pick-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#pick-error').textContent(), /^號碼不正確 Not a phone number/);
  });

  test('the page raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
