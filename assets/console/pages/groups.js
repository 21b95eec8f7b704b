// Groups: every group with its programme, how many are enrolled and how many
// sessions are planned, and (for workers) the A4 sheet of its members' cards.

import { registerPage } from '../shell.js';
import { errorText, isQuiet, list } from '../api.js';
import { el, fill, printLink } from '../dom.js';
import { addStrings, collator, t } from '../i18n.js';

function groupRow(g, ctx) {
  const facts = [g.ref, g.programme_name, t('enrolled_n', { n: g.enrolled ?? 0 }), t('sessions_n', { n: g.sessions ?? 0 })];
  return el('li', { className: 'group-row' },
    el('div', { className: 'group-info' },
      el('span', { className: 'group-name' }, g.name || '—'),
      el('span', { className: 'group-facts' }, facts.filter(Boolean).join(' · '))),
    ctx.can('worker')
      ? printLink('/api/v1/groups/' + g.id + '/cards.svg', t('print_cards'), t('print_cards') + ': ' + (g.name || '') + ' ' + t('new_tab'))
      : null);
}

function mount(view, params, ctx) {
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const rows = el('ul', { className: 'plain-list group-list' });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('groups_title'))), status, rows));
  async function load() {
    try {
      const items = await list('/api/v1/groups');
      if (!ctx.alive()) return;
      items.sort((a, b) => collator().compare(a.name || '', b.name || ''));
      status.textContent = items.length ? '' : t('groups_empty');
      fill(rows, items.map((g) => groupRow(g, ctx)));
    } catch (err) {
      if (isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
}

registerPage({ path: '/groups', nav: { label: 'nav_groups', order: 30 }, role: 'viewer', mount });

addStrings({
  'zh-HK': {
    nav_groups: '小組',
    groups_title: '小組',
    groups_empty: '未有小組。',
    enrolled_n: '{n} 人登記',
    sessions_n: '{n} 節',
    print_cards: '列印小組卡',
  },
  en: {
    nav_groups: 'Groups',
    groups_title: 'Groups',
    groups_empty: 'No groups yet.',
    enrolled_n: '{n} enrolled',
    sessions_n: '{n} sessions',
    print_cards: 'Print card sheet',
  },
});
