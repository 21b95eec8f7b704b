// One participant: enrol someone new, edit her, her page (details, groups,
// attendance), and her QR card: a printable page whose QR carries only her
// card token, and a reissue for a lost card (the old one stops at once).
// From her page a worker takes her out of a group (membership.js) and
// archives her, in two steps: her card stops at once and she leaves every
// roster, nothing is deleted, and restoring her brings it all back.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, list, patch, post, query } from '../api.js';
import { el, fill, hkDay, hkTime, hkToday } from '../dom.js';
import { OPEN, appointmentCard } from '../appointment-card.js';
import { messageItem } from '../message-item.js';
import { form } from '../forms.js';
import { hasLeft, leaveControl, membershipFacts, rejoinButton } from '../membership.js';
import '../widgets.js'; // the words pages share
import { addStrings, collator, dateTime, shortDate, t, tCode } from '../i18n.js';

const CHANNELS = ['sms', 'whatsapp', 'none'];
const LANGS = ['zh-HK', 'en'];
const CONSENT_WAYS = ['written', 'verbal', 'online', 'other'];

function participantFields() {
  return [
    { name: 'alias', label: 'f_alias', required: true, max: 40, hint: 'h_alias' },
    { name: 'ref', label: 'f_ref', max: 64, hint: 'h_ref' },
    { name: 'phone', label: 'f_phone', type: 'tel', hint: 'h_phone', autocomplete: 'off' },
    {
      name: 'channel', label: 'f_channel', type: 'select', required: true,
      options: CHANNELS.map((c) => ({ value: c, label: 'channel_' + c })),
      validate: (v, vals) => (v !== 'none' && !vals.phone ? 'err_channel_phone' : null),
    },
    { name: 'lang', label: 'f_lang', type: 'select', required: true, options: LANGS.map((l) => ({ value: l, label: 'lang_' + l })) },
    { name: 'consent', label: 'f_consent', type: 'checkbox', hint: 'h_consent', wide: true },
    { name: 'consent_on', label: 'f_consent_on', type: 'date', required: true, show: (v) => v.consent },
    {
      name: 'consent_how', label: 'f_consent_how', type: 'select', required: true, show: (v) => v.consent,
      options: CONSENT_WAYS.map((w) => ({ value: w, label: 'consent_' + w })),
    },
    { name: 'note', label: 'f_note', type: 'textarea', max: 2000, hint: 'h_note', wide: true },
  ];
}

/* ------------------------------------------------------------ enrol, edit */

function mountNew(view, params, ctx) {
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const f = form({
    key: 'participant-new',
    fields: participantFields(),
    initial: { channel: 'sms', lang: 'zh-HK', consent: false, consent_on: today, consent_how: 'written' },
    submit: 'enrol_button',
    onSubmit: async (values) => {
      const body = {};
      for (const [k, v] of Object.entries(values)) if (v !== null && v !== '') body[k] = v;
      if (!body.phone && body.channel !== 'none') body.channel = 'none';
      const made = await post('/api/v1/participants', body);
      ctx.go('/participants/' + made.id + '?new=1');
    },
  });
  view.append(
    el('p', { className: 'crumbs' }, el('a', { href: href('/participants') }, '‹ ' + t('nav_participants'))),
    el('section', { className: 'panel' }, el('h1', {}, t('enrol_title')), f.node));
  queueMicrotask(() => f.input('alias').focus());
}

function mountEdit(view, params, ctx) {
  const id = Number(params.id);
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const panel = el('section', { className: 'panel' }, el('h1', {}, t('edit_title')), status);
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href('/participants/' + id) }, '‹ ' + t('back'))), panel);
  get('/api/v1/participants/' + id).then((p) => {
    if (!ctx.alive()) return;
    status.remove();
    const f = form({
      key: 'participant-edit-' + id,
      fields: participantFields(),
      initial: p,
      onSubmit: async (values) => {
        await patch('/api/v1/participants/' + id, values);
        ctx.go('/participants/' + id);
      },
    });
    panel.append(f.node);
  }).catch((err) => {
    if (!isQuiet(err)) status.textContent = t('load_failed', { msg: errorText(err) });
  });
}

/* --------------------------------------------------------------- her page */

function fact(label, value, testid) {
  return [el('dt', {}, t(label)), el('dd', { dataset: testid ? { testid } : undefined }, value ?? t('none'))];
}

