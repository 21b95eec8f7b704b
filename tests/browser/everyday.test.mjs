// What a social worker hits in daily use, in headless Chromium against the
// real server and kiosk on loopback: programmes made and changed in the
// console (checked on the page, and a reference the server refuses shown
// next to its field); someone taken out of a group from the group's page
// (off the session's roster and the kiosk's, counted as enrolled only before
// the day she left) and from her own page (then taken back); archiving her
// in two steps (her card refused at once, at the server and at the kiosk)
// and restoring her; a term plan whose unticked dates survive a change of
// language; and the top bar with every tab at 1280x800, 1024x768 and
// 800x1280. Screenshots go to build/screenshots/everyday-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoServer, Rig, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

// YYYY-MM-DD in Hong Kong, n days from today.
function hkDay(n = 0) {
  return new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
}

async function signIn(page, username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
  await page.locator('#nav-list a').first().waitFor();
}

async function text(locator) {
  return ((await locator.textContent()) || '').trim();
}

// The kiosk's staff mode over its own API (the PIN, then its token): ask
// for a roster refresh and read a session's roster as the kiosk holds it.
async function kioskStaff(rig) {
  const base = { 'Content-Type': 'application/json', 'X-Kiosk': '1' };
  const login = await fetch(rig.kiosk.url + '/api/staff/login', { method: 'POST', headers: base, body: JSON.stringify({ pin: rig.pin }) });
  const { token } = await login.json();
  const headers = { ...base, 'X-Staff-Token': token };
  return {
    refresh: () => fetch(rig.kiosk.url + '/api/staff/refresh', { method: 'POST', headers, body: '{}' }),
    roster: async (sessionId) => (await (await fetch(rig.kiosk.url + '/api/staff/roster?session_id=' + sessionId, { headers })).json()).people,
  };
}

// G's enrolled figure in the report for [from, to].
async function enrolledFigure(client, group, from, to) {
  const res = await fetch(`${client.base}/api/v1/indicators.csv?from=${from}&to=${to}`, { headers: { Cookie: client.cookie } });
  const csv = await res.text();
  const line = csv.split(/\r?\n/).find((l) => l.includes('/group:' + group + ',enrolled,'));
  if (!line) throw new Error('no enrolled figure for ' + group + ' in\n' + csv.slice(0, 400));
  return Number(line.split(',')[2]);
}

