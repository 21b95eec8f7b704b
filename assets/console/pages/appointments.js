// Appointments: a worker's week (Monday to Sunday, Hong Kong time) with each
// appointment's reminders and what became of them, the change requests to
// act on, and booking, moving, cancelling and closing an appointment
// (/api/v1/appointments). The week and the worker live in the address
// (#/appointments?week=2026-11-23&worker=3). What the reminders say is
// discreet by design (see assets/templates/); the page shows the kind and
// the private note only to staff.

import { registerPage } from '../shell.js';
import { errorText, get, isQuiet, list, patch, post, query } from '../api.js';
import { addDays, el, fill, hkDay, hkIso, hkTime, hkToday, weekday } from '../dom.js';
import { OPEN, appointmentCard } from '../appointment-card.js';
import { form } from '../forms.js';
import { addStrings, collator, dateTime, longDate, shortDate, t } from '../i18n.js';

const KINDS = ['home_visit', 'clinic_escort', 'antenatal', 'mchc', 'group_session', 'other'];

// The Monday of the week that holds day (YYYY-MM-DD).
function mondayOf(day) {
  return addDays(day, -((weekday(day) + 6) % 7));
}

function mount(view, params, ctx) {
  const me = ctx.user;
  const state = {
    week: mondayOf(ctx.query.get('week') || hkToday()),
    worker: ctx.query.get('worker') ?? String(me.id),
  };
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const requests = el('section', { className: 'panel', 'aria-labelledby': 'appt-requests' });
  const week = el('div', { className: 'week' });
  const editor = el('section', { className: 'panel', 'aria-labelledby': 'appt-editor', hidden: true });
  const nav = el('div', { className: 'toolbar week-nav' });
  view.append(requests,
    el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', {}, t('appointments_title')),
        el('button', { type: 'button', className: 'btn btn-primary head-action', onClick: () => openEditor(null) }, t('book'))),
      nav, status, week),
    editor);

  let workers = new Map([[String(me.id), me.display_name || me.username]]);

  function go(next) {
    ctx.go(query('/appointments', { week: next.week, worker: next.worker }));
  }

  function actions(a) {
    if (!OPEN.includes(a.status)) return null;
    const set = (fields) => async () => {
      try {
        await patch('/api/v1/appointments/' + a.id, fields);
        load();
      } catch (err) {
        if (!isQuiet(err)) status.textContent = errorText(err);
      }
    };
    const past = Date.parse(a.starts_at) < Date.now();
    return el('div', { className: 'appt-actions' },
      el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => openEditor(a) }, t('move')),
      past
        ? [el('button', { type: 'button', className: 'btn btn-secondary', onClick: set({ status: 'attended' }) }, t('mark_attended')),
          el('button', { type: 'button', className: 'btn btn-secondary', onClick: set({ status: 'missed' }) }, t('mark_missed'))]
        : a.status === 'change_requested'
          ? el('button', { type: 'button', className: 'btn btn-secondary', onClick: set({ status: 'scheduled' }) }, t('keep_time'))
          : null,
      cancelButton(a, set({ status: 'cancelled' })));
  }

  function cancelButton(a, doCancel) {
    const b = el('button', { type: 'button', className: 'btn btn-secondary' }, t('cancel_appt'));
    b.addEventListener('click', () => {
      if (b.dataset.armed) return doCancel();
      b.dataset.armed = '1';
      b.className = 'btn btn-danger';
      b.textContent = t('cancel_confirm');
      return null;
    });
    return b;
  }

  // Book (a null) or move (a): the form under the week; who, when booking
  // from her page.
  function openEditor(a, who = '') {
    const participants = el('datalist', { id: 'appt-people' });
    const fields = [];
    if (!a) {
      fields.push({ name: 'participant', label: 'f_participant', required: true, hint: 'participant_hint', attrs: { list: 'appt-people', autocomplete: 'off' } });
      fields.push({ name: 'kind', label: 'f_kind', type: 'select', required: true, options: KINDS.map((k) => ({ value: k, label: 'kind_appt_' + k })) });
    }
    fields.push({ name: 'date', label: 'f_date', type: 'date', required: true });
    fields.push({ name: 'time', label: 'f_time', type: 'time', required: true });
    fields.push({ name: 'place', label: 'f_place', max: 60, hint: 'place_hint' });
    if (!a) fields.push({ name: 'note', label: 'f_note', type: 'textarea', max: 2000, hint: 'note_hint', wide: true });
    const f = form({
      key: a ? 'appt-move-' + a.id : 'appt-new',
      fields,
      initial: a ? { date: hkDay(a.starts_at), time: hkTime(a.starts_at), place: a.place }
        : { participant: who || null, date: state.week < hkToday() ? hkToday() : state.week },
      submit: a ? 'move' : 'book',
      onSubmit: async (v) => {
        const body = { starts_at: hkIso(v.date, v.time), place: v.place };
        if (a) {
          // Moving a change request puts it back as scheduled: she is reminded of the new time.
          if (a.status === 'change_requested') body.status = 'scheduled';
          await patch('/api/v1/appointments/' + a.id, body);
        } else {
          const who = await findParticipant(v.participant);
          if (!who) {
            f.showError('participant', t('err_no_such_participant'));
            throw new Error(t('err_form'));
          }
          Object.assign(body, { participant_id: who.id, kind: v.kind, note: v.note });
          await post('/api/v1/appointments', body);
        }
        editor.hidden = true;
        go({ week: mondayOf(v.date), worker: state.worker });
        load();
        return '';
      },
    });
    const input = f.input('participant');
    if (input) {
      let timer = 0;
      input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          const q = input.value.trim();
          if (q.length < 1) return;
          try {
            const data = await get(query('/api/v1/participants', { q, limit: 10 }));
            fill(participants, (data.items || []).map((p) => el('option', { value: p.ref ? p.alias + ' (' + p.ref + ')' : p.alias })));
          } catch (_) { /* the field still takes what is typed */ }
        }, 250);
      });
    }
    fill(editor,
      el('h2', { id: 'appt-editor', className: 'section-sub' }, a ? t('move_title', { who: a.alias || '' }) : t('book_title')),
      participants, f.node,
      el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => { editor.hidden = true; } }, t('cancel')));
    editor.hidden = false;
    editor.scrollIntoView({ block: 'nearest' });
    (f.input(a ? 'date' : 'participant') || f.node).focus();
  }

  // "Amy (DEMO-01)", "DEMO-01" or "Amy" -> the one participant it names.
  async function findParticipant(text) {
    const m = /\(([^()]+)\)\s*$/.exec(text);
    const ref = m ? m[1] : text;
    const byRef = await get(query('/api/v1/participants', { ref, limit: 2 }));
    if ((byRef.items || []).length === 1) return byRef.items[0];
    const byName = await get(query('/api/v1/participants', { q: text, limit: 2 }));
    return (byName.items || []).length === 1 ? byName.items[0] : null;
  }

  function renderNav() {
    const select = el('select', { id: 'appt-worker', 'aria-label': t('f_worker') },
      el('option', { value: '', selected: state.worker === '' }, t('all_workers')),
      [...workers].sort((x, y) => collator().compare(x[1], y[1]))
        .map(([id, name]) => el('option', { value: id, selected: id === state.worker }, name + (id === String(me.id) ? ' ' + t('me') : ''))));
    select.addEventListener('change', () => go({ week: state.week, worker: select.value }));
    fill(nav,
      el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => go({ week: addDays(state.week, -7), worker: state.worker }) }, '‹ ' + t('prev_week')),
      el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => go({ week: mondayOf(hkToday()), worker: state.worker }) }, t('this_week')),
      el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => go({ week: addDays(state.week, 7), worker: state.worker }) }, t('next_week') + ' ›'),
      el('div', { className: 'week-worker' }, el('label', { for: 'appt-worker' }, t('f_worker')), select));
  }

  function renderWeek(items) {
    const days = [...Array(7).keys()].map((i) => addDays(state.week, i));
    const today = hkToday();
    fill(week, days.map((day) => {
      const mine = items.filter((a) => hkDay(a.starts_at) === day).sort((x, y) => Date.parse(x.starts_at) - Date.parse(y.starts_at));
      return el('section', { className: 'day' + (day === today ? ' is-today' : ''), dataset: { day } },
        el('h3', { className: 'day-head' }, shortDate(day)),
        mine.length ? mine.map((a) => appointmentCard(a, actions, state.worker === '')) : el('p', { className: 'muted day-empty' }, t('day_free')));
    }));
  }

  function renderRequests(items) {
    fill(requests,
      el('h2', { id: 'appt-requests', className: 'section-sub' }, t('requests_title')),
      items.length
        ? el('div', { className: 'request-list' }, items.map((a) => el('div', { className: 'request' },
          el('p', { className: 'request-when' }, dateTime(a.starts_at)),
          a.reply ? el('p', { className: 'request-reply' }, t('her_reply', { text: a.reply, when: dateTime(a.requested_at) })) : null,
          appointmentCard(a, actions, true))))
        : el('p', { className: 'muted' }, t('requests_none')));
  }

  async function load() {
    status.classList.remove('is-error');
    try {
      const range = { starts_at_from: state.week, starts_at_to: addDays(state.week, 6), worker_id: state.worker };
      const [items, changes] = await Promise.all([
        list(query('/api/v1/appointments', range)),
        // Each with her reply; all of them are change_requested.
        get('/api/v1/change_requests').then((d) => (d.items || [])
          .filter((a) => !state.worker || String(a.worker_id) === state.worker)
          .map((a) => ({ status: 'change_requested', ...a }))),
      ]);
      if (!ctx.alive()) return;
      for (const a of items.concat(changes)) if (a.worker_id && a.worker_name) workers.set(String(a.worker_id), a.worker_name);
      renderNav();
      renderRequests(changes);
      status.textContent = t('week_of_range', { from: longDate(state.week), to: longDate(addDays(state.week, 6)), n: items.length });
      renderWeek(items);
    } catch (err) {
      if (isQuiet(err)) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
  ctx.every(30000, load);
  if (ctx.query.get('book') !== null) openEditor(null, ctx.query.get('book'));
}

registerPage({ path: '/appointments', nav: { label: 'nav_appointments', order: 50 }, role: 'worker', mount });

addStrings({
  'zh-HK': {
    nav_appointments: '約會',
    appointments_title: '約會',
    book: '預約',
    book_title: '新預約',
    move: '改時間',
    move_title: '更改 {who} 的約會',
    cancel_appt: '取消約會',
    cancel_confirm: '確定取消？',
    mark_attended: '已赴約',
    mark_missed: '未赴約',
    keep_time: '維持原定時間',
    prev_week: '上一週',
    this_week: '本週',
    next_week: '下一週',
    all_workers: '所有同工',
    me: '（我）',
    week_of_range: '{from} 至 {to}：{n} 個約會',
    day_free: '沒有約會',
    requests_title: '要求更改的約會',
    requests_none: '沒有待處理的更改要求。',
    her_reply: '她的回覆：「{text}」（{when}）',
    f_participant: '參加者',
    participant_hint: '輸入名稱或編號，再從清單選擇。',
    f_kind: '類別',
    f_date: '日期',
    f_time: '時間',
    f_place: '地點（提示訊息會顯示）',
    place_hint: '只寫中性的地點，例如「健康院」、「中心」；不要寫約會的目的。',
    f_note: '內部備註',
    note_hint: '只有同工看到，不會在訊息中出現。',
    f_worker: '同工',
    err_no_such_participant: '找不到這位參加者，請從清單選擇。',
  },
  en: {
    nav_appointments: 'Appointments',
    appointments_title: 'Appointments',
    book: 'Book',
    book_title: 'New appointment',
    move: 'Move',
    move_title: 'Move {who}\'s appointment',
    cancel_appt: 'Cancel it',
    cancel_confirm: 'Cancel it?',
    mark_attended: 'Attended',
    mark_missed: 'Missed',
    keep_time: 'Keep the time',
    prev_week: 'Previous week',
    this_week: 'This week',
    next_week: 'Next week',
    all_workers: 'All workers',
    me: '(me)',
    week_of_range: '{from} to {to}: {n} appointments',
    day_free: 'Nothing booked',
    requests_title: 'Asked to change',
    requests_none: 'No change requests waiting.',
    her_reply: 'Her reply: "{text}" ({when})',
    f_participant: 'Participant',
    participant_hint: 'Type a name or reference, then pick from the list.',
    f_kind: 'Kind',
    f_date: 'Date',
    f_time: 'Time',
    f_place: 'Place (shown in the reminder)',
    place_hint: 'A neutral place only, such as "the clinic" or "the centre"; never what the visit is for.',
    f_note: 'Private note',
    note_hint: 'Staff only; never in a message.',
    f_worker: 'Worker',
    err_no_such_participant: 'No such participant: pick one from the list.',
  },
});
