// Follow-up: the people who missed both of their group's last two sessions
// (GET /api/v1/followup), grouped by group, so a worker can call them.
// Workers see the phone number (a tap dials on a tablet); viewers see the
// list without numbers, as the server sends it.

import { registerPage } from '../shell.js';
import { errorText, get, isQuiet, list, query } from '../api.js';
import { el, fill } from '../dom.js';
import { addStrings, collator, dateTime, shortDate, t } from '../i18n.js';

function personRow(p, phones) {
  const missed = (p.missed || []).map((m) => shortDate(m.date)).join('、');
  return el('li', { className: 'followup-row', dataset: { participant: String(p.participant_id) } },
    el('div', { className: 'followup-who' },
      el('a', { className: 'followup-name', href: '#/participants/' + p.participant_id }, p.alias || '—'),
      p.participant_ref ? el('span', { className: 'muted' }, ' ' + p.participant_ref) : null),
    el('div', { className: 'followup-facts' },
      el('span', {}, t('missed_on', { dates: missed })),
      el('span', { className: 'muted' }, p.last_attended_on
        ? t('last_came', { date: shortDate(p.last_attended_on) })
        : t('never_came'))),
    phones
      ? (p.phone
        ? el('a', { className: 'btn btn-secondary followup-call', href: 'tel:' + p.phone }, t('call', { phone: p.phone }))
        : el('span', { className: 'muted' }, t('no_phone')))
      : null);
}

function mount(view, params, ctx) {
  const state = { programme_id: ctx.query.get('programme_id') || '', group_id: ctx.query.get('group_id') || '' };
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const filters = el('div');
  const body = el('div', { className: 'followup-groups' });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('followup_title'))),
    el('p', { className: 'muted' }, t('followup_about')), filters, status, body));

  function filterForm(programmes, groups) {
    const prog = el('select', { id: 'fu-programme' }, el('option', { value: '' }, t('all_programmes')),
      programmes.map((p) => el('option', { value: String(p.id), selected: String(p.id) === state.programme_id }, p.name)));
    const grp = el('select', { id: 'fu-group' });
    const fillGroups = () => fill(grp, el('option', { value: '' }, t('all_groups')),
      groups.filter((g) => !prog.value || String(g.programme_id) === prog.value)
        .sort((a, b) => collator().compare(a.name || '', b.name || ''))
        .map((g) => el('option', { value: String(g.id), selected: String(g.id) === state.group_id }, g.name)));
    fillGroups();
    prog.addEventListener('change', fillGroups);
    const f = el('form', { className: 'ind-controls' },
      el('div', { className: 'field' }, el('label', { for: 'fu-programme' }, t('programme')), prog),
      el('div', { className: 'field' }, el('label', { for: 'fu-group' }, t('group')), grp),
      el('div', { className: 'form-actions' }, el('button', { type: 'submit', className: 'btn btn-primary' }, t('show'))));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      ctx.go(query('/followup', { programme_id: prog.value, group_id: grp.value }));
    });
    return f;
  }

  async function load() {
    try {
      const [programmes, groups, data] = await Promise.all([
        list('/api/v1/programmes'), list('/api/v1/groups'),
        get(query('/api/v1/followup', state))]);
      if (!ctx.alive()) return;
      fill(filters, filterForm(programmes, groups));
      const items = data.items || [];
      status.textContent = items.length
        ? t('followup_count', { n: items.length, when: dateTime(data.as_of) }) + (data.truncated ? ' ' + t('followup_truncated') : '')
        : t('followup_none', { when: dateTime(data.as_of) });
      const byGroup = new Map();
      for (const p of items) {
        if (!byGroup.has(p.group_id)) byGroup.set(p.group_id, { name: p.group_name, people: [] });
        byGroup.get(p.group_id).people.push(p);
      }
      fill(body, [...byGroup.values()].map((g) => el('section', { className: 'followup-group' },
        el('h2', { className: 'section-sub' }, g.name + ' ', el('span', { className: 'muted' }, t('people_n', { n: g.people.length }))),
        el('ul', { className: 'plain-list' }, g.people.map((p) => personRow(p, data.phones))))));
    } catch (err) {
      if (isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
}

registerPage({ path: '/followup', nav: { label: 'nav_followup', order: 35 }, role: 'viewer', mount });

addStrings({
  'zh-HK': {
    nav_followup: '跟進',
    followup_title: '需要跟進',
    followup_about: '以下參加者缺席了所屬小組最近兩節，請致電了解近況。',
    followup_count: '共 {n} 人（截至 {when}）。',
    followup_none: '沒有需要跟進的參加者（截至 {when}）。',
    followup_truncated: '名單太長，只顯示部分；請選擇計劃或小組。',
    missed_on: '缺席：{dates}',
    last_came: '上次出席：{date}',
    never_came: '未曾出席',
    call: '致電 {phone}',
    no_phone: '未有電話',
    people_n: '{n} 人',
  },
  en: {
    nav_followup: 'Follow-up',
    followup_title: 'To follow up',
    followup_about: 'These participants missed both of their group\'s last two sessions: a call to see how they are.',
    followup_count: '{n} people (as of {when}).',
    followup_none: 'Nobody to follow up (as of {when}).',
    followup_truncated: 'The list is too long and is cut short: choose a programme or a group.',
    missed_on: 'Missed: {dates}',
    last_came: 'Last came: {date}',
    never_came: 'Has not come yet',
    call: 'Call {phone}',
    no_phone: 'No phone number',
    people_n: '{n} people',
  },
});
