// Indicators: the period's figures the way the funder counts them
// (GET /api/v1/indicators), for all programmes, one programme or one group:
// the headline figures against their agreed levels, attendance over time,
// retention per group, the feedback forms with how many were collected, and
// the pre/post changes of scored measures. Every chart has its table under
// it; percentages are rounded here, to one decimal, and nowhere earlier.
// The period and the choice live in the address (#/indicators?programme=..),
// so a view can be bookmarked and comes back after signing in again.

import { registerPage } from '../shell.js';
import { errorText, get, isQuiet, list, query } from '../api.js';
import { el, fill } from '../dom.js';
import { chartFigure, dataTable, palette } from '../charts.js';
import { addStrings, collator, getLang, locale, shortDate, t } from '../i18n.js';
import { formatCount, formatPct, label, nf, parts, shown } from '../figures.js';

const HEADLINE = ['enrolled', 'participants', 'attendances', 'sessions_delivered', 'retention'];

/* ------------------------------------------------------------ the report */

// The report's rows by scope and indicator.
function indexReport(report) {
  const byKey = new Map();
  for (const row of report.rows || []) byKey.set(row.scope + '\t' + row.indicator, row);
  return {
    from: report.from,
    to: report.to,
    row: (scope, indicator) => byKey.get(scope + '\t' + indicator) || null,
    // [{scope, programme, group}] of the groups the report has figures for.
    groups() {
      const seen = [];
      for (const row of report.rows || []) {
        const m = /^([^/]+)\/group:(.+)$/.exec(row.scope);
        if (m && row.indicator === 'enrolled') seen.push({ scope: row.scope, programme: m[1], group: m[2] });
      }
      return seen;
    },
  };
}

/* ------------------------------------------------------------ sections */

function headlineCard(row, name) {
  const hasTarget = row && row.target !== null && row.target !== undefined;
  const achieved = hasTarget && row.achievement_pct !== null && row.achievement_pct !== undefined;
  return el('article', { className: 'kpi', dataset: { indicator: row ? row.indicator : '' } },
    el('h3', { className: 'kpi-name' }, name),
    el('p', { className: 'kpi-value' }, shown(row)),
    parts(row) ? el('p', { className: 'kpi-parts muted' }, parts(row)) : null,
    hasTarget
      ? el('p', { className: 'kpi-target' },
        t('target_is', { level: formatCount(row.target) }),
        achieved ? ' · ' + t('achieved_is', { pct: formatPct(row.achievement_pct) }) : '')
      : el('p', { className: 'kpi-target muted' }, t('no_target')),
    achieved
      ? el('meter', { className: 'kpi-meter', min: 0, max: 100, low: 99.9, optimum: 100, value: Math.min(row.achievement_pct, 100), 'aria-label': t('achieved_is', { pct: formatPct(row.achievement_pct) }) })
      : null);
}

function headline(rep, scope, forms) {
  const cards = HEADLINE.map((ind) => headlineCard(rep.row(scope, ind), label(ind, forms)));
  for (const [key, form] of forms) {
    if (!form.counting || form.counting.kind !== 'positive') continue;
    const row = rep.row(scope, key + '.positive');
    const n = rep.row(scope, key + '.responses');
    const card = headlineCard(row, label(key + '.positive', forms));
    card.append(el('p', { className: 'kpi-forms muted' }, t('forms_collected', { n: formatCount(n ? n.value : 0) })));
    cards.push(card);
  }
  return el('section', { className: 'panel', 'aria-labelledby': 'ind-headline' },
    el('h2', { id: 'ind-headline', className: 'section-sub' }, t('headline_title')),
    el('div', { className: 'kpi-grid' }, cards));
}

