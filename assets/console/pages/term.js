// Planning a term in one step: a weekday, a first date, how many weeks, from
// and to; the dates appear at once, each with a tick, and a date unticked
// (a public holiday) is left out. The unticked dates are kept with the
// form's draft, so changing the language or the number of weeks mid-plan
// loses none of them. The server checks and writes the whole term in one
// transaction (POST /api/v1/groups/{id}/term).

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, post } from '../api.js';
import { addDays, el, fill, hkToday, weekday } from '../dom.js';
import { form, keepDraft, keptDraft } from '../forms.js';
import '../widgets.js'; // the words pages share
import { addStrings, shortDate, t } from '../i18n.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0]; // Monday first, as a Hong Kong calendar

// The first day on or after from that falls on wd (0 Sunday .. 6 Saturday).
function firstOn(from, wd) {
  return addDays(from, (wd - weekday(from) + 7) % 7);
}

function mount(view, params, ctx) {
  const id = Number(params.id);
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const panel = el('section', { className: 'panel' }, el('h1', {}, t('plan_term')), status);
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href('/groups/' + id) }, '‹ ' + t('back'))), panel);

  get('/api/v1/groups/' + id).then((group) => {
    if (!ctx.alive()) return;
    status.remove();
    const key = 'term-' + id;
    // Dates unticked, kept even while they fall outside the plan (a
    // shorter term typed by mistake does not forget them).
    const skipped = new Set(keptDraft(key, 'skip') || []);
    const preview = el('div', { className: 'term-preview', dataset: { testid: 'term-dates' } });
    let dates = [];

    function renderPreview(v) {
      const ok = v.from && /^\d{4}-\d{2}-\d{2}$/.test(v.from) && Number.isInteger(v.weeks) && v.weeks >= 1 && v.weeks <= 104;
      if (!ok) {
        dates = [];
        fill(preview, el('p', { className: 'muted' }, t('term_preview_empty')));
        return;
      }
      const first = firstOn(v.from, Number(v.weekday));
      dates = Array.from({ length: v.weeks }, (_, k) => addDays(first, 7 * k));
      const held = dates.filter((d) => !skipped.has(d)).length;
      fill(preview,
        el('p', { className: 'term-summary', dataset: { testid: 'term-summary' } },
          t('term_summary', { n: held, from: v.starts || '?', to: v.ends || '?' })),
        el('p', { className: 'field-hint' }, t('term_untick')),
        el('ul', { className: 'plain-list date-ticks' }, dates.map((d) => {
          const boxId = 'held-' + d;
          return el('li', { className: skipped.has(d) ? 'is-skipped' : '' },
            el('input', {
              id: boxId, type: 'checkbox', checked: !skipped.has(d), dataset: { date: d },
              onChange: (ev) => {
                if (ev.target.checked) skipped.delete(d); else skipped.add(d);
                keepDraft(key, 'skip', [...skipped]);
                renderPreview(f.values());
              },
            }),
            el('label', { for: boxId }, shortDate(d)));
        })));
    }

    const f = form({
      key,
      fields: [
        {
          name: 'weekday', label: 'f_weekday', type: 'select', required: true,
          options: WEEKDAYS.map((w) => ({ value: String(w), label: 'weekday_' + w })),
        },
        { name: 'from', label: 'f_term_from', type: 'date', required: true, server: ['first_date'], hint: 'h_term_from' },
        { name: 'weeks', label: 'f_weeks', type: 'number', required: true, min: 1, max: 104 },
        { name: 'starts', label: 'f_starts', type: 'time', required: true },
        {
          name: 'ends', label: 'f_ends', type: 'time', required: true,
          validate: (v, vals) => (vals.starts && v <= vals.starts ? 'err_ends_after' : null),
        },
        { name: 'venue', label: 'f_venue', max: 100, hint: 'h_venue' },
      ],
      initial: { weekday: '2', from: hkToday(), weeks: 10, starts: '14:00', ends: '16:00', venue: group.venue },
      after: preview,
      submit: 'term_create',
      onInput: renderPreview,
      onSubmit: async (v) => {
        const body = {
          first_date: firstOn(v.from, Number(v.weekday)), weeks: v.weeks, starts: v.starts, ends: v.ends,
          skip: dates.filter((d) => skipped.has(d)),
        };
        if (v.venue) body.venue = v.venue;
        const made = await post('/api/v1/groups/' + id + '/term', body);
        ctx.go('/groups/' + id + '?planned=' + made.items.length);
      },
    });
    panel.append(el('p', { className: 'lead' }, t('term_for', { group: group.name })), f.node);
  }).catch((err) => {
    if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
  });
}

registerPage({ path: '/groups/:id/term', navParent: '/groups', role: 'worker', mount });

addStrings({
  'zh-HK': {
    term_for: '小組：{group}',
    f_weekday: '逢星期幾',
    weekday_1: '星期一',
    weekday_2: '星期二',
    weekday_3: '星期三',
    weekday_4: '星期四',
    weekday_5: '星期五',
    weekday_6: '星期六',
    weekday_0: '星期日',
    f_term_from: '由這天起',
    h_term_from: '第一節是這天或之後的第一個所選星期幾。',
    f_weeks: '共幾星期',
    term_preview_empty: '填好日期及星期數，便會列出每一節的日期。',
    term_summary: '共 {n} 節，每節 {from}–{to}',
    term_untick: '公眾假期或不開組的日子，取消剔選即可。',
    term_create: '建立這一期活動',
  },
  en: {
    term_for: 'Group: {group}',
    f_weekday: 'Every',
    weekday_1: 'Monday',
    weekday_2: 'Tuesday',
    weekday_3: 'Wednesday',
    weekday_4: 'Thursday',
    weekday_5: 'Friday',
    weekday_6: 'Saturday',
    weekday_0: 'Sunday',
    f_term_from: 'Starting from',
    h_term_from: 'The first session is the first chosen weekday on or after this day.',
    f_weeks: 'For how many weeks',
    term_preview_empty: "Fill in the date and the weeks to see every session's date.",
    term_summary: '{n} sessions, each {from}–{to}',
    term_untick: 'Untick public holidays and days without a meeting.',
    term_create: 'Create these sessions',
  },
});
