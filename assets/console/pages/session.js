// One session's live roster: everyone enrolled, then walk-ins, with who has
// arrived, when and how (card, phone, staff, import). Workers sign someone
// in by hand (a second tap confirms), sign in someone not on the list (a
// walk-in, flagged), undo a sign-in with a reason, move the session or
// cancel it. The list refreshes every five seconds without moving a button
// under a finger or losing a reason being typed.

import { registerPage, href } from '../shell.js';
import { errorText, get, isQuiet, patch, post, query } from '../api.js';
import { el, fill, hkDay, hkIso, hkNowTime, hkTime, phoneTail, printLink } from '../dom.js';
import { form } from '../forms.js';
import { addStrings, collator, longDate, t, tCode } from '../i18n.js';
import { sessionBadge, sessionName } from '../widgets.js';
import { surveyPanel } from '../survey-panel.js';

const REFRESH_MS = 5000;
const CONFIRM_MS = 5000;
const NOTICE_MS = 8000;

function mount(view, params, ctx) {
  const id = Number(params.id);
  const head = el('div', { className: 'session-head' });
  const counts = el('p', { className: 'count-main', dataset: { testid: 'roster-counts' } });
  const updated = el('span', { className: 'section-meta' });
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const notice = el('div', { className: 'notice-slot', 'aria-live': 'polite' });
  const listNode = el('ul', { className: 'plain-list roster-list', dataset: { testid: 'roster' } });
  const tools = el('div', { className: 'toolbar' });
  const editSlot = el('div', { className: 'edit-slot' });
  const walkIn = el('div', { className: 'walk-in' });
  view.append(
    el('p', { className: 'crumbs' }, el('a', { href: href('/today') }, '‹ ' + t('nav_today'))),
    el('section', { className: 'panel' }, head, tools, editSlot,
      el('div', { className: 'section-head roster-head' }, el('h2', {}, t('roster_title')), counts, updated),
      status, notice, listNode, walkIn),
    ctx.can('worker') ? surveyPanel(id) : null);

  let session = null;
  let roster = null;
  let armed = null; // {pid, until}
  let busy = null; // participant id while a call is out
  let undoOpen = null; // participant id whose undo form is open
  let noticeTimer = 0;
  let armTimer = 0;
  const rows = new Map(); // participant id -> {node, sig}

  function say(kind, text) {
    clearTimeout(noticeTimer);
    fill(notice, text ? el('p', { className: 'notice notice-' + kind, role: kind === 'error' ? 'alert' : 'status' }, text) : null);
    if (text) noticeTimer = setTimeout(() => fill(notice), NOTICE_MS);
  }

  function renderHead() {
    const s = session;
    fill(head,
      el('h1', { className: 'session-title' }, sessionName(s), sessionBadge(s)),
      el('p', { className: 'session-group' },
        el('a', { href: href('/groups/' + s.group_id) }, s.group_name || ''),
        s.number ? ' · ' + t('session_n', { n: s.number }) : ''),
      el('p', { className: 'session-time' },
        el('span', {}, longDate(hkDay(s.starts_at))),
        el('span', { className: 'time-range' }, hkTime(s.starts_at) + '–' + hkTime(s.ends_at)),
        s.venue ? el('span', { className: 'venue' }, s.venue) : null));
    const worker = ctx.can('worker') && !s.archived_at;
    fill(tools,
      printLink('/api/v1/sessions/' + s.id + '/qr.svg', t('print_poster'), t('print_poster') + ' ' + t('new_tab')),
      worker && s.status !== 'cancelled' ? el('button', { type: 'button', className: 'btn btn-secondary', 'aria-expanded': String(!!editSlot.firstChild), onClick: toggleMove }, t('move_session')) : null,
      worker ? statusButton(s) : null);
    if (worker && s.status !== 'cancelled' && !walkIn.firstChild) walkIn.append(walkInBox());
    if (s.status === 'cancelled') fill(walkIn);
  }

  function toggleMove() {
    if (editSlot.firstChild) {
      fill(editSlot);
      renderHead();
      return;
    }
    const s = session;
    const f = form({
      key: 'session-move-' + id,
      fields: [
        { name: 'day', label: 'f_day', type: 'date', required: true, server: ['starts_at'] },
        { name: 'starts', label: 'f_starts', type: 'time', required: true },
        { name: 'ends', label: 'f_ends', type: 'time', required: true, server: ['ends_at'], validate: (v, vals) => (vals.starts && v <= vals.starts ? 'err_ends_after' : null) },
        { name: 'venue', label: 'f_venue', max: 100 },
      ],
      initial: { day: hkDay(s.starts_at), starts: hkTime(s.starts_at), ends: hkTime(s.ends_at), venue: s.venue },
      submit: 'move_save',
      onSubmit: async (v) => {
        session = { ...session, ...(await patch('/api/v1/sessions/' + id, {
          starts_at: hkIso(v.day, v.starts), ends_at: hkIso(v.day, v.ends), venue: v.venue,
        })) };
        fill(editSlot);
        renderHead();
        say('ok', t('moved_ok'));
      },
    });
    fill(editSlot, el('div', { className: 'inset' }, el('h2', {}, t('move_session')), f.node));
    renderHead();
  }

  // Cancel (two taps) or, once cancelled, put the session back.
  function statusButton(s) {
    const cancelled = s.status === 'cancelled';
    const button = el('button', { type: 'button', className: 'btn ' + (cancelled ? 'btn-secondary' : 'btn-secondary danger-text') }, t(cancelled ? 'restore_session' : 'cancel_session'));
    let armed = false;
    button.addEventListener('click', async () => {
      if (!cancelled && !armed) {
        armed = true;
        button.className = 'btn btn-danger';
        button.textContent = t('cancel_session_confirm');
        return;
      }
      button.disabled = true;
      try {
        session = { ...session, ...(await patch('/api/v1/sessions/' + id, { status: cancelled ? 'planned' : 'cancelled' })) };
        fill(editSlot);
        say('ok', t(cancelled ? 'restored_ok' : 'cancelled_ok'));
        renderHead();
        render();
      } catch (err) {
        button.disabled = false;
        if (!isQuiet(err)) say('error', errorText(err));
      }
    });
    return button;
  }

  // Someone not on the list: found by alias, ref or phone digits, signed in
  // as a walk-in.
  function walkInBox() {
    const input = el('input', { id: 'walkin-q', type: 'search', autocomplete: 'off', maxlength: 100, placeholder: t('search_label') });
    const results = el('ul', { className: 'plain-list', dataset: { testid: 'walkin-results' } });
    let timer = 0;
    let seq = 0;
    async function search() {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) return fill(results);
      try {
        const data = await get(query('/api/v1/participants', { q, limit: 8 }));
        if (mine !== seq || !ctx.alive()) return;
        const here = new Set((roster?.people || []).map((p) => p.participant_id));
        fill(results, (data.items || []).filter((p) => !here.has(p.id)).map((p) => el('li', { className: 'result-row' },
          el('div', { className: 'result-info' }, el('span', { className: 'alias' }, p.alias),
            el('span', { className: 'result-facts' }, [p.ref, phoneTail(p.phone) ? t('phone_tail', { d: phoneTail(p.phone) }) : null].filter(Boolean).join(' · '))),
          el('button', {
            type: 'button', className: 'btn btn-primary', 'aria-label': t('sign_in_walk_in') + ': ' + p.alias,
            onClick: () => { input.value = ''; fill(results); signIn({ participant_id: p.id, alias: p.alias }); },
          }, t('sign_in_walk_in')))));
      } catch (err) {
        if (!isQuiet(err)) fill(results, el('li', { className: 'notice notice-error' }, errorText(err)));
      }
    }
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 300); });
    return el('div', { className: 'enrol-box' }, el('label', { for: 'walkin-q' }, t('walk_in_find')), input, results);
  }

  function rowSig(p) {
    return JSON.stringify([p, armed && armed.pid === p.participant_id, busy, undoOpen === p.participant_id,
      ctx.can('worker'), session && session.status]);
  }

  function rosterRow(p) {
    const a = p.attendance;
    const cancelled = session.status === 'cancelled';
    const who = el('div', { className: 'who' },
      el('a', { className: 'alias', href: href('/participants/' + p.participant_id) }, p.alias || '—'),
      p.ref ? el('span', { className: 'ref' }, p.ref) : null,
      !p.enrolled ? el('span', { className: 'badge badge-walkin' }, t('walk_in')) : null);
    const how = a
      ? el('div', { className: 'how' },
        el('span', { className: 'state state-here' }, '✓ ' + t('here')),
        el('span', { className: 'how-detail', dataset: { testid: 'how' } }, t('at_time', { t: hkTime(a.scanned_at) }) + ' · ' + tCode('method_', a.method)))
      : el('div', { className: 'how' }, el('span', { className: 'state state-away' }, t('not_here')));
    let action = null;
    let undoForm = null;
    if (ctx.can('worker') && !cancelled) {
      if (!a) {
        const isArmed = armed && armed.pid === p.participant_id;
        action = el('button', {
          type: 'button', className: 'btn ' + (isArmed ? 'btn-confirm' : 'btn-primary') + ' sign-btn',
          disabled: busy !== null, 'aria-label': t(isArmed ? 'confirm_sign_in' : 'sign_in_by_hand') + ': ' + (p.alias || ''),
          onClick: () => onSign(p),
        }, busy === p.participant_id ? t('signing') : t(isArmed ? 'confirm_sign_in' : 'sign_in_by_hand'));
      } else if (undoOpen !== p.participant_id) {
        action = el('button', {
          type: 'button', className: 'btn btn-secondary sign-btn', disabled: busy !== null,
          'aria-label': t('undo') + ': ' + (p.alias || ''), onClick: () => { undoOpen = p.participant_id; render(); },
        }, t('undo'));
      } else {
        undoForm = undoFormFor(p);
      }
    }
    return el('li', { className: 'roster-row' + (a ? ' is-here' : ''), dataset: { pid: p.participant_id } }, who, how, action, undoForm);
  }

  function undoFormFor(p) {
    const reasonId = 'undo-reason-' + p.participant_id;
    const input = el('input', { id: reasonId, type: 'text', maxlength: 500, autocomplete: 'off', required: true });
    const error = el('p', { className: 'field-error', role: 'alert' });
    const form = el('form', { className: 'undo-form', novalidate: true },
      el('label', { for: reasonId }, t('undo_reason')),
      input, error,
      el('div', { className: 'form-actions' },
        el('button', { type: 'submit', className: 'btn btn-danger' }, t('undo_confirm')),
        el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => { undoOpen = null; render(); } }, t('cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const reason = input.value.trim();
      if (!reason) {
        error.textContent = t('undo_reason_needed');
        input.focus();
        return;
      }
      busy = p.participant_id;
      try {
        await post('/api/v1/attendance/' + p.attendance.id + '/undo', { reason });
        undoOpen = null;
        say('ok', t('undone', { alias: p.alias }));
      } catch (err) {
        if (!isQuiet(err)) error.textContent = errorText(err);
        busy = null;
        return;
      }
      busy = null;
      await load();
    });
    input.addEventListener('input', () => { error.textContent = ''; });
    queueMicrotask(() => input.focus());
    return form;
  }

  function onSign(p) {
    if (busy !== null) return;
    if (!armed || armed.pid !== p.participant_id || armed.until < Date.now()) {
      // The first tap arms the button; a second one within a few seconds sends.
      armed = { pid: p.participant_id, until: Date.now() + CONFIRM_MS };
      clearTimeout(armTimer);
      armTimer = setTimeout(() => { armed = null; render(); }, CONFIRM_MS);
      render();
      return;
    }
    clearTimeout(armTimer);
    armed = null;
    signIn(p);
  }

  async function signIn(p) {
    busy = p.participant_id;
    render();
    try {
      const data = await post('/api/v1/checkins', { participant_id: p.participant_id, session_id: id });
      const alias = data?.participant?.alias || p.alias;
      if (data.status === 'not_enrolled') say('warn', t('signed_walk_in', { alias }));
      else if (data.status === 'already') say('ok', t('signed_already', { alias }));
      else say('ok', t('signed_ok', { alias }));
    } catch (err) {
      if (!isQuiet(err)) say('error', t('sign_failed', { alias: p.alias, msg: errorText(err) }));
    }
    busy = null;
    await load();
  }

  function render() {
    if (!roster) return;
    const people = [...roster.people].sort((x, y) =>
      (!!y.attendance - !!x.attendance) || collator().compare(x.alias || '', y.alias || '') || x.participant_id - y.participant_id);
    const came = roster.arrived - roster.walk_ins;
    counts.textContent = t('arrived_of', { a: came, e: roster.enrolled }) + (roster.walk_ins ? ' · ' + t('walk_ins', { n: roster.walk_ins }) : '');
    status.textContent = people.length ? '' : t('roster_empty');
    const nodes = people.map((p) => {
      const sig = rowSig(p);
      const old = rows.get(p.participant_id);
      // A row whose reason is being typed is left alone.
      if (old && (old.sig === sig || (undoOpen === p.participant_id && old.node.querySelector('.undo-form')))) return old.node;
      const node = rosterRow(p);
      rows.set(p.participant_id, { node, sig });
      return node;
    });
    const current = [...listNode.children];
    if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) {
      const focused = document.activeElement;
      listNode.replaceChildren(...nodes);
      if (focused && listNode.contains(focused)) focused.focus();
    }
  }

  async function load() {
    try {
      const data = await get('/api/v1/sessions/' + id + '/roster');
      if (!ctx.alive()) return;
      session = { ...(session || {}), ...data.session };
      if (!session.starts_at || !session.group_id) Object.assign(session, await get('/api/v1/sessions/' + id));
      if (!ctx.alive()) return;
      roster = data;
      status.classList.remove('is-error');
      updated.textContent = t('updated', { t: hkNowTime() });
      renderHead();
      render();
    } catch (err) {
      if (isQuiet(err) || !ctx.alive()) return;
      status.classList.add('is-error');
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }

  load();
  ctx.every(REFRESH_MS, () => { if (busy === null) load(); });
  ctx.onResume(load);
  return () => { clearTimeout(noticeTimer); clearTimeout(armTimer); };
}