function mountPage(view, params, ctx) {
  const id = Number(params.id);
  const fresh = ctx.query.get('new') === '1';
  const body = el('div', { className: 'stack' }, el('p', { className: 'section-status' }, t('loading')));
  view.append(el('p', { className: 'crumbs' }, el('a', { href: href('/participants') }, '‹ ' + t('nav_participants'))), body);
  const notice = el('div', { className: 'notice-slot', 'aria-live': 'polite' });

  async function load() {
    let p;
    let enrolments;
    let attendance;
    let appointments;
    let messages;
    try {
      [p, enrolments, attendance, appointments, messages] = await Promise.all([
        get('/api/v1/participants/' + id),
        list(query('/api/v1/enrolments', { participant_id: id })),
        get('/api/v1/participants/' + id + '/attendance').catch(() => null),
        // Workers' and admins' only: a viewer's page goes without.
        ctx.can('worker') ? list(query('/api/v1/appointments', { participant_id: id })) : null,
        ctx.can('worker') ? get('/api/v1/participants/' + id + '/messages?limit=20') : null,
      ]);
    } catch (err) {
      if (isQuiet(err) || !ctx.alive()) return;
      fill(body, el('p', { className: 'notice notice-error' }, t('load_failed', { msg: errorText(err) })));
      return;
    }
    if (!ctx.alive()) return;
    fill(body, detailsPanel(p), groupsPanel(p, enrolments),
      appointments ? appointmentsPanel(p, appointments) : null,
      messages ? messagesPanel(messages.items || []) : null,
      attendance ? attendancePanel(attendance) : null);
  }

  function detailsPanel(p) {
    const worker = ctx.can('worker');
    const consent = p.consent
      ? t('consent_yes', { on: p.consent_on ? shortDate(p.consent_on) : '?', how: p.consent_how ? t('consent_' + p.consent_how) : '?' })
      : t('consent_no');
    const actions = worker && !p.archived_at ? el('div', { className: 'toolbar' },
      el('a', { className: 'btn btn-primary', href: href('/participants/' + p.id + '/card') }, t('print_card')),
      el('a', { className: 'btn btn-secondary', href: href('/participants/' + p.id + '/edit') }, t('edit')),
      reissueButton(p), archiveButton(p)) : null;
    return el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', { dataset: { testid: 'alias' } }, p.alias), el('span', { className: 'ref' }, p.ref || ''),
        p.archived_at ? el('span', { className: 'badge badge-cancelled' }, t('archived_badge')) : null),
      fresh ? el('p', { className: 'notice notice-ok' }, t('enrolled_ok', { alias: p.alias })) : null,
      p.archived_at ? el('div', { className: 'notice notice-warn', dataset: { testid: 'archived' } },
        el('p', {}, t('archived_on', { d: dateTime(p.archived_at) })),
        worker ? restoreButton(p) : null) : null,
      notice,
      el('dl', { className: 'facts' },
        'phone' in p ? fact('f_phone', p.phone || t('no_phone'), 'phone') : null,
        fact('f_channel', tCode('channel_', p.channel)),
        fact('f_lang', tCode('lang_', p.lang)),
        fact('f_consent', consent, 'consent'),
        p.card_issued_at ? fact('card_issued', dateTime(p.card_issued_at)) : null,
        'note' in p && p.note ? fact('f_note', p.note) : null),
      actions);
  }

  // Two steps: the first press says what will happen, the second does it.
  function reissueButton(p) {
    const button = el('button', { type: 'button', className: 'btn btn-secondary' }, t('reissue_card'));
    let armed = false;
    button.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        button.className = 'btn btn-danger';
        button.textContent = t('reissue_confirm');
        fill(notice, el('p', { className: 'notice notice-warn' }, t('reissue_warning')));
        return;
      }
      button.disabled = true;
      try {
        await post('/api/v1/participants/' + p.id + '/card');
        ctx.go('/participants/' + p.id + '/card?reissued=1');
      } catch (err) {
        button.disabled = false;
        if (!isQuiet(err)) fill(notice, el('p', { className: 'notice notice-error', role: 'alert' }, errorText(err)));
      }
    });
    return button;
  }

  // Two steps, like the reissue: the first press says what archiving does,
  // the second does it (or Cancel leaves her as she is).
  function archiveButton(p) {
    const button = el('button', { type: 'button', className: 'btn btn-secondary danger-text', dataset: { action: 'archive' } }, t('archive_button'));
    const cancel = el('button', { type: 'button', className: 'btn btn-secondary', hidden: true, dataset: { action: 'archive-cancel' } }, t('cancel'));
    let armed = false;
    cancel.addEventListener('click', () => {
      armed = false;
      cancel.hidden = true;
      button.className = 'btn btn-secondary danger-text';
      button.textContent = t('archive_button');
      fill(notice);
      button.focus();
    });
    button.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        cancel.hidden = false;
        button.className = 'btn btn-danger';
        button.textContent = t('archive_confirm');
        fill(notice, el('p', { className: 'notice notice-warn', role: 'alert' }, t('archive_warning', { alias: p.alias })));
        return;
      }
      button.disabled = true;
      try {
        await post('/api/v1/participants/' + p.id + '/archive');
        fill(notice);
        await load();
      } catch (err) {
        button.disabled = false;
        if (!isQuiet(err)) fill(notice, el('p', { className: 'notice notice-error', role: 'alert' }, errorText(err)));
      }
    });
    return [button, cancel];
  }

  function restoreButton(p) {
    const button = el('button', { type: 'button', className: 'btn btn-primary', dataset: { action: 'restore' } }, t('restore_button'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await post('/api/v1/participants/' + p.id + '/restore');
        await load();
        fill(notice, el('p', { className: 'notice notice-ok', role: 'status' }, t('restored_ok', { alias: p.alias })));
      } catch (err) {
        button.disabled = false;
        if (!isQuiet(err)) fill(notice, el('p', { className: 'notice notice-error', role: 'alert' }, errorText(err)));
      }
    });
    return button;
  }

  // Her groups today (each with Leave group), then those she has left
  // (with Take her back).
  function groupsPanel(p, enrolments) {
    const today = hkToday();
    const worker = ctx.can('worker') && !p.archived_at;
    const status = el('p', { className: 'section-status', role: 'status' });
    enrolments.sort((a, b) => collator().compare(a.group_name || '', b.group_name || ''));
    const row = (e, action) => el('li', { className: 'result-row', dataset: { group: e.group_id } },
      el('div', { className: 'result-info' },
        el('a', { className: 'group-name', href: href('/groups/' + e.group_id) }, e.group_name),
        el('span', { className: 'result-facts' }, membershipFacts(e, today))),
      action);
    const current = enrolments.filter((e) => !hasLeft(e, today))
      .map((e) => row(e, worker ? leaveControl(e, e.group_name, load) : null));
    const left = enrolments.filter((e) => hasLeft(e, today))
      .map((e) => row(e, worker ? rejoinButton(e, e.group_name, load, (err) => { if (!isQuiet(err)) status.textContent = errorText(err); }) : null));
    return el('section', { className: 'panel', dataset: { testid: 'her-groups' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('her_groups'))),
      status,
      current.length ? el('ul', { className: 'plain-list', dataset: { testid: 'groups-current' } }, current) : el('p', { className: 'muted' }, t('no_groups')),
      left.length ? el('div', { dataset: { testid: 'groups-left' } },
        el('h3', { className: 'section-sub former-head' }, t('groups_left')),
        el('ul', { className: 'plain-list' }, left)) : null,
      worker ? enrolForm(p, enrolments) : null);
  }

  function enrolForm(p, enrolments) {
    const holder = el('div', { className: 'enrol-in' });
    list('/api/v1/groups').then((groups) => {
      if (!ctx.alive()) return;
      const taken = new Set(enrolments.map((e) => e.group_id));
      const free = groups.filter((g) => !taken.has(g.id)).sort((a, b) => collator().compare(a.name, b.name));
      if (!free.length) return;
      const f = form({
        key: 'enrol-' + p.id,
        className: 'form-inline',
        fields: [{ name: 'group_id', label: 'enrol_in', type: 'select', required: true, options: free.map((g) => ({ value: String(g.id), text: g.name })) }],
        submit: 'enrol_in_button',
        onSubmit: async (v) => {
          await post('/api/v1/enrolments', { group_id: Number(v.group_id), participant_id: p.id });
          load();
        },
      });
      holder.append(f.node);
    }).catch(() => {});
    return holder;
  }

  // Her appointments: those to come first (soonest first), then the last
  // few that are over.
  function appointmentsPanel(p, items) {
    const now = Date.now();
    const coming = items.filter((a) => OPEN.includes(a.status) && Date.parse(a.starts_at) >= now - 3600 * 1000)
      .sort((x, y) => Date.parse(x.starts_at) - Date.parse(y.starts_at));
    const past = items.filter((a) => !coming.includes(a))
      .sort((x, y) => Date.parse(y.starts_at) - Date.parse(x.starts_at)).slice(0, 5);
    const row = (a) => el('li', { className: 'her-appt' },
      el('a', { className: 'her-appt-when', href: href(query('/appointments', { week: hkDay(a.starts_at), worker: '' })) },
        shortDate(a.starts_at)), appointmentCard(a, () => null, true));
    const book = p.ref ? p.alias + ' (' + p.ref + ')' : p.alias;
    return el('section', { className: 'panel', dataset: { testid: 'her-appointments' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('her_appointments')),
        p.archived_at ? null : el('a', { className: 'btn btn-secondary head-action', href: href(query('/appointments', { book })) }, t('book_for_her'))),
      coming.length ? el('ul', { className: 'plain-list her-appts' }, coming.map(row)) : el('p', { className: 'muted' }, t('no_appointments')),
      past.length ? [el('h3', { className: 'section-sub' }, t('past_appointments')), el('ul', { className: 'plain-list her-appts' }, past.map(row))] : null);
  }

  // The texts sent to her and from her, newest first, each with its history.
  function messagesPanel(items) {
    return el('section', { className: 'panel', dataset: { testid: 'her-messages' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('her_messages'))),
      items.length ? el('div', { className: 'msg-list' }, items.map((m) => messageItem(m, { withWho: false })))
        : el('p', { className: 'muted' }, t('no_messages')));
  }

  function attendancePanel(data) {
    const items = data.items || [];
    return el('section', { className: 'panel', dataset: { testid: 'her-attendance' } },
      el('div', { className: 'section-head' }, el('h2', {}, t('her_attendance')),
        el('span', { className: 'section-sub' }, t('attended_n', { n: items.filter((a) => !a.undone_at).length }))),
      items.length === 0 ? el('p', { className: 'muted' }, t('no_attendance'))
          : el('ul', { className: 'plain-list' }, items.map((a) => el('li', { className: 'result-row' + (a.undone_at ? ' is-undone' : '') },
            el('div', { className: 'result-info' },
              el('a', { href: href('/sessions/' + a.session_id) }, a.title || a.group_name),
              el('span', { className: 'result-facts' },
                [shortDate(a.starts_at) + ' ' + hkTime(a.starts_at), a.group_name, tCode('method_', a.method),
                  a.walk_in ? t('walk_in') : null, a.undone_at ? t('undone_because', { why: a.undo_reason || '' }) : null]
                  .filter(Boolean).join(' · ')))))));
  }

  load();
  ctx.onResume(load);
}

