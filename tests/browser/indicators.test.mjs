// The indicators dashboard and the follow-up list in headless Chromium,
// against the real demo server on loopback. What a worker sees must be the
// server's own figures, shown to one decimal: each check reads the figure
// from the API and finds it on the page, and the page's tables must add up
// (the weeks' attendances make the period's). Screenshots go to
// build/screenshots/indicators-*.png.
//
// Run: node --test tests/browser/   (make test runs it after the C tests)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoServer, launchBrowser, missingPieces, screenshot, waitFor } from './harness.mjs';

const missing = missingPieces();
const skip = missing.length ? 'missing: ' + missing.join(', ') : false;

const PROGRAMME = 'FSP2026';

// One decimal, as the page shows a share (the page uses Intl; both locales
// write 111.1 the same way).
const pct = (v) => v.toFixed(1) + '%';

async function signIn(page, username, password) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#signin-button').click();
  await page.locator('#nav-list a').first().waitFor();
}

async function cells(table) {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
}

describe('indicators dashboard', { skip }, () => {
  const demo = new DemoServer();
  let browser;
  let page;
  let report; // the server's figures for the demo programme
  const pageErrors = [];
  const row = (scope, indicator) => report.rows.find((r) => r.scope === scope && r.indicator === indicator);

  before(async () => {
    await demo.start();
    report = await demo.admin.ok('GET', '/api/v1/indicators?programme=' + PROGRAMME);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(demo.url + '/#/indicators');
    await page.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(page, 'worker', 'touchpoint-worker');
  });

  after(async () => {
    await browser?.close();
    await demo.stop();
  });

  test('the headline figures are the programme\'s, against its agreed levels', async () => {
    const card = (ind) => page.locator(`.kpi[data-indicator="${ind}"]`);
    await card('enrolled').waitFor();
    assert.equal(await page.title(), 'Touchpoint');
    assert.equal(await page.locator('#ind-programme').inputValue(), PROGRAMME, 'the only programme is chosen');
    // 20 enrolled against an agreed 18: 111.1%, worked out by hand.
    assert.equal((await card('enrolled').locator('.kpi-value').textContent()).trim(), '20');
    assert.match(await card('enrolled').locator('.kpi-target').textContent(), /協議水平 18 · 達標 111\.1%/);
    const retention = row(PROGRAMME, 'retention');
    assert.equal((await card('retention').locator('.kpi-value').textContent()).trim(), pct(retention.value));
    assert.equal((await card('retention').locator('.kpi-parts').textContent()).trim(),
      `${retention.numerator} / ${retention.denominator}`);
    const satisfied = row(PROGRAMME, 'satisfaction.positive');
    const forms = row(PROGRAMME, 'satisfaction.responses');
    const sat = card('satisfaction.positive');
    assert.equal((await sat.locator('.kpi-value').textContent()).trim(), pct(satisfied.value));
    assert.match(await sat.textContent(), new RegExp(`收回問卷 ${forms.value} 份`));
    assert.match(await sat.locator('.kpi-target').textContent(), new RegExp(`達標 ${pct(satisfied.achievement_pct).replace('.', '\\.')}`));
    await screenshot(page, 'indicators-01-headline');
  });

  test('every chart is drawn, with its table under it', async () => {
    await waitFor('the charts', () => page.evaluate(() => {
      const canvases = [...document.querySelectorAll('.chart canvas')];
      return canvases.length >= 4 && canvases.every((c) => window.Chart && window.Chart.getChart(c));
    }));
    const figures = page.locator('figure.chart');
    for (let i = 0; i < await figures.count(); i++) {
      assert.ok(await figures.nth(i).locator('table').count(), 'figure ' + i + ' has its table');
    }
  });

  test('the weeks of the attendance chart add up to the period\'s attendances', async () => {
    const rows = await cells(page.locator('figure.chart').first().locator('table'));
    assert.ok(rows.length >= 4, 'the demo\'s past weeks are listed');
    const sum = rows.reduce((n, r) => n + Number(r[2].replace(/,/g, '')), 0);
    assert.equal(sum, row(PROGRAMME, 'attendances').value);
  });

  test('retention per group and the pre/post table are the server\'s figures', async () => {
    const groups = await demo.admin.ok('GET', '/api/v1/groups');
    const retention = await cells(page.locator('figure.chart').nth(1).locator('table'));
    assert.equal(retention.length, 2, 'both demo groups');
    for (const g of groups.items) {
      const r = row(`${PROGRAMME}/group:${g.ref}`, 'retention');
      const line = retention.find((cellsOf) => cellsOf[0] === g.name);
      assert.ok(line, g.name + ' is listed');
      assert.deepEqual(line.slice(1, 4), [String(r.numerator), String(r.denominator), pct(r.value)]);
    }
    const change = await cells(page.locator('figure.chart').filter({ hasText: '前測與後測' }).locator('table'));
    const improved = row(PROGRAMME, 'phq9.improved');
    const p = row(PROGRAMME, 'phq9.p').value;
    assert.equal(change[0][1], String(row(PROGRAMME, 'phq9.pairs').value));
    assert.equal(change[0][2], `${pct(improved.value)} (${improved.numerator})`);
    assert.equal(change[0][7], String(row(PROGRAMME, 'phq9.df').value));
    assert.equal(change[0][8], p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(3))));
    await page.locator('figure.chart').last().scrollIntoViewIfNeeded();
    await screenshot(page, 'indicators-02-charts');
  });

  test('one group: attendance per session, and English at a click', async () => {
    await page.locator('#ind-group').selectOption('MSG');
    await page.locator('.ind-controls button[type=submit]').click();
    await waitFor('the group\'s view', async () => /group=MSG/.test(page.url()) &&
      (await page.locator('figure.chart .chart-title').first().textContent()).includes('每節'));
    const msg = row(`${PROGRAMME}/group:MSG`, 'attendances');
    const rows = await cells(page.locator('figure.chart').first().locator('table'));
    assert.equal(rows.reduce((n, r) => n + Number(r[1]), 0), msg.value, 'its sessions add up to its attendances');
    await page.locator('[data-lang=en]').click();
    await page.locator('h1', { hasText: 'Service indicators' }).waitFor();
    assert.equal((await page.locator('figure.chart .chart-title').first().textContent()).trim(), 'Attendances per session');
    await screenshot(page, 'indicators-03-group-en');
    await page.locator('[data-lang="zh-HK"]').click();
  });

  test('a venue cut: the figures held there, and the downloads cut the same way', async () => {
    await page.goto(demo.url + '/#/indicators?programme=' + PROGRAMME);
    await page.locator('#ind-venue').waitFor();
    await page.locator('#ind-venue').selectOption('Room 1');
    await page.locator('.ind-controls button[type=submit]').click();
    await waitFor('the venue\'s view', async () => /venue=Room/.test(page.url()) &&
      (await page.locator('.section-status').first().textContent()).includes('Room 1'));
    const cut = await demo.admin.ok('GET', '/api/v1/indicators?programme=' + PROGRAMME + '&venue=Room%201');
    const att = cut.rows.find((r) => r.scope === PROGRAMME && r.indicator === 'attendances');
    await waitFor('the headline', async () => (await page.locator('.kpi[data-indicator="attendances"] .kpi-value').textContent()).trim() === String(att.value));
    assert.match(await page.locator('a', { hasText: 'CSV' }).getAttribute('href'), /venue=Room\+1|venue=Room%201/);
    await page.goto(demo.url + '/#/indicators?programme=' + PROGRAMME);
    await page.locator('.kpi[data-indicator="enrolled"]').waitFor();
  });

  test('the CSV and the workbook download with the same choice', async () => {
    const csvHref = await page.locator('a', { hasText: 'CSV' }).getAttribute('href');
    assert.match(csvHref, /programme=FSP2026/);
    const csv = await page.request.get(demo.url + csvHref);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.match(text, /scope,indicator,numerator,denominator,value,target,achievement_pct/);
    assert.match(text, /\nFSP2026,enrolled,20,,20,18,111\.1/);
    const xlsx = await page.request.get(demo.url + await page.locator('a', { hasText: 'Excel' }).getAttribute('href'));
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK', 'a zip, as every XLSX is');
  });

  test('a worker sets an agreed level and the dashboard shows the figure against it', async () => {
    await page.goto(demo.url + '/#/indicators/levels?programme=' + PROGRAMME);
    const editor = page.locator('form', { has: page.locator('[name=level]') });
    await editor.waitFor();
    await editor.locator('[name=scope]').selectOption('MSG');
    await editor.locator('[name=indicator]').selectOption('attendances');
    await editor.locator('[name=level]').fill('thirty');
    await editor.locator('button[type=submit]').click();
    assert.equal((await editor.locator('[data-field=level] .field-error').textContent()).trim(), '請輸入大於 0 的數字。',
      'a level that is not a number is refused on the page, next to the field');
    await editor.locator('[name=level]').fill('30');
    await editor.locator('button[type=submit]').click();
    await waitFor('the saved level', async () => (await page.locator('.levels-table').textContent()).includes('30'));
    const stored = (await demo.admin.ok('GET', '/api/v1/targets?programme_id=1')).items
      .find((x) => x.scope === 'MSG' && x.indicator === 'attendances');
    assert.equal(stored.level, 30, 'the server has it');
    await screenshot(page, 'indicators-05-levels');

    await page.goto(demo.url + '/#/indicators?programme=' + PROGRAMME + '&group=MSG');
    const card = page.locator('.kpi[data-indicator="attendances"]');
    await card.locator('.kpi-target').waitFor();
    const r = (await demo.admin.ok('GET', '/api/v1/indicators?programme=' + PROGRAMME)).rows
      .find((x) => x.scope === PROGRAMME + '/group:MSG' && x.indicator === 'attendances');
    assert.equal(r.target, 30);
    assert.equal((await card.locator('.kpi-target').textContent()).trim(), `協議水平 30 · 達標 ${pct(r.value / 30 * 100)}`);
  });

  test('removing a level asks once more, then it is gone', async () => {
    await page.goto(demo.url + '/#/indicators/levels?programme=' + PROGRAMME);
    const id = (await demo.admin.ok('GET', '/api/v1/targets?programme_id=1')).items
      .find((x) => x.scope === 'MSG' && x.indicator === 'attendances').id;
    const line = page.locator(`tr[data-target="${id}"]`);
    await line.waitFor();
    await line.locator('button', { hasText: '移除' }).click();
    await line.locator('button', { hasText: '確定移除？' }).click();
    await line.waitFor({ state: 'detached' });
    const left = (await demo.admin.ok('GET', '/api/v1/targets?programme_id=1')).items;
    assert.equal(left.some((x) => x.id === id), false);
  });

  test('the follow-up list names who stopped coming, with a number to call', async () => {
    await page.goto(demo.url + '/#/followup');
    const rows = page.locator('.followup-row');
    await rows.first().waitFor();
    const text = await page.locator('.followup-groups').textContent();
    assert.match(text, /DEMO-11/);
    assert.match(text, /DEMO-17/);
    assert.equal(await page.locator('a.followup-call').count(), await rows.count(), 'a worker can call each');
    assert.match(await page.locator('a.followup-call').first().getAttribute('href'), /^tel:\+852\d{8}$/);
    await screenshot(page, 'indicators-04-followup');
  });

  test('a viewer sees the same people without their phone numbers, and cannot change levels', async () => {
    await demo.admin.ok('POST', '/api/v1/users', { username: 'viewer1', role: 'viewer', password: 'viewer-password-1' });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const viewerPage = await context.newPage();
    await viewerPage.goto(demo.url + '/#/followup');
    await viewerPage.locator('#signin-form').waitFor({ state: 'visible' });
    await signIn(viewerPage, 'viewer1', 'viewer-password-1');
    await viewerPage.locator('.followup-row').first().waitFor();
    assert.equal(await viewerPage.locator('a.followup-call').count(), 0);
    assert.doesNotMatch(await viewerPage.locator('.followup-groups').textContent(), /\+852/);
    await viewerPage.goto(demo.url + '/#/indicators/levels');
    await viewerPage.locator('.levels-table').waitFor();
    assert.equal(await viewerPage.locator('.levels-table button').count(), 0, 'a viewer reads the levels, no more');
    assert.equal(await viewerPage.locator('[name=level]').count(), 0);
    await context.close();
  });

  test('no script errors on the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
