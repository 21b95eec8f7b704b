// Programmes: the funded projects that own groups (a two-year scheme, a
// year's grant). Everyone sees the list with each programme's dates and how
// many groups it holds; workers and admins add one and change its reference,
// name and dates. Reached from the groups page: groups are what people open
// every day, programmes are set up a few times a year.

import { registerPage, href } from '../shell.js';
import { ApiError, errorText, get, isQuiet, list, patch, post } from '../api.js';
import { el, fill } from '../dom.js';
import { form } from '../forms.js';
import { showLoadFailed } from '../widgets.js'; // and the words pages share
import { addStrings, collator, shortDate, t } from '../i18n.js';

// "1 Apr 2026 – 31 Mar 2028", an open end, or nothing when neither is set.
function period(p) {
  if (!p.starts_on && !p.ends_on) return '';
  const day = (d) => (d ? shortDate(d) + ' ' + d.slice(0, 4) : '…');
  return day(p.starts_on) + ' – ' + day(p.ends_on);
}

function programmeRow(p, groups, ctx) {
  const facts = [p.ref, period(p), t('groups_n', { n: groups })];
  return el('li', { className: 'group-row', dataset: { programme: p.id } },
    el('div', { className: 'group-info' },
      el('span', { className: 'group-name' }, p.name),
      el('span', { className: 'group-facts' }, facts.filter(Boolean).join(' · '))),
    ctx.can('worker')
      ? el('a', { className: 'btn btn-secondary', href: href('/programmes/' + p.id + '/edit'), 'aria-label': t('programme_edit') + ': ' + p.name }, t('programme_edit'))
      : null);
}

function mountList(view, params, ctx) {
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const rows = el('ul', { className: 'plain-list group-list', dataset: { testid: 'programmes' } });
  view.append(
    el('p', { className: 'crumbs' }, el('a', { href: href('/groups') }, '‹ ' + t('nav_groups'))),
    el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', {}, t('programmes_title')),
        ctx.can('worker') ? el('a', { className: 'btn btn-primary head-action', href: href('/programmes/new') }, t('programme_new')) : null),
      el('p', { className: 'muted' }, t('programmes_lead')),
      status, rows));
  async function load() {
    try {
      const [items, groups] = await Promise.all([list('/api/v1/programmes'), list('/api/v1/groups')]);
      if (!ctx.alive()) return;
      const count = new Map();
      for (const g of groups) count.set(g.programme_id, (count.get(g.programme_id) || 0) + 1);
      items.sort((a, b) => collator().compare(a.name, b.name));
      status.textContent = items.length ? '' : t('programmes_empty');
      fill(rows, items.map((p) => programmeRow(p, count.get(p.id) || 0, ctx)));
    } catch (err) {
      showLoadFailed(status, err);
    }
  }
  load();
  ctx.onResume(load);
}

/* ------------------------------------------------------------ new, edit */

const FIELDS = [
  { name: 'name', label: 'f_programme_name', required: true, max: 200, hint: 'h_programme_name' },
  { name: 'ref', label: 'f_ref', max: 64, hint: 'h_programme_ref' },
  { name: 'starts_on', label: 'f_starts_on', type: 'date' },
  {
    name: 'ends_on', label: 'f_ends_on', type: 'date', hint: 'h_ends_on',
    validate: (v, vals) => (v && vals.starts_on && v < vals.starts_on ? 'err_ends_on_before' : null),
  },
];

// The server's words for a reference already taken, in the page's language.
function explain(err, values) {
  if (err instanceof ApiError && err.code === 'conflict' && err.field === 'ref') {
    return new ApiError(err.status, err.code, 'ref: ' + t('err_ref_taken', { ref: values.ref }), 'ref');
  }
  return err;
}

function mountForm(view, params, ctx) {
  const id = params.id ? Number(params.id) : 0;
  const panel = el('section', { className: 'panel' }, el('h1', {}, t(id ? 'programme_edit' : 'programme_new')));
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href('/programmes') }, '‹ ' + t('programmes_title'))), panel);

  function show(row) {
    const f = form({
      key: id ? 'programme-edit-' + id : 'programme-new',
      fields: FIELDS,
      initial: row,
      submit: id ? 'save' : 'programme_create',
      onSubmit: async (v) => {
        try {
          if (id) {
            await patch('/api/v1/programmes/' + id, v);
          } else {
            const body = {};
            for (const [k, x] of Object.entries(v)) if (x !== null) body[k] = x;
            await post('/api/v1/programmes', body);
          }
        } catch (err) {
          throw explain(err, v);
        }
        ctx.go('/programmes');
      },
    });
    panel.append(f.node);
    if (!id) queueMicrotask(() => f.input('name').focus());
  }

  if (!id) {
    show({});
    return;
  }
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  panel.append(status);
  get('/api/v1/programmes/' + id).then((row) => {
    if (!ctx.alive()) return;
    status.remove();
    show(row);
  }).catch((err) => {
    if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
  });
}

registerPage({ path: '/programmes', navParent: '/groups', role: 'viewer', mount: mountList });
registerPage({ path: '/programmes/new', navParent: '/groups', role: 'worker', mount: mountForm });
registerPage({ path: '/programmes/:id/edit', navParent: '/groups', role: 'worker', mount: mountForm });

addStrings({
  'zh-HK': {
    programmes_title: '計劃',
    programmes_lead: '每個小組都屬於一個計劃（例如一個兩年的資助計劃）。指標可按計劃分開計算。',
    programmes_empty: '未有計劃。',
    programme_new: '新增計劃',
    programme_create: '新增',
    programme_edit: '修改計劃',
    groups_n: '{n} 個小組',
    f_programme_name: '計劃名稱',
    h_programme_name: '職員看到的名稱。',
    h_programme_ref: '資助機構或中心的計劃編號，例如 P2026。每個計劃的編號都不同。',
    f_starts_on: '開始日期',
    f_ends_on: '結束日期',
    h_ends_on: '可以留空，待計劃完結時再填。',
    err_ends_on_before: '結束日期不能早於開始日期。',
    err_ref_taken: '編號「{ref}」已有另一個計劃使用。',
  },
  en: {
    programmes_title: 'Programmes',
    programmes_lead: 'Every group belongs to a programme (a two-year grant, say). The indicators can be cut by programme.',
    programmes_empty: 'No programmes yet.',
    programme_new: 'New programme',
    programme_create: 'Create',
    programme_edit: 'Edit programme',
    groups_n: '{n} group(s)',
    f_programme_name: 'Name',
    h_programme_name: 'The name staff see.',
    h_programme_ref: "The funder's or the centre's reference, such as P2026. No two programmes share one.",
    f_starts_on: 'Starts on',
    f_ends_on: 'Ends on',
    h_ends_on: 'May be left empty until the programme ends.',
    err_ends_on_before: 'The end cannot be before the start.',
    err_ref_taken: 'The reference “{ref}” is already used by another programme.',
  },
});