/* ------------------------------------------------------------- the card */

function mountCard(view, params, ctx) {
  const id = Number(params.id);
  const reissued = ctx.query.get('reissued') === '1';
  view.classList.add('print-view');
  const img = el('img', { className: 'card-image', src: '/api/v1/participants/' + id + '/card.svg?v=' + Date.now(), alt: t('card_alt'), dataset: { testid: 'card' } });
  view.append(
    el('div', { className: 'no-print' },
      el('p', { className: 'crumbs' }, el('a', { href: href('/participants/' + id) }, '‹ ' + t('back'))),
      el('h1', {}, t('card_title')),
      reissued ? el('p', { className: 'notice notice-ok' }, t('reissued_ok')) : null,
      el('p', {}, t('card_help')),
      el('div', { className: 'toolbar' },
        el('button', { type: 'button', className: 'btn btn-primary', onClick: () => window.print() }, t('print')))),
    el('div', { className: 'card-sheet' }, img));
}

registerPage({ path: '/participants/new', navParent: '/participants', role: 'worker', mount: mountNew });
registerPage({ path: '/participants/:id/edit', navParent: '/participants', role: 'worker', mount: mountEdit });
registerPage({ path: '/participants/:id/card', navParent: '/participants', role: 'worker', mount: mountCard });
registerPage({ path: '/participants/:id', navParent: '/participants', role: 'viewer', mount: mountPage });