function attendanceFigure(trend) {
  const colours = palette();
  const byWeek = trend.by === 'week';
  const points = trend.points || [];
  const monthDay = (day) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' })
    .format(Date.parse(day + 'T00:00:00Z'));
  const xLabel = (p) => (byWeek ? t('week_of', { day: monthDay(p.week) }) : shortDate(p.starts_at));
  const table = dataTable(t('attendance_title'),
    byWeek
      ? [t('col_week'), t('col_sessions'), t('col_attendances'), t('col_people'), t('col_walk_ins')]
      : [t('col_session'), t('col_attendances'), t('col_walk_ins')],
    points.map((p) => (byWeek
      ? [xLabel(p), formatCount(p.sessions), formatCount(p.attendances), formatCount(p.participants), formatCount(p.walk_ins)]
      : [xLabel(p) + (p.ref ? ' (' + p.ref + ')' : ''), formatCount(p.attendances), formatCount(p.walk_ins)])));
  const config = points.length ? {
    type: 'bar',
    data: {
      labels: points.map(xLabel),
      datasets: [
        { label: t('col_attendances'), data: points.map((p) => p.attendances), backgroundColor: colours.accent },
        byWeek
          ? { label: t('col_people'), data: points.map((p) => p.participants), backgroundColor: colours.ok }
          : { label: t('col_walk_ins'), data: points.map((p) => p.walk_ins), backgroundColor: colours.warn },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  } : null;
  return chartFigure(byWeek ? t('attendance_by_week') : t('attendance_by_session'), config,
    points.length ? table : el('p', { className: 'muted' }, t('nothing_in_period')));
}

function groupName(groups, ref) {
  const g = groups.get(ref);
  return g ? g.name || ref : ref;
}

function retentionFigure(rep, scopes, groups) {
  const colours = palette();
  const rows = scopes.map((s) => ({ s, row: rep.row(s.scope, 'retention') })).filter((x) => x.row);
  const table = dataTable(t('retention_title'),
    [t('col_group'), t('col_retained'), t('col_enrolled'), t('col_share'), t('col_target'), t('col_achievement')],
    rows.map(({ s, row }) => [groupName(groups, s.group), formatCount(row.numerator), formatCount(row.denominator), shown(row),
      row.target === null ? t('none') : formatPct(row.target), formatPct(row.achievement_pct)]));
  const config = rows.length ? {
    type: 'bar',
    data: {
      labels: rows.map(({ s }) => groupName(groups, s.group)),
      datasets: [{ label: t('col_share'), data: rows.map(({ row }) => row.value ?? 0), backgroundColor: colours.accent, maxBarThickness: 40 }],
    },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100, ticks: { callback: (v) => v + '%' } } }, plugins: { legend: { display: false } } },
  } : null;
  return chartFigure(t('retention_title'), config, rows.length ? table : el('p', { className: 'muted' }, t('nothing_in_period')),
    { bars: rows.length });
}

function feedbackFigure(rep, scopes, groups, forms) {
  const colours = palette();
  const keys = [...forms.keys()].filter((k) => forms.get(k).counting && forms.get(k).counting.kind === 'positive');
  const withData = scopes.filter((s) => keys.some((k) => (rep.row(s.scope, k + '.responses') || {}).value > 0));
  const head = [t('col_group')];
  for (const k of keys) head.push(label(k + '.positive', forms), t('col_forms'));
  const table = dataTable(t('feedback_title'), head, withData.map((s) => {
    const cells = [groupName(groups, s.group)];
    for (const k of keys) {
      const row = rep.row(s.scope, k + '.positive');
      cells.push(row && row.value !== null ? shown(row) + ' (' + parts(row) + ')' : t('none'));
      cells.push(formatCount((rep.row(s.scope, k + '.responses') || {}).value ?? 0));
    }
    return cells;
  }));
  const colourOf = [colours.accent, colours.ok, colours.warn, colours.muted];
  const config = withData.length ? {
    type: 'bar',
    data: {
      labels: withData.map((s) => groupName(groups, s.group)),
      datasets: keys.map((k, i) => ({
        label: label(k + '.positive', forms),
        data: withData.map((s) => (rep.row(s.scope, k + '.positive') || {}).value ?? null),
        backgroundColor: colourOf[i % colourOf.length],
        maxBarThickness: 48,
      })),
    },
    options: { scales: { y: { min: 0, max: 100, ticks: { callback: (v) => v + '%' } } } },
  } : null;
  return chartFigure(t('feedback_title'), config, withData.length ? table : el('p', { className: 'muted' }, t('no_forms_in_period')));
}

function formatP(row) {
  if (!row || row.value === null || row.value === undefined) return shown(row);
  return row.value < 0.001 ? '< 0.001' : nf({ maximumSignificantDigits: 3 }).format(row.value);
}

