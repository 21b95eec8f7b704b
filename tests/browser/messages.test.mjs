// Messages in the staff console, in headless Chromium against the real demo
// server on loopback, with this test acting as the gateway through the
// server's gateway API (the daemon and the providers are tested on their
// own): the reminders the scheduler queued go out and are delivered, a
// mother texts "I'll be late" and it waits in the workers' inbox until one
// takes it, her page shows her texts with what became of each, and a "2"
// to an appointment's reminder puts it among the change requests with her
// words. Screenshots go to build/screenshots/messages-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoServer, ServerClient, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

async function signIn(page, username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
  await page.locator('#nav-list a').first().waitFor();
}

describe('messages', { skip }, () => {
  const demo = new DemoServer();
  let gateway; // this test, as the gateway
  let browser;
  let page;
  let sent = []; // the reminders handed out and reported sent
  let late; // her text for the inbox
  const pageErrors = [];
  let serial = 0;
  const inbound = (from, text) => ({
    type: 'inbound', provider: 'console', provider_id: 'test-in-' + ++serial, channel: 'sms',
    from, to: '+85230001234', text, at: Math.floor(Date.now() / 1000),
  });

  before(async () => {
    // Reminders go at any hour the test runs (the demo's first appointment
    // is within two hours, so its reminder is due at once).
    await demo.start({ TOUCHPOINT_QUIET_HOURS: 'none' });
    const device = await demo.admin.ok('POST', '/api/v1/devices', { name: 'Test gateway', kind: 'gateway' });
    gateway = new ServerClient(demo.url);
    gateway.bearer = device.token;
    // Whatever the scheduler has queued by now (the demo's appointments
    // and sessions in the next hours) goes out and is delivered.
    await waitFor('reminders to claim', async () => {
      const claim = await gateway.ok('POST', '/api/v1/gateway/claim', { limit: 50 });
      for (const m of claim.messages) {
        await gateway.ok('POST', `/api/v1/gateway/messages/${m.id}/result`,
          { lease: m.lease, outcome: 'sent', provider: 'console', provider_id: 'test-out-' + m.id, channel: m.channel });
        sent.push(m);
      }
      return sent.length > 0;
    });
    await gateway.ok('POST', '/api/v1/gateway/events', {
      events: sent.map((m) => ({ type: 'status', provider: 'console', provider_id: 'test-out-' + m.id, status: 'delivered', at: Math.floor(Date.now() / 1000) })),
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(demo.url + '/#/messages');
    await page.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(page, 'worker', 'touchpoint-worker');
  });

  after(async () => {
    await browser?.close();
    await demo.stop();
  });

  test('a text the engine cannot read waits in the inbox until a worker takes it', async () => {
    const reminded = sent[0];
    const r = await gateway.ok('POST', '/api/v1/gateway/events', { events: [inbound(reminded.to, '我會遲啲到，唔好意思')] });
    late = r.results[0].message_id;
    await page.reload();
    const item = page.locator(`[data-testid=inbox] .msg[data-message="${late}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /我會遲啲到，唔好意思/);
    assert.match(await item.locator('.msg-badge').textContent(), /待同工跟進/);
    await screenshot(page, 'messages-01-inbox');
    await item.locator('button', { hasText: '由我跟進' }).click();
    await waitFor('taken', async () => !(await page.locator(`[data-testid=inbox] .msg[data-message="${late}"]`).count()));
    const box = await demo.admin.ok('GET', '/api/v1/inbox?all=1');
    const mine = box.items.find((m) => m.id === late);
    assert.ok(mine.handled_by, 'the server knows who took it');
    await page.locator('#inbox-all').check();
    const again = page.locator(`[data-testid=inbox] .msg[data-message="${late}"]`);
    await again.waitFor();
    assert.match(await again.textContent(), /由你跟進/);
  });

  test('her page shows her texts, each with what became of it', async () => {
    const pid = (await demo.admin.ok('GET', '/api/v1/messages/' + sent[0].id)).participant_id;
    await page.goto(demo.url + '/#/participants/' + pid);
    const panel = page.locator('[data-testid=her-messages]');
    await panel.waitFor();
    const out = panel.locator(`.msg[data-message="${sent[0].id}"]`);
    await out.waitFor();
    assert.equal((await out.locator('.msg-badge').textContent()).trim(), '已送達');
    await out.locator('summary').click();
    const steps = await out.locator('.msg-history li').allTextContents();
    assert.ok(steps.some((s) => s.includes('已送達')), 'its history says delivered: ' + steps.join(' | '));
    assert.ok(await panel.locator(`.msg[data-message="${late}"]`).count(), 'and her own text is there');
    await screenshot(page, 'messages-02-her-page');
  });

  test('a "2" to an appointment\'s reminder shows among the change requests, with her words', async () => {
    const reminder = sent.find((m) => m.buttons && m.buttons.some((b) => b.id === '2'));
    assert.ok(reminder, 'a demo appointment was reminded');
    await gateway.ok('POST', '/api/v1/gateway/events', { events: [inbound(reminder.to, '２')] });
    await page.goto(demo.url + '/#/appointments?worker=');
    const request = page.locator('.request').first();
    await request.waitFor();
    assert.match(await request.locator('.request-reply').textContent(), /她的回覆：「２」/);
    await screenshot(page, 'messages-03-change-request');
  });

  test('the feedback form goes by text to those who came, and says why not to the others', async () => {
    const session = (await demo.admin.ok('GET', '/api/v1/sessions?ref=MSG-04')).items[0];
    const roster = await demo.admin.ok('GET', `/api/v1/sessions/${session.id}/roster`);
    const came = roster.people.filter((p) => p.attendance && !p.attendance.undone_at);
    await page.goto(demo.url + '/#/sessions/' + session.id);
    const panel = page.locator('[data-testid=survey]');
    await panel.waitFor();
    await panel.locator('button[type=submit]').click();
    const result = panel.locator('[data-testid=survey-result]');
    await result.locator('.notice').waitFor();
    const text = await result.textContent();
    const surveys = (await demo.admin.ok('GET', '/api/v1/messages?kind=survey&limit=100')).items
      .filter((m) => m.session_id === session.id);
    const to = new Set(surveys.map((m) => m.participant_id));
    assert.ok(to.size >= 1, 'someone who came and had not answered is asked');
    assert.match(text, new RegExp(`已安排發給 ${to.size} 人`));
    for (const pid of to) assert.ok(came.some((p) => p.participant_id === pid), 'only those who came are asked');
    assert.equal(await result.locator('.survey-skipped li').count(), came.length - to.size, 'each other one is named with why');
    await screenshot(page, 'messages-04-survey');
  });

  test('a viewer has no messages tab, and the API refuses her', async () => {
    await demo.admin.ok('POST', '/api/v1/users', { username: 'viewer3', role: 'viewer', password: 'viewer-password-3' });
    const viewer = new ServerClient(demo.url);
    await viewer.login('viewer3', 'viewer-password-3');
    assert.equal((await viewer.call('GET', '/api/v1/inbox')).status, 403);
    const context = await browser.newContext();
    const vpage = await context.newPage();
    await vpage.goto(demo.url + '/');
    await vpage.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(vpage, 'viewer3', 'viewer-password-3');
    assert.equal((await vpage.locator('#nav-list a').allTextContents()).some((s) => s.includes('訊息')), false);
    await context.close();
  });

  test('no script errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