addStrings({
  'zh-HK': {
    enrol_title: '登記新參加者',
    enrol_button: '登記',
    edit_title: '修改參加者資料',
    edit: '修改資料',
    f_alias: '稱呼',
    h_alias: '她希望被稱呼的名字，不必是真實姓名。會印在卡上。',
    f_phone: '電話',
    h_phone: '香港號碼 8 位數字，或以 + 開頭的海外號碼。',
    f_channel: '訊息方式',
    channel_sms: '短訊',
    channel_whatsapp: 'WhatsApp',
    channel_none: '不發訊息',
    err_channel_phone: '要發訊息，請先填寫電話；或選「不發訊息」。',
    f_lang: '語言',
    'lang_zh-HK': '中文',
    lang_en: '英文',
    f_consent: '同意接收提示訊息',
    h_consent: '只在她同意後才剔選，並記下日期及方式。',
    f_consent_on: '同意日期',
    f_consent_how: '同意方式',
    consent_written: '書面',
    consent_verbal: '口頭',
    consent_online: '網上',
    consent_other: '其他',
    consent_yes: '已同意（{on}，{how}）',
    consent_no: '未同意',
    f_note: '備註',
    h_note: '只有職員看到。',
    enrolled_ok: '已登記 {alias}。可以列印她的卡。',
    print_card: '列印參加者卡',
    reissue_card: '補發新卡',
    reissue_confirm: '確認補發',
    reissue_warning: '補發後舊卡會即時失效。再按一次確認。',
    card_issued: '卡發出日期',
    her_groups: '小組',
    no_groups: '未有參加任何小組。',
    enrol_in: '加入小組',
    her_attendance: '出席紀錄',
    her_appointments: '約會',
    her_messages: '訊息',
    no_messages: '未有訊息。',
    book_for_her: '為她預約',
    no_appointments: '沒有將到的約會。',
    past_appointments: '過去的約會',
    attended_n: '共 {n} 次',
    no_attendance: '未有出席紀錄。',
    undone_because: '已取消：{why}',
    card_title: '參加者卡',
    card_help: '卡上只有二維碼和稱呼。列印後剪下，交給參加者。',
    card_alt: '參加者卡，印有二維碼',
    print: '列印',
    reissued_ok: '已補發新卡，舊卡已即時失效。',
    groups_left: '已退出的小組',
    archive_button: '封存',
    archive_confirm: '確認封存',
    archive_warning: '封存後，{alias} 的卡會即時停用，她不會再出現在小組名單、簽到機和提示訊息中，也不能再修改她的資料。所有紀錄都會保留，日後可以恢復。再按「確認封存」。',
    archived_on: '已於 {d} 封存：她的卡已停用，也不在任何名單上。恢復後一切如前。',
    restore_button: '恢復',
    restored_ok: '已恢復 {alias}：她的卡可以再用。',
  },
  en: {
    enrol_title: 'Enrol someone new',
    enrol_button: 'Enrol',
    edit_title: 'Edit participant',
    edit: 'Edit',
    f_alias: 'Alias',
    h_alias: 'The name she wants to be called; need not be her legal name. Printed on her card.',
    f_phone: 'Phone',
    h_phone: '8 digits for Hong Kong, or an overseas number starting with +.',
    f_channel: 'Messages by',
    channel_sms: 'SMS',
    channel_whatsapp: 'WhatsApp',
    channel_none: 'No messages',
    err_channel_phone: 'Messages need a phone number; or choose “No messages”.',
    f_lang: 'Language',
    'lang_zh-HK': 'Chinese',
    lang_en: 'English',
    f_consent: 'Agrees to receive reminders',
    h_consent: 'Tick only once she has agreed, and record when and how.',
    f_consent_on: 'Agreed on',
    f_consent_how: 'Agreed how',
    consent_written: 'in writing',
    consent_verbal: 'verbally',
    consent_online: 'online',
    consent_other: 'other',
    consent_yes: 'Agreed ({on}, {how})',
    consent_no: 'Not agreed',
    f_note: 'Note',
    h_note: 'Seen by staff only.',
    enrolled_ok: '{alias} is enrolled. You can print her card now.',
    print_card: 'Print her card',
    reissue_card: 'Reissue a lost card',
    reissue_confirm: 'Confirm reissue',
    reissue_warning: 'The old card stops working at once. Press again to confirm.',
    card_issued: 'Card issued',
    her_groups: 'Groups',
    no_groups: 'Not in any group.',
    enrol_in: 'Enrol in a group',
    her_attendance: 'Attendance',
    her_appointments: 'Appointments',
    her_messages: 'Messages',
    no_messages: 'No messages yet.',
    book_for_her: 'Book for her',
    no_appointments: 'Nothing booked ahead.',
    past_appointments: 'Past appointments',
    attended_n: '{n} in all',
    no_attendance: 'No attendance yet.',
    undone_because: 'undone: {why}',
    card_title: 'Participant card',
    card_help: 'The card carries only a QR code and her alias. Print, cut out and hand it to her.',
    card_alt: 'Participant card with a QR code',
    print: 'Print',
    reissued_ok: 'A new card is issued; the old one has stopped working.',
    groups_left: 'Groups she has left',
    archive_button: 'Archive',
    archive_confirm: 'Confirm archive',
    archive_warning: "Once archived, {alias}'s card stops working at once, she is off every group roster, the kiosk and the reminders, and her details cannot be changed. Nothing is deleted: she can be restored later. Press “Confirm archive”.",
    archived_on: 'Archived on {d}: her card is stopped and she is on no roster. Restoring her brings everything back.',
    restore_button: 'Restore',
    restored_ok: '{alias} is restored: her card works again.',
  },
});
