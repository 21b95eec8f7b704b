// Today: the sessions of the day in Hong Kong, each with how many of the
// enrolled have arrived and the walk-ins, refreshed every ten seconds; a
// tap opens the session's live roster.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, list } from '../api.js';
import { el, fill, hkNowTime, hkTime, hkToday } from '../dom.js';
import { addStrings, longDate, t } from '../i18n.js';
import { nowOn, sessionBadge, sessionName } from '../widgets.js';

const REFRESH_MS = 10000;

function sessionCard(s, roster, rosterError) {
  const cancelled = s.status === 'cancelled';
  let counts;
  if (roster) {
    const came = roster.arrived - roster.walk_ins;
    counts = el('div', { className: 'session-counts' },
      el('p', { className: 'count-main', dataset: { testid: 'arrived' } }, t('arrived_of', { a: came, e: roster.enrolled })),
      roster.enrolled > 0 ? el('progress', { max: roster.enrolled, value: came, 'aria-hidden': 'true' }) : null,
      roster.walk_ins ? el('p', { className: 'count-walkin' }, t('walk_ins', { n: roster.walk_ins })) : null);
  } else {
    counts = el('div', { className: 'session-counts' },
      el('p', { className: 'count-main muted' }, rosterError ? t('arrived_of', { a: s.attended ?? '–', e: '–' }) : t('loading')));
  }
  return el('article', { className: 'session' + (cancelled ? ' is-cancelled' : '') + (nowOn(s) ? ' is-now' : ''), dataset: { session: s.id } },
    el('div', { className: 'session-main' },
      el('div', { className: 'session-info' },
        el('h2', { className: 'session-title' }, sessionName(s), sessionBadge(s)),
        s.title && s.group_name && !s.title.includes(s.group_name) ? el('p', { className: 'session-group' }, s.group_name) : null,
        el('p', { className: 'session-time' },
          el('span', { className: 'time-range' }, hkTime(s.starts_at) + '–' + hkTime(s.ends_at)),
          s.venue ? el('span', { className: 'venue' }, s.venue) : null)),
      counts,
      el('a', { className: 'btn btn-secondary roster-open', href: href('/sessions/' + s.id) }, t('open_roster'))));
}

function mount(view, params, ctx) {
  const date = el('span', { className: 'section-sub' });
  const updated = el('span', { className: 'section-meta' });
  const status = el('p', { className: 'section-status', role: 'status' });
  const listNode = el('div', { className: 'session-list' });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('today_title')), date, updated),
    status, listNode));

  let sessions = null;
  let loading = null;

  async function load() {
    const day = hkToday();
    date.textContent = longDate(day);
    let items;
    try {
      items = await list('/api/v1/sessions?starts_at_from=' + day + '&starts_at_to=' + day);
    } catch (err) {
      if (isQuiet(err) || !ctx.alive()) return;
      status.classList.add('is-error');
      status.textContent = sessions ? t('retrying', { msg: errorText(err) }) : t('load_failed', { msg: errorText(err) });
      return;
    }
    items.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
    const rosters = await Promise.all(items.map((s) => get('/api/v1/sessions/' + s.id + '/roster').catch((e) => e)));
    if (!ctx.alive()) return;
    sessions = items;
    status.classList.remove('is-error');
    status.textContent = items.length ? '' : t('today_empty');
    updated.textContent = t('updated', { t: hkNowTime() });
    fill(listNode, items.map((s, i) => {
      const r = rosters[i];
      return r instanceof Error ? sessionCard(s, null, true) : sessionCard(s, r, false);
    }));
  }

  function refresh() {
    if (!loading) loading = load().finally(() => { loading = null; });
  }

  status.textContent = t('loading');
  refresh();
  ctx.every(REFRESH_MS, refresh);
  ctx.onResume(refresh);
}

registerPage({ path: '/today', nav: { label: 'nav_today', order: 10 }, role: 'viewer', mount });

addStrings({
  'zh-HK': {
    today_title: '今日',
    today_empty: '今日沒有活動。',
    retrying: '未能更新：{msg}　稍後自動再試。',
    open_roster: '打開名單',
  },
  en: {
    today_title: 'Today',
    today_empty: 'No sessions today.',
    retrying: 'Could not update: {msg}. Trying again shortly.',
    open_roster: 'Open roster',
  },
});
