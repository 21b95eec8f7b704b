// Participants: search by alias, reference or the last digits of the phone;
// archived people only when asked for (to find one and restore her).
// The overview never shows a whole phone number; viewers see none at all
// (the server leaves phones and card tokens out of what they get).

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, query } from '../api.js';
import { el, fill, phoneTail } from '../dom.js';
import '../widgets.js'; // the words pages share
import { addStrings, t } from '../i18n.js';

const SEARCH_DELAY_MS = 300;
const SEARCH_LIMIT = 20;

// What the search box held, kept while the console is open.
let lastQuery = '';
let lastArchived = false;

function resultRow(p, ctx) {
  const facts = [p.ref];
  const tail = phoneTail(p.phone);
  if (tail) facts.push(t('phone_tail', { d: tail }));
  else if ('phone' in p) facts.push(t('no_phone'));
  return el('li', { className: 'result-row' },
    el('div', { className: 'result-info' },
      el('a', { className: 'alias', href: href('/participants/' + p.id) }, p.alias || '—'),
      el('span', { className: 'result-facts' }, facts.filter(Boolean).join(' · '),
        p.archived_at ? el('span', { className: 'badge badge-cancelled' }, t('archived_badge')) : null)),
    el('a', { className: 'btn btn-secondary', href: href('/participants/' + p.id) }, t('open_participant')));
}

function mount(view, params, ctx) {
  const input = el('input', {
    id: 'search-q', name: 'q', type: 'search', autocomplete: 'off', autocapitalize: 'none', autocorrect: 'off',
    spellcheck: 'false', maxlength: 100, placeholder: t('search_label'), value: lastQuery,
  });
  const status = el('p', { className: 'section-status', role: 'status' });
  const results = el('ul', { className: 'plain-list result-list', dataset: { testid: 'results' } });
  const searchForm = el('form', { className: 'search-form', role: 'search', novalidate: true },
    el('label', { for: 'search-q', className: 'visually-hidden' }, t('search_label')),
    input, el('button', { type: 'submit', className: 'btn btn-primary' }, t('search_button')));
  const archived = el('input', { id: 'search-archived', type: 'checkbox', checked: lastArchived });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('participants_title')),
      ctx.can('worker') ? el('a', { className: 'btn btn-primary head-action', href: href('/participants/new') }, t('enrol_new')) : null),
    searchForm,
    el('div', { className: 'check search-archived' }, archived, el('label', { for: 'search-archived' }, t('search_archived'))),
    status, results));

  let seq = 0;
  let timer = 0;

  async function run(raw) {
    const q = raw.trim();
    lastQuery = q;
    const mine = ++seq;
    status.classList.remove('is-error');
    if (!q) {
      status.textContent = '';
      fill(results);
      return;
    }
    status.textContent = t('searching');
    try {
      const data = await get(query('/api/v1/participants', { q, limit: SEARCH_LIMIT, archived: archived.checked ? 'include' : null }));
      if (mine !== seq || !ctx.alive()) return;
      const items = data.items || [];
      status.textContent = items.length === 0 ? t('search_none', { q })
        : data.next !== null && data.next !== undefined ? t('search_more', { n: SEARCH_LIMIT }) : '';
      fill(results, items.map((p) => resultRow(p, ctx)));
    } catch (err) {
      if (mine !== seq || isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }

  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  archived.addEventListener('change', () => {
    lastArchived = archived.checked;
    clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), SEARCH_DELAY_MS);
  });
  ctx.onResume(() => run(input.value));
  if (lastQuery) run(lastQuery);
  queueMicrotask(() => input.focus());
  return () => clearTimeout(timer);
}

registerPage({ path: '/participants', nav: { label: 'nav_participants', order: 20 }, role: 'viewer', mount });

addStrings({
  'zh-HK': {
    participants_title: '參加者',
    search_button: '搜尋',
    searching: '搜尋中…',
    search_more: '只顯示首 {n} 個結果，請輸入更多字收窄搜尋。',
    open_participant: '查看',
    enrol_new: '登記新參加者',
    search_archived: '包括已封存的參加者',
  },
  en: {
    participants_title: 'Participants',
    search_button: 'Search',
    searching: 'Searching…',
    search_more: 'Showing the first {n}: type more to narrow it down.',
    open_participant: 'Open',
    enrol_new: 'Enrol someone new',
    search_archived: 'Include archived participants',
  },
});
