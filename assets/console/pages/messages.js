// Messages: the workers' inbox (texts the conversation engine could not
// read: a question, "I'll be late", a number nobody enrolled), each taken by
// one worker so that nobody calls twice, and every recent message with what
// became of it. Workers and admins only: texts carry names and numbers.

import { registerPage } from '../shell.js';
import { errorText, get, isQuiet, post, query } from '../api.js';
import { el, fill } from '../dom.js';
import { messageItem } from '../message-item.js';
import { addStrings, t } from '../i18n.js';

const RECENT = 50;

function mount(view, params, ctx) {
  const state = { all: ctx.query.get('all') === '1', direction: ctx.query.get('direction') || '' };
  const inboxStatus = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const inbox = el('div', { className: 'msg-list', dataset: { testid: 'inbox' } });
  const recentStatus = el('p', { className: 'section-status', role: 'status' });
  const recent = el('div', { className: 'msg-list' });
  const showAll = el('input', { id: 'inbox-all', type: 'checkbox', checked: state.all });
  showAll.addEventListener('change', () => ctx.go(query('/messages', { all: showAll.checked ? '1' : '', direction: state.direction })));
  const direction = el('select', { id: 'recent-direction' },
    ['', 'out', 'in'].map((d) => el('option', { value: d, selected: d === state.direction }, t('dir_' + (d || 'all')))));
  direction.addEventListener('change', () => ctx.go(query('/messages', { all: state.all ? '1' : '', direction: direction.value })));

  view.append(
    el('section', { className: 'panel', 'aria-labelledby': 'inbox-title' },
      el('div', { className: 'section-head' }, el('h1', { id: 'inbox-title' }, t('inbox_title'))),
      el('p', { className: 'muted' }, t('inbox_about')),
      el('div', { className: 'check' }, showAll, el('label', { for: 'inbox-all' }, t('inbox_show_taken'))),
      inboxStatus, inbox),
    el('section', { className: 'panel', 'aria-labelledby': 'recent-title' },
      el('div', { className: 'section-head' }, el('h2', { id: 'recent-title' }, t('recent_title')),
        el('div', { className: 'head-action field-inline' }, el('label', { for: 'recent-direction' }, t('dir_label')), direction)),
      recentStatus, recent));

  function takeButton(m) {
    if (m.handled_by) {
      return el('p', { className: 'msg-taken' }, m.handled_by === ctx.user.id ? t('taken_by_me') : t('taken_by_other'));
    }
    const b = el('button', { type: 'button', className: 'btn btn-primary' }, t('take_it'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await post('/api/v1/inbox/' + m.id + '/claim');
      } catch (err) {
        if (!isQuiet(err)) inboxStatus.textContent = err.code === 'taken' ? t('taken_by_other') : errorText(err);
      }
      load();
    });
    return el('div', { className: 'msg-actions' }, b);
  }

  async function load() {
    try {
      const [box, list] = await Promise.all([
        get(query('/api/v1/inbox', { all: state.all ? '1' : '' })),
        get(query('/api/v1/messages', { limit: RECENT, direction: state.direction })),
      ]);
      if (!ctx.alive()) return;
      const waiting = (box.items || []);
      inboxStatus.textContent = waiting.length ? t('inbox_count', { n: waiting.length }) : t('inbox_empty');
      fill(inbox, waiting.map((m) => messageItem(m, { extra: takeButton(m) })));
      const items = list.items || [];
      recentStatus.textContent = items.length ? t('recent_count', { n: items.length }) : t('recent_empty');
      fill(recent, items.map((m) => messageItem(m)));
    } catch (err) {
      if (isQuiet(err)) return;
      inboxStatus.classList.add('is-error');
      inboxStatus.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
  ctx.every(15000, load);
}

registerPage({ path: '/messages', nav: { label: 'nav_messages', order: 60 }, role: 'worker', mount });

addStrings({
  'zh-HK': {
    nav_messages: '訊息',
    inbox_title: '待跟進的訊息',
    inbox_about: '系統未能自動處理的回覆（例如查詢、遲到通知、未登記的號碼）。請按「由我跟進」，避免兩位同工重複致電。',
    inbox_show_taken: '同時顯示已有同工跟進的訊息',
    inbox_count: '共 {n} 個。',
    inbox_empty: '沒有待跟進的訊息。',
    take_it: '由我跟進',
    taken_by_me: '由你跟進',
    taken_by_other: '已由另一位同工跟進',
    recent_title: '最近的訊息',
    recent_count: '最近 {n} 個。',
    recent_empty: '未有訊息。',
    dir_label: '顯示',
    dir_all: '全部',
    dir_out: '發出',
    dir_in: '收到',
  },
  en: {
    nav_messages: 'Messages',
    inbox_title: 'Texts to follow up',
    inbox_about: 'Replies the system could not handle by itself (a question, "I\'ll be late", a number nobody enrolled). Press "I\'ll take it" so that two workers do not both call.',
    inbox_show_taken: 'Also show texts a worker has taken',
    inbox_count: '{n} waiting.',
    inbox_empty: 'No texts waiting.',
    take_it: 'I\'ll take it',
    taken_by_me: 'You took it',
    taken_by_other: 'Another worker took it',
    recent_title: 'Recent messages',
    recent_count: 'The last {n}.',
    recent_empty: 'No messages yet.',
    dir_label: 'Show',
    dir_all: 'All',
    dir_out: 'Sent',
    dir_in: 'Received',
  },
});
