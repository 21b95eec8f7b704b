// Agreed levels: the levels a programme agreed with its funder, for the
// whole programme, a kind of group or one group (GET /api/v1/targets), which
// the dashboard shows each figure against. Workers and admins set one
// (PUT /api/v1/targets: a second time for the same scope and indicator
// changes it) or remove one; viewers read them.

import { href, registerPage } from '../shell.js';
import { api, errorText, get, isQuiet, list, query } from '../api.js';
import { el, fill } from '../dom.js';
import { form } from '../forms.js';
import { formatCount, label } from '../figures.js';
import { addStrings, collator, t, tCode } from '../i18n.js';

const KINDS = ['counselling', 'family', 'parent_child', 'education', 'peer_support', 'other'];
const PLAIN = ['enrolled', 'participants', 'attendances', 'sessions', 'sessions_delivered', 'retention'];

// The indicators a level can be set for, as the report names them.
function indicatorChoices(forms) {
  const out = PLAIN.slice();
  for (const [key, f] of forms) {
    const kind = f.counting && f.counting.kind;
    if (kind === 'positive') out.push(key + '.responses', key + '.positive');
    if (kind === 'score') out.push(key + '.pairs', key + '.improved', key + '.no_change', key + '.worse');
  }
  return out;
}

function scopeText(target, groups) {
  if (target.scope_type === 'programme') return t('scope_programme');
  if (target.scope_type === 'kind') return t('scope_kind', { kind: tCode('kind_', target.scope) });
  const g = groups.find((x) => x.id === target.group_id);
  return g ? g.name + ' (' + g.ref + ')' : target.scope;
}

function levelText(target) {
  return formatCount(target.level) + (target.unit === 'percent' ? '%' : '');
}

// A positive number, as the server takes it ("40", "62.5").
function validLevel(value) {
  if (value === null) return null;
  return /^\d+(\.\d+)?$/.test(value) && Number(value) > 0 ? null : 'err_level';
}