registerPage({ path: '/sessions/:id', navParent: '/today', role: 'viewer', mount });

addStrings({
  'zh-HK': {
    roster_title: '名單',
    roster_empty: '名單上沒有人。',
    print_poster: '列印簽到海報',
    move_session: '更改時間或地點',
    move_save: '儲存更改',
    moved_ok: '已更改時間及地點。',
    f_day: '日期',
    cancel_session: '取消這一節',
    cancel_session_confirm: '確認取消這一節？',
    cancelled_ok: '這一節已取消。',
    restore_session: '恢復這一節',
    restored_ok: '這一節已恢復。',
    walk_in_find: '為不在名單上的人簽到（即場參加）',
    sign_in_walk_in: '簽到',
    here: '已到',
    not_here: '未到',
    at_time: '{t} 到達',
    sign_in_by_hand: '代為簽到',
    confirm_sign_in: '確認簽到？',
    signing: '簽到中…',
    signed_ok: '{alias} 已簽到。',
    signed_walk_in: '{alias} 已簽到（即場參加，請跟進）。',
    signed_already: '{alias} 早已簽到。',
    sign_failed: '未能為 {alias} 簽到：{msg}',
    undo: '取消簽到',
    undo_reason: '取消原因',
    undo_reason_needed: '請寫下取消的原因。',
    undo_confirm: '確認取消簽到',
    undone: '已取消 {alias} 的簽到。',
  },
  en: {
    roster_title: 'Roster',
    roster_empty: 'Nobody is on the list.',
    print_poster: 'Print sign-in poster',
    move_session: 'Change time or place',
    move_save: 'Save the change',
    moved_ok: 'The time and place are changed.',
    f_day: 'Date',
    cancel_session: 'Cancel this session',
    cancel_session_confirm: 'Really cancel it?',
    cancelled_ok: 'This session is cancelled.',
    restore_session: 'Put this session back',
    restored_ok: 'This session is back on.',
    walk_in_find: 'Sign in someone not on the list (a walk-in)',
    sign_in_walk_in: 'Sign in',
    here: 'Here',
    not_here: 'Not yet',
    at_time: 'at {t}',
    sign_in_by_hand: 'Sign in by hand',
    confirm_sign_in: 'Confirm sign-in',
    signing: 'Signing in…',
    signed_ok: '{alias} is signed in.',
    signed_walk_in: '{alias} is signed in as a walk-in: please follow up.',
    signed_already: '{alias} was already signed in.',
    sign_failed: 'Could not sign in {alias}: {msg}',
    undo: 'Undo sign-in',
    undo_reason: 'Why is it undone?',
    undo_reason_needed: 'Write why the sign-in is undone.',
    undo_confirm: 'Undo the sign-in',
    undone: 'The sign-in of {alias} is undone.',
  },
});