function changeFigure(rep, key, form, mainScope, mainName, scopes, groups, forms) {
  const colours = palette();
  const list_ = [{ scope: mainScope, name: mainName }]
    .concat(scopes.map((s) => ({ scope: s.scope, name: groupName(groups, s.group) })))
    .filter((x) => ((rep.row(x.scope, key + '.pairs') || {}).value || 0) > 0);
  const pct = (scope, what) => (rep.row(scope, key + '.' + what) || {}).value ?? 0;
  const two = nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const title = t('change_title', { form: (form.title && (form.title[getLang()] || form.title.en)) || key });
  const table = dataTable(title,
    [t('col_scope'), t('col_pairs'), t('col_improved'), t('col_no_change'), t('col_worse'), t('col_mean_change'), 't', 'df', 'p'],
    list_.map((x) => {
      const r = (what) => rep.row(x.scope, key + '.' + what);
      const tRow = r('t');
      return [x.name, formatCount(r('pairs').value),
        shown(r('improved')) + ' (' + formatCount(r('improved').numerator) + ')',
        shown(r('no_change')) + ' (' + formatCount(r('no_change').numerator) + ')',
        shown(r('worse')) + ' (' + formatCount(r('worse').numerator) + ')',
        shown(r('mean_change')),
        tRow && tRow.value !== null ? two.format(tRow.value) : shown(tRow),
        shown(r('df')), formatP(r('p'))];
    }));
  const config = list_.length ? {
    type: 'bar',
    data: {
      labels: list_.map((x) => x.name),
      datasets: [
        { label: t('col_improved'), data: list_.map((x) => pct(x.scope, 'improved')), backgroundColor: colours.ok, maxBarThickness: 40 },
        { label: t('col_no_change'), data: list_.map((x) => pct(x.scope, 'no_change')), backgroundColor: colours.line, maxBarThickness: 40 },
        { label: t('col_worse'), data: list_.map((x) => pct(x.scope, 'worse')), backgroundColor: colours.danger, maxBarThickness: 40 },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => v + '%' } }, y: { stacked: true } } },
  } : null;
  const direction = form.counting && form.counting.direction === 'lower_better' ? t('lower_better') : t('higher_better');
  const fig = chartFigure(title, config, list_.length ? table : el('p', { className: 'muted' }, t('no_pairs')),
    { bars: list_.length });
  fig.node.append(el('p', { className: 'chart-note muted' }, direction));
  return fig;
}

/* ------------------------------------------------------------ the page */

function controls(state, programmes, groups, ctx) {
  const progSelect = el('select', { id: 'ind-programme', name: 'programme' },
    el('option', { value: '' }, t('all_programmes')),
    programmes.map((p) => el('option', { value: p.ref || '', selected: p.ref === state.programme }, p.name + (p.ref ? ' (' + p.ref + ')' : ''))));
  const groupSelect = el('select', { id: 'ind-group', name: 'group' });
  function fillGroups() {
    const prog = programmes.find((p) => p.ref === progSelect.value);
    const inProg = [...groups.values()].filter((g) => !prog || g.programme_id === prog.id)
      .sort((a, b) => collator().compare(a.name || '', b.name || ''));
    fill(groupSelect, el('option', { value: '' }, t('all_groups')),
      inProg.map((g) => el('option', { value: g.ref, selected: g.ref === state.group }, g.name + ' (' + g.ref + ')')));
  }
  fillGroups();
  progSelect.addEventListener('change', () => { state.group = ''; fillGroups(); });
  // The venues groups are based at (a session held elsewhere names its own).
  const venues = [...new Set([...groups.values()].map((g) => g.venue).filter(Boolean))].sort(collator().compare);
  if (state.venue && !venues.includes(state.venue)) venues.push(state.venue);
  const venueSelect = el('select', { id: 'ind-venue', name: 'venue' },
    el('option', { value: '' }, t('all_venues')),
    venues.map((v) => el('option', { value: v, selected: v === state.venue }, v)));
  const from = el('input', { id: 'ind-from', name: 'from', type: 'date', value: state.from });
  const to = el('input', { id: 'ind-to', name: 'to', type: 'date', value: state.to });
  const field = (id, text, input) => el('div', { className: 'field' }, el('label', { for: id }, text), input);
  const formEl = el('form', { className: 'ind-controls', 'aria-label': t('choose_period') },
    field('ind-programme', t('programme'), progSelect),
    field('ind-group', t('group'), groupSelect),
    field('ind-venue', t('venue'), venueSelect),
    field('ind-from', t('from'), from),
    field('ind-to', t('to'), to),
    el('div', { className: 'form-actions' }, el('button', { type: 'submit', className: 'btn btn-primary' }, t('show'))));
  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.go(query('/indicators', { programme: progSelect.value, group: groupSelect.value, venue: venueSelect.value, from: from.value, to: to.value }));
  });
  return formEl;
}

