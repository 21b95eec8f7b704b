// Groups: every group with its programme, how many are enrolled and how many
// sessions are planned; workers create and edit groups (kind, the N of
// sessions for retention, venue, the feedback form) and print the A4 sheet
// of the members' cards.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, list, patch, post } from '../api.js';
import { el, fill, printLink } from '../dom.js';
import { form } from '../forms.js';
import { showLoadFailed } from '../widgets.js'; // and the words pages share
import { addStrings, collator, getLang, t, tCode } from '../i18n.js';

export const GROUP_KINDS = ['counselling', 'family', 'parent_child', 'education', 'peer_support', 'other'];

function groupRow(g, ctx) {
  const facts = [g.ref, tCode('kind_', g.kind), g.programme_name, t('enrolled_n', { n: g.enrolled ?? 0 }), t('sessions_n', { n: g.sessions ?? 0 })];
  return el('li', { className: 'group-row' },
    el('div', { className: 'group-info' },
      el('a', { className: 'group-name', href: href('/groups/' + g.id) }, g.name || '—'),
      el('span', { className: 'group-facts' }, facts.filter(Boolean).join(' · '))),
    ctx.can('worker')
      ? printLink('/api/v1/groups/' + g.id + '/cards.svg', t('print_cards'), t('print_cards') + ': ' + (g.name || '') + ' ' + t('new_tab'))
      : null);
}

function mountList(view, params, ctx) {
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const rows = el('ul', { className: 'plain-list group-list', dataset: { testid: 'groups' } });
  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('groups_title')),
      el('a', { className: 'btn btn-secondary head-action', href: href('/programmes') }, t('programmes_link')),
      ctx.can('worker') ? el('a', { className: 'btn btn-primary', href: href('/groups/new') }, t('group_new')) : null),
    status, rows));
  async function load() {
    try {
      const items = await list('/api/v1/groups');
      if (!ctx.alive()) return;
      items.sort((a, b) => collator().compare(a.name || '', b.name || ''));
      status.textContent = items.length ? '' : t('groups_empty');
      fill(rows, items.map((g) => groupRow(g, ctx)));
    } catch (err) {
      showLoadFailed(status, err);
    }
  }
  load();
  ctx.onResume(load);
}

/* ------------------------------------------------------------ new, edit */

// The group form's fields; programmes and forms are loaded first.
function groupFields(programmes, forms, editing) {
  const lang = getLang();
  return [
    { name: 'name', label: 'f_group_name', required: true, max: 200 },
    {
      name: 'programme_id', label: 'f_programme', type: 'select', required: true,
      options: programmes.map((p) => ({ value: String(p.id), text: p.name + (p.ref ? ' (' + p.ref + ')' : '') })),
      attrs: editing ? { disabled: true } : undefined,
    },
    { name: 'kind', label: 'f_kind', type: 'select', required: true, options: GROUP_KINDS.map((k) => ({ value: k, label: 'kind_' + k })) },
    { name: 'retention_n', label: 'f_retention_n', type: 'number', required: true, min: 1, max: 100, hint: 'h_retention_n' },
    { name: 'venue', label: 'f_venue', max: 100, hint: 'h_venue' },
    {
      name: 'feedback_form', label: 'f_feedback_form', type: 'select', required: true,
      options: forms.map((f) => ({ value: f.key, text: (f.title && (f.title[lang] || f.title['zh-HK'])) || f.key })),
    },
    { name: 'ref', label: 'f_ref', max: 64, hint: 'h_ref' },
  ];
}

function mountGroupForm(view, params, ctx) {
  const id = params.id ? Number(params.id) : 0;
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const panel = el('section', { className: 'panel' }, el('h1', {}, t(id ? 'group_edit' : 'group_new')), status);
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href(id ? '/groups/' + id : '/groups') }, '‹ ' + t('back'))), panel);
  Promise.all([list('/api/v1/programmes'), get('/api/v1/forms'), id ? get('/api/v1/groups/' + id) : null]).then(([programmes, forms, group]) => {
    if (!ctx.alive()) return;
    status.remove();
    programmes.sort((a, b) => collator().compare(a.name, b.name));
    if (!programmes.length) {
      panel.append(el('p', { className: 'notice notice-warn' }, t('no_programmes')),
        el('p', {}, el('a', { className: 'btn btn-primary', href: href('/programmes/new') }, t('programme_new'))));
      return;
    }
    const initial = group
      ? { ...group, programme_id: String(group.programme_id) }
      : { retention_n: 3, feedback_form: 'satisfaction', kind: 'peer_support', programme_id: String(programmes[0].id) };
    const f = form({
      key: id ? 'group-edit-' + id : 'group-new',
      fields: groupFields(programmes, forms.items || [], !!id),
      initial,
      submit: id ? 'save' : 'group_create',
      onSubmit: async (v) => {
        const body = { ...v, programme_id: Number(v.programme_id) };
        if (id) {
          delete body.programme_id;
          await patch('/api/v1/groups/' + id, body);
          ctx.go('/groups/' + id);
        } else {
          for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
          const made = await post('/api/v1/groups', body);
          ctx.go('/groups/' + made.id);
        }
      },
    });
    panel.append(f.node);
  }).catch((err) => {
    if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
  });
}

registerPage({ path: '/groups', nav: { label: 'nav_groups', order: 30 }, role: 'viewer', mount: mountList });
registerPage({ path: '/groups/new', navParent: '/groups', role: 'worker', mount: mountGroupForm });
registerPage({ path: '/groups/:id/edit', navParent: '/groups', role: 'worker', mount: mountGroupForm });

addStrings({
  'zh-HK': {
    groups_title: '小組',
    groups_empty: '未有小組。',
    group_new: '新增小組',
    group_create: '新增',
    f_group_name: '小組名稱',
    h_retention_n: '出席最少這麼多節才算持續參與（資助指標用，一般為 3）。',
    f_feedback_form: '簽到後的意見表',
    no_programmes: '未有計劃。每個小組都屬於一個計劃，請先新增計劃。',
    programmes_link: '計劃',
  },
  en: {
    groups_title: 'Groups',
    groups_empty: 'No groups yet.',
    group_new: 'New group',
    group_create: 'Create',
    f_group_name: 'Name',
    h_retention_n: 'Attending at least this many sessions counts as staying (for the funder; usually 3).',
    f_feedback_form: 'Feedback form after sign-in',
    no_programmes: 'There is no programme yet. Every group belongs to one: add a programme first.',
    programmes_link: 'Programmes',
  },
});
