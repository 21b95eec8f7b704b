// The audit log (admins): every change and export, newest first, who did it,
// to what; filtered by kind of record and its id; fifty at a time with a
// button for older ones. The log keeps field names, never values.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, query } from '../api.js';
import { el, fill } from '../dom.js';
import { form } from '../forms.js';
import '../widgets.js'; // the words pages share
import { addStrings, dateTime, t, tCode } from '../i18n.js';

const PAGE = 50;
const ENTITIES = ['participant', 'group', 'session', 'enrolment', 'attendance', 'programme', 'staff_user', 'device', 'response', 'message'];

// Where a record of the log leads in the console, when it has a page.
function recordLink(entity, id) {
  const base = { participant: '/participants/', group: '/groups/', session: '/sessions/' }[entity];
  return base && id ? el('a', { href: href(base + id) }, '#' + id) : id ? '#' + id : '';
}

function detailText(detail) {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail).map(([k, v]) => k + ': ' + (Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v ? JSON.stringify(v) : String(v))).join('; ');
}

function mount(view, params, ctx) {
  const tbody = el('tbody', {});
  const status = el('p', { className: 'section-status', role: 'status' });
  const more = el('button', { type: 'button', className: 'btn btn-secondary', hidden: true }, t('older'));
  let filter = { entity: ctx.query.get('entity') || '', entity_id: ctx.query.get('entity_id') || '' };
  let next = null;

  const f = form({
    key: 'audit-filter',
    className: 'form-row',
    fields: [
      { name: 'entity', label: 'f_entity', type: 'select', options: ENTITIES.map((e) => ({ value: e, label: 'entity_' + e })) },
      { name: 'entity_id', label: 'f_entity_id', type: 'number', min: 1, max: 999999999 },
    ],
    initial: filter,
    submit: 'filter',
    onSubmit: async (v) => {
      filter = { entity: v.entity || '', entity_id: v.entity_id || '' };
      fill(tbody);
      next = null;
      await load();
    },
  });

  view.append(el('section', { className: 'panel' },
    el('div', { className: 'section-head' }, el('h1', {}, t('audit_title'))),
    f.node, status,
    el('div', { className: 'table-wrap' }, el('table', { className: 'table', dataset: { testid: 'audit' } },
      el('thead', {}, el('tr', {}, ['audit_at', 'audit_actor', 'audit_action', 'audit_record', 'audit_detail'].map((k) => el('th', { scope: 'col' }, t(k))))),
      tbody)),
    more));

  async function load() {
    status.textContent = t('loading');
    try {
      const data = await get(query('/api/v1/audit', { ...filter, limit: PAGE, after: next }));
      if (!ctx.alive()) return;
      const items = data.items || [];
      tbody.append(...items.map((a) => el('tr', {},
        el('td', { className: 'nowrap' }, dateTime(a.at)),
        el('td', {}, a.actor || ''),
        el('td', {}, tCode('action_', a.action)),
        el('td', {}, tCode('entity_', a.entity), ' ', recordLink(a.entity, a.entity_id)),
        el('td', { className: 'detail' }, detailText(a.detail)))));
      next = data.next ?? null;
      more.hidden = next === null;
      status.textContent = tbody.children.length ? '' : t('audit_empty');
    } catch (err) {
      if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  more.addEventListener('click', load);
  load();
}

registerPage({ path: '/audit', nav: { label: 'nav_audit', order: 90 }, role: 'admin', mount });

addStrings({
  'zh-HK': {
    nav_audit: '操作紀錄',
    audit_title: '操作紀錄',
    audit_empty: '沒有紀錄。',
    f_entity: '資料類別',
    f_entity_id: '編號',
    filter: '篩選',
    older: '較早的紀錄',
    audit_at: '時間',
    audit_actor: '由誰',
    audit_action: '做了甚麼',
    audit_record: '哪項資料',
    audit_detail: '詳情',
    entity_participant: '參加者',
    entity_group: '小組',
    entity_session: '活動',
    entity_enrolment: '組員登記',
    entity_attendance: '出席',
    entity_programme: '計劃',
    entity_staff_user: '職員',
    entity_device: '簽到機',
    entity_response: '意見表',
    entity_message: '訊息',
    action_create: '新增',
    action_update: '修改',
    action_archive: '封存',
    action_restore: '恢復',
    action_login: '登入',
    action_logout: '登出',
    action_checkin: '簽到',
    action_undo_checkin: '取消簽到',
    action_reissue_card: '補發卡',
    action_export_card: '列印卡',
    action_export_cards: '列印小組卡',
    action_export_responses: '匯出意見表',
    action_export_indicators: '匯出指標',
    action_plan_term: '編排一期活動',
    action_import: '匯入',
    action_pair: '配對',
    action_pairing_code: '發出配對碼',
    action_password_change: '更改密碼',
    action_phone_code: '發出手機驗證碼',
    action_remember_phone: '記住手機',
    action_forget_phone: '忘記手機',
    action_opt_out: '停收訊息',
  },
  en: {
    nav_audit: 'Audit log',
    audit_title: 'Audit log',
    audit_empty: 'Nothing logged.',
    f_entity: 'Kind of record',
    f_entity_id: 'Its number',
    filter: 'Filter',
    older: 'Older entries',
    audit_at: 'When',
    audit_actor: 'Who',
    audit_action: 'What',
    audit_record: 'Record',
    audit_detail: 'Detail',
    entity_participant: 'participant',
    entity_group: 'group',
    entity_session: 'session',
    entity_enrolment: 'enrolment',
    entity_attendance: 'attendance',
    entity_programme: 'programme',
    entity_staff_user: 'staff user',
    entity_device: 'kiosk',
    entity_response: 'form',
    entity_message: 'message',
    action_create: 'created',
    action_update: 'changed',
    action_archive: 'archived',
    action_restore: 'restored',
    action_login: 'signed in',
    action_logout: 'signed out',
    action_checkin: 'signed in a participant',
    action_undo_checkin: 'undid a sign-in',
    action_reissue_card: 'reissued a card',
    action_export_card: 'printed a card',
    action_export_cards: 'printed a card sheet',
    action_export_responses: 'exported forms',
    action_export_indicators: 'exported indicators',
    action_plan_term: 'planned a term',
    action_import: 'imported',
    action_pair: 'paired',
    action_pairing_code: 'made a pairing code',
    action_password_change: 'changed a password',
    action_phone_code: 'sent a phone code',
    action_remember_phone: 'remembered a phone',
    action_forget_phone: 'forgot a phone',
    action_opt_out: 'opted out of messages',
  },
});
