// One group: what it is, its sessions (past and to come, each opening its
// roster), and who is enrolled; workers plan a term, enrol participants
// (found by alias, ref or phone digits) and print the card sheet.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, list, post, query } from '../api.js';
import { el, fill, hkTime, hkToday, phoneTail, printLink } from '../dom.js';
import { hasLeft, leaveControl, membershipFacts, rejoinButton } from '../membership.js';
import { addStrings, collator, shortDate, t, tCode } from '../i18n.js';
import { sessionBadge } from '../widgets.js';

const SEARCH_DELAY_MS = 300;

function mount(view, params, ctx) {
  const id = Number(params.id);
  const body = el('div', { className: 'stack' }, el('p', { className: 'section-status' }, t('loading')));
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href('/groups') }, '‹ ' + t('nav_groups'))), body);
  const planned = Number(ctx.query.get('planned') || 0);

  async function load() {
    let group;
    let sessions;
    let enrolments;
    try {
      [group, sessions, enrolments] = await Promise.all([
        get('/api/v1/groups/' + id),
        list(query('/api/v1/sessions', { group_id: id })),
        list(query('/api/v1/enrolments', { group_id: id })),
      ]);
    } catch (err) {
      if (isQuiet(err) || !ctx.alive()) return;
      fill(body, el('p', { className: 'notice notice-error' }, t('load_failed', { msg: errorText(err) })));
      return;
    }
    if (!ctx.alive()) return;
    fill(body, headPanel(group), sessionsPanel(group, sessions), membersPanel(group, enrolments));
  }

  function headPanel(g) {
    const worker = ctx.can('worker') && !g.archived_at;
    return el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', { dataset: { testid: 'group-name' } }, g.name), el('span', { className: 'ref' }, g.ref || '')),
      planned ? el('p', { className: 'notice notice-ok', role: 'status' }, t('term_planned', { n: planned })) : null,
      el('dl', { className: 'facts' },
        el('dt', {}, t('f_programme')), el('dd', {}, g.programme_name || ''),
        el('dt', {}, t('f_kind')), el('dd', {}, tCode('kind_', g.kind)),
        el('dt', {}, t('f_retention_n')), el('dd', {}, String(g.retention_n ?? '')),
        el('dt', {}, t('f_venue')), el('dd', {}, g.venue || t('none'))),
      worker ? el('div', { className: 'toolbar' },
        el('a', { className: 'btn btn-primary', href: href('/groups/' + g.id + '/term') }, t('plan_term')),
        el('a', { className: 'btn btn-secondary', href: href('/groups/' + g.id + '/edit') }, t('group_edit')),
        printLink('/api/v1/groups/' + g.id + '/cards.svg', t('print_cards'), t('print_cards') + ' ' + t('new_tab'))) : null);
  }

  function sessionsPanel(g, sessions) {
    sessions.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
    const now = Date.now();
    const next = sessions.findIndex((s) => Date.parse(s.ends_at) > now);
    const rows = sessions.map((s, i) => el('li', { className: 'session-row' + (i === next ? ' is-next' : '') + (s.status === 'cancelled' ? ' is-cancelled' : ''), dataset: { session: s.id } },
      el('a', { className: 'session-when', href: href('/sessions/' + s.id) },
        el('span', { className: 'date' }, shortDate(s.starts_at)),
        el('span', { className: 'time-range' }, hkTime(s.starts_at) + '–' + hkTime(s.ends_at))),
      el('span', { className: 'session-what' }, s.number ? t('session_n', { n: s.number }) : '', s.venue ? ' · ' + s.venue : '', sessionBadge(s)),
      el('span', { className: 'session-count' }, Date.parse(s.starts_at) <= now && s.status !== 'cancelled' ? t('attended_count', { n: s.attended ?? 0 }) : '')));
    return el('section', { className: 'panel', dataset: { testid: 'group-sessions' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('group_sessions')), el('span', { className: 'section-sub' }, t('sessions_n', { n: sessions.length }))),
      rows.length ? el('ol', { className: 'plain-list session-rows' }, rows) : el('p', { className: 'muted' }, t('no_sessions')));
  }

  // Members today, then those who left or were archived (kept, with the
  // day they left: her history is still the group's).
  function membersPanel(g, enrolments) {
    enrolments.sort((a, b) => collator().compare(a.alias || '', b.alias || ''));
    const today = hkToday();
    const worker = ctx.can('worker') && !g.archived_at;
    const status = el('p', { className: 'section-status', role: 'status' });
    const current = enrolments.filter((e) => !hasLeft(e, today) && !e.participant_archived);
    const former = enrolments.filter((e) => !current.includes(e));
    const row = (e, action) => el('li', { className: 'result-row', dataset: { pid: e.participant_id } },
      el('div', { className: 'result-info' },
        el('a', { className: 'alias', href: href('/participants/' + e.participant_id) }, e.alias),
        el('span', { className: 'result-facts' }, membershipFacts(e, today),
          e.participant_archived ? el('span', { className: 'badge badge-cancelled' }, t('archived_badge')) : null)),
      action);
    const currentRows = current.map((e) => row(e, worker ? leaveControl(e, e.alias, load) : null));
    const formerRows = former.map((e) => row(e, worker && !e.participant_archived
      ? rejoinButton(e, e.alias, load, (err) => { if (!isQuiet(err)) status.textContent = errorText(err); }) : null));
    return el('section', { className: 'panel', dataset: { testid: 'group-members' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('group_members')), el('span', { className: 'section-sub' }, t('enrolled_n', { n: current.length }))),
      worker ? enrolBox(g, enrolments) : null,
      status,
      currentRows.length ? el('ul', { className: 'plain-list member-list', dataset: { testid: 'members-current' } }, currentRows)
        : el('p', { className: 'muted' }, t('no_members')),
      formerRows.length ? el('div', { dataset: { testid: 'members-former' } },
        el('h3', { className: 'section-sub former-head' }, t('former_members', { n: formerRows.length })),
        el('ul', { className: 'plain-list member-list is-former' }, formerRows)) : null);
  }

  // Find someone and enrol her in this group.
  function enrolBox(g, enrolments) {
    const taken = new Map(enrolments.map((e) => [e.participant_id, e]));
    const input = el('input', { id: 'enrol-q', type: 'search', autocomplete: 'off', maxlength: 100, placeholder: t('search_label') });
    const results = el('ul', { className: 'plain-list', dataset: { testid: 'enrol-results' } });
    const status = el('p', { className: 'section-status', role: 'status' });
    let timer = 0;
    let seq = 0;
    async function search() {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) { fill(results); status.textContent = ''; return; }
      try {
        const data = await get(query('/api/v1/participants', { q, limit: 10 }));
        if (mine !== seq || !ctx.alive()) return;
        const items = data.items || [];
        status.textContent = items.length ? '' : t('search_none', { q });
        fill(results, items.map((p) => el('li', { className: 'result-row' },
          el('div', { className: 'result-info' },
            el('span', { className: 'alias' }, p.alias),
            el('span', { className: 'result-facts' }, [p.ref, phoneTail(p.phone) ? t('phone_tail', { d: phoneTail(p.phone) }) : null].filter(Boolean).join(' · '))),
          taken.has(p.id)
            ? el('span', { className: 'muted' }, hasLeft(taken.get(p.id)) ? t('left_see_below') : t('already_member'))
            : el('button', {
              type: 'button', className: 'btn btn-primary', 'aria-label': t('enrol_in_button') + ': ' + p.alias,
              onClick: async (ev) => {
                ev.target.disabled = true;
                try {
                  await post('/api/v1/enrolments', { group_id: g.id, participant_id: p.id });
                  input.value = '';
                  await load();
                  document.getElementById('enrol-q')?.focus();
                } catch (err) {
                  ev.target.disabled = false;
                  if (!isQuiet(err)) status.textContent = errorText(err);
                }
              },
            }, t('enrol_in_button')))));
      } catch (err) {
        if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
      }
    }
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, SEARCH_DELAY_MS); });
    return el('div', { className: 'enrol-box' },
      el('label', { for: 'enrol-q' }, t('enrol_someone')), input, status, results);
  }

  load();
  ctx.onResume(load);
}

registerPage({ path: '/groups/:id', navParent: '/groups', role: 'viewer', mount });

addStrings({
  'zh-HK': {
    term_planned: '已編排 {n} 節活動。',
    group_sessions: '活動',
    no_sessions: '未有活動。按「編排一期活動」一次過加入。',
    attended_count: '{n} 人出席',
    group_members: '組員',
    no_members: '未有組員。',
    enrol_someone: '加入組員（搜尋稱呼、編號或電話尾號）',
    already_member: '已是組員',
    left_see_below: '已退出：可在下面「以往的組員」重新加入',
    former_members: '以往的組員（{n}）',
  },
  en: {
    term_planned: '{n} sessions are planned.',
    group_sessions: 'Sessions',
    no_sessions: 'No sessions yet. “Plan a term” adds them in one go.',
    attended_count: '{n} came',
    group_members: 'Members',
    no_members: 'Nobody is enrolled yet.',
    enrol_someone: 'Enrol someone (search alias, ref or phone digits)',
    already_member: 'Already a member',
    left_see_below: 'Left: take her back under “Former members” below',
    former_members: 'Former members ({n})',
  },
});