describe('a worker\'s everyday gaps', { skip }, () => {
  const rig = new Rig();
  let browser;
  let context;
  let page;
  const pageErrors = [];

  before(async () => {
    await rig.start();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK', timezoneId: 'Asia/Hong_Kong' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(rig.server.url + '/#/groups');
    await signIn(page, 'worker', 'touchpoint-worker');
  });

  after(async () => {
    await browser?.close();
    await rig.stop();
  });

  test('programmes: listed with their dates, made and changed with checks on the page and the server', async () => {
    await page.locator('a[href="#/programmes"]').click();
    const demo = page.locator('[data-testid=programmes] li', { hasText: 'FSP2026' });
    await demo.waitFor();
    assert.match(await demo.textContent(), /家庭支援計劃.*FSP2026.*2026.*2028.*2 個小組/);
    await screenshot(page, 'everyday-01-programmes');

    await page.locator('a', { hasText: '新增計劃' }).click();
    const form = page.locator('form.form');
    await form.locator('button[type=submit]').click();
    assert.equal(await text(page.locator('[data-field=name] .field-error')), '必須填寫。');
    await page.locator('input[name=name]').fill('社區教育計劃');
    await page.locator('input[name=ref]').fill('FSP2026');
    await page.locator('input[name=starts_on]').fill('2027-04-01');
    await page.locator('input[name=ends_on]').fill('2027-03-31');
    await form.locator('button[type=submit]').click();
    assert.equal(await text(page.locator('[data-field=ends_on] .field-error')), '結束日期不能早於開始日期。');
    await page.locator('input[name=ends_on]').fill('2029-03-31');
    await form.locator('button[type=submit]').click();
    // Only the server knows the reference is taken: its word, next to the field.
    const refError = page.locator('[data-field=ref] .field-error');
    await waitFor('the reference error', async () => (await text(refError)) !== '');
    assert.match(await text(refError), /編號「FSP2026」已有另一個計劃使用/);
    await screenshot(page, 'everyday-02-programme-ref-taken');
    await page.locator('input[name=ref]').fill('CEP2027');
    await form.locator('button[type=submit]').click();
    const made = page.locator('[data-testid=programmes] li', { hasText: 'CEP2027' });
    await made.waitFor();
    assert.match(await made.textContent(), /社區教育計劃.*0 個小組/);
    const stored = (await rig.admin.ok('GET', '/api/v1/programmes?ref=CEP2027')).items[0];
    assert.deepEqual([stored.name, stored.starts_on, stored.ends_on], ['社區教育計劃', '2027-04-01', '2029-03-31']);

    await made.locator('a', { hasText: '修改計劃' }).click();
    await page.locator('input[name=name]').fill('社區教育計劃（第二期）');
    await page.locator('input[name=ends_on]').fill('2029-06-30');
    await screenshot(page, 'everyday-03-programme-edit');
    await page.locator('form.form button[type=submit]').click();
    await page.locator('[data-testid=programmes] li', { hasText: '第二期' }).waitFor();
    const changed = await rig.admin.ok('GET', '/api/v1/programmes/' + stored.id);
    assert.deepEqual([changed.name, changed.ends_on], ['社區教育計劃（第二期）', '2029-06-30']);

    // A new group can belong to it.
    await page.goto(rig.server.url + '/#/groups/new');
    const option = page.locator('select[name=programme_id] option', { hasText: 'CEP2027' });
    await option.waitFor({ state: 'attached' });
    assert.equal(await option.getAttribute('value'), String(stored.id));
  });

  test('a viewer sees the programmes but cannot add or change one', async () => {
    await rig.admin.ok('POST', '/api/v1/users', { username: 'vic', role: 'viewer', password: 'viewer-password-1' });
    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-HK' });
    const vpage = await viewer.newPage();
    vpage.on('pageerror', (e) => pageErrors.push(e.message));
    await vpage.goto(rig.server.url + '/#/programmes');
    await signIn(vpage, 'vic', 'viewer-password-1');
    await vpage.locator('[data-testid=programmes] li', { hasText: 'FSP2026' }).waitFor();
    assert.equal(await vpage.locator('a', { hasText: '新增計劃' }).count(), 0);
    assert.equal(await vpage.locator('a', { hasText: '修改計劃' }).count(), 0);
    await vpage.goto(rig.server.url + '/#/programmes/new');
    await vpage.locator('h1', { hasText: '沒有權限' }).waitFor();
    await viewer.close();
  });

  test('from the group page: she leaves, drops off the roster and the kiosk, and counts as enrolled only before', async () => {
    const who = rig.cards[0];
    const today = hkDay(0);
    const group = rig.group.ref;
    const before = await enrolledFigure(rig.admin, group, today, today);
    const lastWeek = await enrolledFigure(rig.admin, group, hkDay(-7), hkDay(-1));

    await page.goto(rig.server.url + '/#/groups/' + rig.group.id);
    const row = page.locator(`[data-testid=members-current] li[data-pid="${who.participant_id}"]`);
    await row.waitFor();
    const count = page.locator('[data-testid=group-members] .section-sub').first();
    const members = Number(/\d+/.exec(await text(count))[0]);
    await row.locator('button[data-action=leave]').click();
    const day = row.locator('input[name=left_on]');
    assert.equal(await day.inputValue(), today, 'today unless changed');
    await day.fill('2020-01-01');
    await row.locator('button[type=submit]').click();
    assert.match(await text(row.locator('[data-field=left_on] .field-error')), /^退出日期不能早於加入日期（\d+月\d+日.*）。$/);
    await screenshot(page, 'everyday-04-leave-check');
    await day.fill(today);
    await row.locator('button[type=submit]').click();
    const former = page.locator(`[data-testid=members-former] li[data-pid="${who.participant_id}"]`);
    await former.waitFor();
    assert.match(await former.textContent(), /退出/);
    assert.equal(await text(count), `${members - 1} 人登記`);
    await screenshot(page, 'everyday-05-left-group');
    const enrolment = (await rig.admin.ok('GET', `/api/v1/enrolments?group_id=${rig.group.id}&participant_id=${who.participant_id}`)).items[0];
    assert.equal(enrolment.left_on, today);

    // The session open now: not on its roster in the console ...
    await page.goto(rig.server.url + '/#/sessions/' + rig.session.id);
    await page.locator('[data-testid=roster] li').first().waitFor();
    assert.equal(await page.locator(`[data-testid=roster] li[data-pid="${who.participant_id}"]`).count(), 0);
    // ... nor at the kiosk once it has refreshed.
    const kiosk = await kioskStaff(rig);
    await kiosk.refresh();
    await waitFor('the kiosk to drop her', async () =>
      !(await kiosk.roster(rig.session.id)).some((p) => p.participant_id === who.participant_id));
    // Enrolled in a period before today, not in one from today.
    assert.equal(await enrolledFigure(rig.admin, group, today, today), before - 1);
    assert.equal(await enrolledFigure(rig.admin, group, hkDay(-7), hkDay(-1)), lastWeek);
  });

  test('from her page: she leaves a group, then is taken back', async () => {
    const who = rig.cards[1];
    await page.goto(rig.server.url + '/#/participants/' + who.participant_id);
    const current = page.locator(`[data-testid=groups-current] li[data-group="${rig.group.id}"]`);
    await current.waitFor();
    await current.locator('button[data-action=leave]').click();
    await current.locator('button[type=submit]', { hasText: '確認退出' }).click();
    const left = page.locator(`[data-testid=groups-left] li[data-group="${rig.group.id}"]`);
    await left.waitFor();
    assert.match(await left.textContent(), /媽媽支援小組.*退出/);
    assert.equal(await current.count(), 0);
    await screenshot(page, 'everyday-06-her-groups-left');
    const path = `/api/v1/enrolments?group_id=${rig.group.id}&participant_id=${who.participant_id}`;
    assert.equal((await rig.admin.ok('GET', path)).items[0].left_on, hkDay(0));

    await left.locator('button[data-action=rejoin]').click();
    await current.waitFor();
    assert.equal(await left.count(), 0);
    assert.equal((await rig.admin.ok('GET', path)).items[0].left_on, null);
  });

  test('archive her in two steps: her card stops at once; found again and restored', async () => {
    const who = rig.cards[2];
    const her = await rig.admin.ok('GET', '/api/v1/participants/' + who.participant_id);
    await page.goto(rig.server.url + '/#/participants/' + who.participant_id);
    const archive = page.locator('button[data-action=archive]');
    await archive.click();
    assert.match(await text(page.locator('.notice-warn')), /卡會即時停用.*所有紀錄都會保留/);
    assert.equal(await text(archive), '確認封存');
    await screenshot(page, 'everyday-07-archive-confirm');
    // Cancel leaves her as she is.
    await page.locator('button[data-action=archive-cancel]').click();
    assert.equal(await text(archive), '封存');
    assert.equal((await rig.admin.ok('GET', '/api/v1/participants/' + who.participant_id)).archived_at, null);
    await archive.click();
    await archive.click();
    await page.locator('[data-testid=archived]').waitFor();
    assert.match(await text(page.locator('[data-testid=archived]')), /已於 .* 封存/);
    assert.equal(await page.locator('a', { hasText: '修改資料' }).count(), 0, 'no editing while archived');
    await screenshot(page, 'everyday-08-archived');

    // The server refuses her card at once, naming no one ...
    const refused = await rig.admin.call('POST', '/api/v1/checkins', { card: who.token, session_id: rig.session.id });
    assert.equal(refused.status, 422);
    assert.equal(refused.data.status, 'revoked');
    assert.equal(refused.data.participant, undefined);
    // ... and the kiosk, once refreshed, says the card is no longer in use.
    const kiosk = await kioskStaff(rig);
    await kiosk.refresh();
    await waitFor('the kiosk to drop her', async () =>
      !(await kiosk.roster(rig.session.id)).some((p) => p.participant_id === who.participant_id));
    const kpage = await context.newPage();
    await kpage.goto(rig.kiosk.url + '/');
    await kpage.locator('[data-testid=scan-title]').waitFor({ state: 'visible' });
    await kpage.keyboard.type(who.token, { delay: 4 });
    await kpage.keyboard.press('Enter');
    await kpage.locator('#screen-result').waitFor({ state: 'visible' });
    assert.match(await kpage.locator('#screen-result').textContent(), /這張卡已經停用/);
    await screenshot(kpage, 'everyday-09-kiosk-archived-card');
    await kpage.close();

    // Found again only when asked for, and restored.
    await page.locator('#nav-list a', { hasText: '參加者' }).click();
    await page.locator('#search-q').fill(her.ref);
    await page.locator('.section-status', { hasText: '找不到' }).waitFor();
    await page.locator('#search-archived').check();
    const found = page.locator('[data-testid=results] li', { hasText: her.alias });
    await found.waitFor();
    assert.match(await found.textContent(), /已封存/);
    await screenshot(page, 'everyday-10-search-archived');
    await found.locator('a.alias').click();
    await page.locator('button[data-action=restore]').click();
    await page.locator('.notice-ok', { hasText: '已恢復' }).waitFor();
    assert.equal(await page.locator('[data-testid=archived]').count(), 0);
    const back = await rig.admin.call('POST', '/api/v1/checkins', { card: who.token, session_id: rig.session.id });
    assert.equal(back.status, 201, 'her card works again');
  });

  test('the term planner keeps the unticked dates when the language changes mid-plan', async () => {
    const group = await rig.admin.ok('POST', '/api/v1/groups', { programme_id: 1, name: '週三下午小組', kind: 'education' });
    await page.goto(rig.server.url + `/#/groups/${group.id}/term`);
    await page.locator('select[name=weekday]').selectOption('3');
    await page.locator('input[name=from]').fill('2027-09-01');
    await page.locator('input[name=weeks]').fill('10');
    const tick = (d) => page.locator(`[data-testid=term-dates] input[data-date="${d}"]`);
    await tick('2027-11-03').waitFor();
    await tick('2027-09-22').uncheck();
    await tick('2027-10-06').uncheck();
    const summary = page.locator('[data-testid=term-summary]');
    assert.match(await text(summary), /^共 8 節/);

    await page.locator('[data-lang=en]').click();
    await page.locator('label', { hasText: 'For how many weeks' }).waitFor();
    assert.equal(await tick('2027-09-22').isChecked(), false, 'still unticked in English');
    assert.equal(await tick('2027-10-06').isChecked(), false);
    assert.equal(await tick('2027-09-29').isChecked(), true);
    assert.match(await text(summary), /^8 sessions/);
    await screenshot(page, 'everyday-11-term-after-language');
    // A shorter term typed by mistake forgets nothing either.
    await page.locator('input[name=weeks]').fill('3');
    await waitFor('three dates', async () => /^3 sessions/.test(await text(summary)));
    await page.locator('input[name=weeks]').fill('10');
    await waitFor('ten dates again', async () => /^8 sessions/.test(await text(summary)));
    assert.equal(await tick('2027-09-22').isChecked(), false);

    await page.locator('[data-lang=zh-HK]').click();
    await page.locator('label', { hasText: '共幾星期' }).waitFor();
    assert.match(await text(summary), /^共 8 節/);
    await page.locator('form.form button[type=submit]').click();
    await page.locator('.notice-ok', { hasText: '已編排 8 節活動' }).waitFor();
    const sessions = (await rig.admin.ok('GET', '/api/v1/sessions?group_id=' + group.id)).items;
    assert.equal(sessions.length, 8);
    for (const skipped of ['2027-09-22', '2027-10-06']) {
      assert.ok(!sessions.some((s) => s.starts_at.startsWith(skipped)), skipped + ' is left out');
    }
  });

  test('no page showed a script error', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('the top bar with every tab', { skip }, () => {
  const demo = new DemoServer();
  let browser;
  const pageErrors = [];
  const TABS = {
    'zh-HK': ['今日', '參加者', '小組', '跟進', '指標', '約會', '訊息', '簽到機', '操作紀錄'],
    en: ['Today', 'Participants', 'Groups', 'Follow-up', 'Indicators', 'Appointments', 'Messages', 'Kiosks', 'Audit log'],
  };

  before(async () => {
    await demo.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await demo.stop();
  });

  for (const [width, height] of [[1280, 800], [1024, 768], [800, 1280]]) {
    test(`${width}x${height}: every tab whole and on screen, nothing scrolls sideways`, async () => {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-HK' });
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(demo.url + '/#/participants');
      await signIn(page, 'admin', 'touchpoint-admin');
      for (const lang of ['zh-HK', 'en']) {
        await page.locator(`[data-lang="${lang}"]`).click();
        await page.goto(demo.url + '/#/groups');
        await page.locator('#nav-list a[aria-current=page]').waitFor();
        const tabs = page.locator('#nav-list a');
        assert.deepEqual((await tabs.allTextContents()).map((s) => s.trim()), TABS[lang]);
        // Each tab, the name, sign-out and the language buttons lie wholly
        // inside the window and are what a finger there would touch.
        const seen = await page.evaluate(() => {
          const out = [];
          const nodes = [...document.querySelectorAll('#nav-list a, .brand, #signout, [data-lang], #user-name')];
          for (const n of nodes) {
            const r = n.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            out.push({ text: n.textContent.trim(), left: r.left, right: r.right, width: r.width, top: n.closest('.topbar') ? r.top : -1, hit: !!hit && (hit === n || n.contains(hit)) });
          }
          const nav = document.getElementById('nav');
          return { out, page: [document.documentElement.scrollWidth, document.documentElement.clientWidth], nav: [nav.scrollWidth, nav.clientWidth] };
        });
        for (const b of seen.out) {
          assert.ok(b.width > 0 && b.left >= 0 && b.right <= width, `${b.text} lies inside ${width} px (${b.left}–${b.right})`);
          assert.ok(b.hit, `${b.text} is not covered or cut off`);
        }
        assert.ok(seen.page[0] <= seen.page[1], `the page does not scroll sideways (${seen.page})`);
        assert.ok(seen.nav[0] <= seen.nav[1], `the tabs do not scroll sideways (${seen.nav})`);
        await screenshot(page, `everyday-topbar-${width}x${height}-${lang}`);
      }
      // Every page the tabs open fits the width too.
      await page.locator('[data-lang="zh-HK"]').click();
      for (const href of await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
        await page.goto(demo.url + '/' + href);
        await page.locator('#view h1').first().waitFor().catch(() => {});
        await page.waitForTimeout(300);
        const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(scroll <= client, `${href} at ${width} px does not scroll sideways (${scroll} > ${client})`);
      }
      await context.close();
    });
  }

  test('no page showed a script error', () => {
    assert.deepEqual(pageErrors, []);
  });
});