function exportLinks(state) {
  const params = { programme: state.programme, venue: state.venue, from: state.from, to: state.to };
  return el('div', { className: 'toolbar' },
    el('a', { className: 'btn btn-secondary', href: '#' + query('/indicators/levels', { programme: state.programme }) }, t('edit_levels')),
    el('a', { className: 'btn btn-secondary', href: query('/api/v1/indicators.csv', params), download: '' }, t('download_csv')),
    el('a', { className: 'btn btn-secondary', href: query('/api/v1/indicators.xlsx', params), download: '' }, t('download_xlsx')));
}

function mount(view, params, ctx) {
  const state = {
    programme: ctx.query.get('programme') || '',
    group: ctx.query.get('group') || '',
    venue: ctx.query.get('venue') || '',
    from: ctx.query.get('from') || '',
    to: ctx.query.get('to') || '',
  };
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const top = el('div');
  const body = el('div', { className: 'ind-body' });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('indicators_title'))), top, status), body);
  let figures = [];
  const dropFigures = () => { figures.forEach((f) => f.destroy()); figures = []; };

  async function load() {
    try {
      const [programmes, groupList, formList] = await Promise.all([
        list('/api/v1/programmes'), list('/api/v1/groups'), get('/api/v1/forms')]);
      // With one programme, its figures are the ones with agreed levels.
      if (!state.programme && !ctx.query.has('programme') && programmes.length === 1 && programmes[0].ref) {
        state.programme = programmes[0].ref;
      }
      const [report, trend] = await Promise.all([
        get(query('/api/v1/indicators', { programme: state.programme, venue: state.venue, from: state.from, to: state.to })),
        get(query('/api/v1/indicators/attendance', { programme: state.programme, group: state.group, venue: state.venue, from: state.from, to: state.to })),
      ]);
      if (!ctx.alive()) return;
      const groups = new Map(groupList.filter((g) => g.ref).map((g) => [g.ref, g]));
      const forms = new Map((formList.items || []).map((f) => [f.key, f]));
      const rep = indexReport(report);
      if (!state.from) state.from = rep.from;
      if (!state.to) state.to = rep.to;

      const chosen = groups.get(state.group);
      const progOfGroup = chosen ? programmes.find((p) => p.id === chosen.programme_id) : null;
      const mainScope = chosen && progOfGroup ? progOfGroup.ref + '/group:' + chosen.ref : state.programme || '*';
      const mainName = chosen ? chosen.name : state.programme
        ? (programmes.find((p) => p.ref === state.programme) || {}).name || state.programme
        : t('all_programmes');
      const groupScopes = rep.groups().filter((s) => !chosen || s.group === chosen.ref)
        .sort((a, b) => collator().compare(groupName(groups, a.group), groupName(groups, b.group)));

      fill(top, controls(state, programmes, groups, ctx), exportLinks(state));
      status.textContent = t('period_of', { name: mainName, from: state.from, to: state.to })
        + (state.venue ? ' · ' + t('at_venue', { venue: state.venue }) : '');
      dropFigures();
      figures = [attendanceFigure(trend), retentionFigure(rep, groupScopes, groups), feedbackFigure(rep, groupScopes, groups, forms)];
      for (const [key, form] of forms) {
        if (form.counting && form.counting.kind === 'score') figures.push(changeFigure(rep, key, form, mainScope, mainName, chosen ? [] : groupScopes, groups, forms));
      }
      fill(body, headline(rep, mainScope, forms),
        figures.map((f) => el('section', { className: 'panel' }, f.node)));
    } catch (err) {
      if (isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
  return dropFigures;
}

registerPage({ path: '/indicators', nav: { label: 'nav_indicators', order: 40 }, role: 'viewer', mount });

addStrings({
  'zh-HK': {
    nav_indicators: '指標',
    indicators_title: '服務指標',
    headline_title: '主要數字',
    choose_period: '選擇期間',
    programme: '計劃',
    group: '小組',
    from: '由',
    to: '至',
    show: '顯示',
    all_programmes: '所有計劃',
    all_groups: '所有小組',
    venue: '地點',
    all_venues: '所有地點',
    at_venue: '只計在「{venue}」舉行的活動',
    period_of: '{name}：{from} 至 {to}',
    download_csv: '下載 CSV',
    download_xlsx: '下載 Excel 工作簿',
    target_is: '協議水平 {level}',
    achieved_is: '達標 {pct}',
    no_target: '未定協議水平',
    forms_collected: '收回問卷 {n} 份',
    attendance_title: '出席',
    attendance_by_week: '每週出席人次',
    attendance_by_session: '每節出席人次',
    week_of: '{day}起',
    col_week: '週',
    col_session: '節',
    col_sessions: '節數',
    col_attendances: '出席人次',
    col_people: '人數',
    col_walk_ins: '未登記參加者',
    col_group: '小組',
    col_scope: '範圍',
    col_retained: '出席達標人數',
    col_enrolled: '招收人數',
    col_share: '百分比',
    col_target: '協議水平',
    col_achievement: '達標率',
    col_forms: '問卷數',
    col_pairs: '配對人數',
    col_improved: '改善',
    col_no_change: '沒有改變',
    col_worse: '轉差',
    col_mean_change: '平均改變',
    retention_title: '各小組持續參與率',
    feedback_title: '各小組意見問卷',
    change_title: '{form}：前測與後測',
    lower_better: '分數越低越好。t 檢定為配對 t 檢定（雙尾）。',
    higher_better: '分數越高越好。t 檢定為配對 t 檢定（雙尾）。',
    nothing_in_period: '這段期間未有紀錄。',
    no_forms_in_period: '這段期間未有收回問卷。',
    no_pairs: '這段期間未有同時填寫前測及後測的參加者。',
  },
  en: {
    nav_indicators: 'Indicators',
    indicators_title: 'Service indicators',
    headline_title: 'Headline figures',
    choose_period: 'Choose the period',
    programme: 'Programme',
    group: 'Group',
    from: 'From',
    to: 'To',
    show: 'Show',
    all_programmes: 'All programmes',
    all_groups: 'All groups',
    venue: 'Venue',
    all_venues: 'All venues',
    at_venue: 'only what was held at "{venue}"',
    period_of: '{name}: {from} to {to}',
    download_csv: 'Download CSV',
    download_xlsx: 'Download Excel workbook',
    target_is: 'Agreed level {level}',
    achieved_is: 'achieved {pct}',
    no_target: 'No agreed level',
    forms_collected: '{n} forms collected',
    attendance_title: 'Attendance',
    attendance_by_week: 'Attendances per week',
    attendance_by_session: 'Attendances per session',
    week_of: 'Week of {day}',
    col_week: 'Week',
    col_session: 'Session',
    col_sessions: 'Sessions',
    col_attendances: 'Attendances',
    col_people: 'People',
    col_walk_ins: 'Walk-ins',
    col_group: 'Group',
    col_scope: 'Scope',
    col_retained: 'Retained',
    col_enrolled: 'Enrolled',
    col_share: 'Share',
    col_target: 'Agreed level',
    col_achievement: 'Achievement',
    col_forms: 'Forms',
    col_pairs: 'Pairs',
    col_improved: 'Improved',
    col_no_change: 'No change',
    col_worse: 'Worse',
    col_mean_change: 'Mean change',
    retention_title: 'Retention per group',
    feedback_title: 'Feedback forms per group',
    change_title: '{form}: before and after',
    lower_better: 'A lower score is better. t is a paired t-test (two-sided).',
    higher_better: 'A higher score is better. t is a paired t-test (two-sided).',
    nothing_in_period: 'Nothing recorded in this period.',
    no_forms_in_period: 'No forms collected in this period.',
    no_pairs: 'Nobody filled in both a before and an after form in this period.',
  },
});