function mount(view, params, ctx) {
  const state = { programme: ctx.query.get('programme') || '' };
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const pick = el('div');
  const table = el('div');
  const editor = el('div');
  view.append(
    el('p', { className: 'crumbs' }, el('a', { href: href(query('/indicators', { programme: state.programme })) }, '‹ ' + t('nav_indicators'))),
    el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', {}, t('levels_title'))),
      el('p', { className: 'muted' }, t('levels_about')), pick, status, table),
    editor);

  let armed = null; // the id whose removal waits for a second press

  function render(programme, targets, groups, forms) {
    const rows = targets.slice().sort((a, b) => {
      const order = { programme: 0, kind: 1, group: 2 };
      return (order[a.scope_type] - order[b.scope_type])
        || collator().compare(scopeText(a, groups), scopeText(b, groups))
        || collator().compare(label(a.indicator, forms), label(b.indicator, forms));
    });
    status.textContent = rows.length ? t('levels_count', { n: rows.length }) : t('levels_none');
    const canEdit = ctx.can('worker');
    fill(table, rows.length ? el('div', { className: 'table-wrap' }, el('table', { className: 'data-table levels-table' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, t('col_scope')), el('th', { scope: 'col' }, t('col_indicator')),
        el('th', { scope: 'col', className: 'num' }, t('col_target')), canEdit ? el('th', { scope: 'col' }, el('span', { className: 'visually-hidden' }, t('col_actions'))) : null)),
      el('tbody', {}, rows.map((target) => el('tr', { dataset: { target: String(target.id) } },
        el('th', { scope: 'row' }, scopeText(target, groups)),
        el('td', {}, label(target.indicator, forms)),
        el('td', { className: 'num' }, levelText(target)),
        canEdit ? el('td', { className: 'row-actions' },
          el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => showEditor(programme, groups, forms, target) }, t('change')),
          el('button', {
            type: 'button',
            className: 'btn ' + (armed === target.id ? 'btn-danger' : 'btn-secondary'),
            onClick: () => remove(target),
          }, armed === target.id ? t('remove_confirm') : t('remove'))) : null))))) : null);
  }

  function showEditor(programme, groups, forms, initial) {
    if (!ctx.can('worker')) return;
    const scopes = [{ value: '*', text: t('scope_programme') }]
      .concat(KINDS.map((k) => ({ value: k, text: t('scope_kind', { kind: tCode('kind_', k) }) })))
      .concat(groups.slice().sort((a, b) => collator().compare(a.name || '', b.name || ''))
        .map((g) => ({ value: g.ref, text: g.name + ' (' + g.ref + ')' })));
    const f = form({
      key: 'level-' + programme.id + (initial ? '-' + initial.id : ''),
      fields: [
        // Changing a level keeps what it is for: another scope or indicator is another level.
        { name: 'scope', label: 'col_scope', type: 'select', required: true, options: scopes, attrs: { disabled: !!initial } },
        { name: 'indicator', label: 'col_indicator', type: 'select', required: true, options: indicatorChoices(forms).map((i) => ({ value: i, text: label(i, forms) })), attrs: { disabled: !!initial } },
        { name: 'level', label: 'col_target', required: true, validate: validLevel, hint: 'level_hint', attrs: { inputmode: 'decimal' } },
      ],
      initial: initial ? { scope: initial.scope, indicator: initial.indicator, level: String(initial.level) } : {},
      submit: 'save',
      onSubmit: async (values) => {
        const res = await api('PUT', '/api/v1/targets', {
          programme_id: programme.id, scope: values.scope, indicator: values.indicator, level: Number(values.level),
        });
        load();
        return t(res && res.result === 'unchanged' ? 'level_unchanged' : 'level_saved');
      },
    });
    fill(editor, el('section', { className: 'panel', 'aria-labelledby': 'level-editor' },
      el('h2', { id: 'level-editor', className: 'section-sub' }, initial ? t('level_change_title') : t('level_set_title')),
      f.node));
  }

  async function remove(target) {
    if (armed !== target.id) {
      armed = target.id;
      load();
      return;
    }
    armed = null;
    try {
      await api('DELETE', '/api/v1/targets/' + target.id);
    } catch (err) {
      if (!isQuiet(err)) status.textContent = errorText(err);
    }
    load();
  }

  async function load() {
    try {
      const [programmes, groups, formList] = await Promise.all([
        list('/api/v1/programmes'), list('/api/v1/groups'), get('/api/v1/forms')]);
      if (!ctx.alive()) return;
      const programme = programmes.find((p) => p.ref === state.programme) || programmes[0];
      if (!programme) {
        status.textContent = t('levels_no_programme');
        return;
      }
      state.programme = programme.ref;
      const forms = new Map((formList.items || []).map((f) => [f.key, f]));
      const mine = groups.filter((g) => g.programme_id === programme.id);
      const targets = (await get('/api/v1/targets?programme_id=' + programme.id)).items || [];
      if (!ctx.alive()) return;
      const select = el('select', { id: 'levels-programme' },
        programmes.map((p) => el('option', { value: p.ref, selected: p.id === programme.id }, p.name)));
      select.addEventListener('change', () => ctx.go(query('/indicators/levels', { programme: select.value })));
      fill(pick, programmes.length > 1
        ? el('div', { className: 'field' }, el('label', { for: 'levels-programme' }, t('programme')), select)
        : el('p', {}, programme.name));
      render(programme, targets, mine, forms);
      if (!editor.firstChild) showEditor(programme, mine, forms, null);
    } catch (err) {
      if (isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
}

registerPage({ path: '/indicators/levels', navParent: '/indicators', role: 'viewer', mount });

addStrings({
  'zh-HK': {
    levels_title: '協議水平',
    levels_about: '計劃與資助機構協議的服務水平。指標頁會以實際數字對照這些水平計算達標率。',
    levels_count: '共 {n} 項。',
    levels_none: '未有協議水平。',
    levels_no_programme: '未有計劃。',
    scope_programme: '整個計劃',
    scope_kind: '所有{kind}小組',
    col_indicator: '指標',
    col_actions: '操作',
    change: '更改',
    remove: '移除',
    remove_confirm: '確定移除？',
    level_set_title: '設定協議水平',
    level_change_title: '更改協議水平',
    level_hint: '人數、人次或節數填數字；百分比（例如持續參與率）填 70 即 70%。',
    level_saved: '已儲存。',
    level_unchanged: '水平沒有改變。',
    err_level: '請輸入大於 0 的數字。',
    kind_counselling: '輔導',
    kind_family: '家庭關係',
    kind_parent_child: '親子',
    kind_education: '教育',
    kind_peer_support: '朋輩支援',
    kind_other: '其他',
    edit_levels: '協議水平',
  },
  en: {
    levels_title: 'Agreed levels',
    levels_about: 'The levels of service the programme agreed with its funder. The indicators page shows each figure against them as an achievement percentage.',
    levels_count: '{n} levels.',
    levels_none: 'No agreed levels yet.',
    levels_no_programme: 'There is no programme yet.',
    scope_programme: 'Whole programme',
    scope_kind: 'All {kind} groups',
    col_indicator: 'Indicator',
    col_actions: 'Actions',
    change: 'Change',
    remove: 'Remove',
    remove_confirm: 'Remove it?',
    level_set_title: 'Set an agreed level',
    level_change_title: 'Change an agreed level',
    level_hint: 'A number of people, attendances or sessions; for a share (such as retention) 70 means 70%.',
    level_saved: 'Saved.',
    level_unchanged: 'The level is unchanged.',
    err_level: 'Enter a number above 0.',
    kind_counselling: 'counselling',
    kind_family: 'family',
    kind_parent_child: 'parent-child',
    kind_education: 'education',
    kind_peer_support: 'peer support',
    kind_other: 'other',
    edit_levels: 'Agreed levels',
  },
});
