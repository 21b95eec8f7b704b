// Staff mode, behind a PIN: the roster of a session with who has arrived
// and how, sign-in by hand, undo with a reason, a roster refresh from the
// server, and the queue of events not yet sent or refused by the server,
// in plain words. The daemon's staff token lasts ten minutes from the last
// staff call; the page also leaves staff mode after ten idle minutes.

import { el, button, hkTime } from './dom.js';
import { t } from './i18n.js';
import { api, ApiError, setStaffToken } from './api.js';
import { play } from './sound.js';

const ROSTER_EVERY_MS = 8000;
const PIN_MAX = 12;

const REASONS = [
  { key: 'reason_wrong_card', zh: '掃錯卡', en: 'Wrong card scanned' },
  { key: 'reason_duplicate', zh: '重複', en: 'Duplicate' },
  { key: 'reason_not_here', zh: '其實沒有出席', en: 'Not actually here' },
];

const WHY = {
  unknown_card: 'why_unknown_card',
  revoked: 'why_revoked',
  no_session: 'why_no_session',
  session_cancelled: 'why_session_cancelled',
  choose_session: 'why_choose_session',
  not_found: 'why_not_found',
  already_undone: 'why_already_undone',
  invalid_field: 'why_invalid',
  missing_field: 'why_invalid',
  invalid_json: 'why_invalid',
  forbidden: 'why_forbidden',
};

export class StaffMode {
  // opts: {host, kioskState() -> last /api/state, onExit(), onActivity()}
  constructor(opts) {
    this.opts = opts;
    this.phase = 'pin'; // pin | staff
    this.pin = '';
    this.pinError = '';
    this.pinBusy = false;
    this.tab = 'roster'; // roster | queue
    this.sessionId = 0;
    this.roster = null; // {people: [...]} or null while loading
    this.rosterError = '';
    this.events = null;
    this.notice = null; // {text, kind}
    this.undoFor = null; // person whose undo reason is being chosen
    this.otherReason = false;
    this.busy = '';
    this.timer = 0;
    this.closed = false;
  }

  get host() {
    return this.opts.host;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /* ------------------------------------------------------------ PIN pad */

  pressDigit(d) {
    play('key');
    if (this.pin.length < PIN_MAX) this.pin += d;
    this.pinError = '';
    this.render();
  }

  async submitPin() {
    if (!this.pin || this.pinBusy) return;
    this.pinBusy = true;
    this.render();
    try {
      const { data } = await api('POST', '/api/staff/login', { pin: this.pin });
      setStaffToken(data.token);
      this.phase = 'staff';
      this.pin = '';
      const open = this.sessions();
      this.sessionId = open.length ? open[0].id : 0;
      this.loadRoster();
    } catch (e) {
      this.pin = '';
      if (e instanceof ApiError && e.code === 'locked') {
        const m = /(\d+)\s*minute/.exec(e.message || '');
        this.pinError = t('pin_locked', { n: m ? m[1] : 5 });
      } else if (e instanceof ApiError && e.code === 'no_pin') {
        this.pinError = t('pin_none');
      } else if (e instanceof ApiError && e.status === 0) {
        this.pinError = t('network_failed');
      } else {
        this.pinError = t('pin_wrong');
      }
    }
    this.pinBusy = false;
    this.render();
  }

  renderPin() {
    const dots = el('div', { className: 'pin-dots', 'aria-label': t('pin_prompt'), dataset: { testid: 'pin-dots' } });
    for (let i = 0; i < Math.max(4, this.pin.length); i++) {
      dots.append(el('span', { className: i < this.pin.length ? 'dot on' : 'dot' }));
    }
    const pad = el('div', { className: 'pin-pad' });
    for (const d of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) {
      pad.append(button(d, () => this.pressDigit(d), 'btn pin-key', { dataset: { digit: d } }));
    }
    pad.append(
      button(t('pin_clear'), () => { this.pin = ''; this.pinError = ''; this.render(); }, 'btn pin-key pin-key-word'),
      button('0', () => this.pressDigit('0'), 'btn pin-key', { dataset: { digit: '0' } }),
      button('⌫', () => { this.pin = this.pin.slice(0, -1); this.render(); }, 'btn pin-key', { 'aria-label': t('pin_delete') }));
    return el('div', { className: 'pin' },
      el('div', { className: 'pin-side' },
        el('h1', { className: 'headline' }, t('pin_title')),
        el('p', { className: 'lead' }, t('pin_prompt')),
        dots,
        el('p', { className: 'pin-error', role: 'alert', dataset: { testid: 'pin-error' } }, this.pinError),
        el('div', { className: 'actions' },
          button(t('cancel'), () => this.opts.onExit(), 'btn btn-secondary btn-big'),
          button(t('pin_enter'), () => this.submitPin(), 'btn btn-primary btn-big',
            { disabled: !this.pin || this.pinBusy || undefined, dataset: { testid: 'pin-enter' } }))),
      pad);
  }

  /* -------------------------------------------------------- staff views */

  sessions() {
    const s = this.opts.kioskState();
    return (s && s.sessions) || [];
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.closed || this.phase !== 'staff') return;
    this.timer = setTimeout(() => (this.tab === 'roster' ? this.loadRoster() : this.loadEvents()), ROSTER_EVERY_MS);
  }

  async loadRoster() {
    if (!this.sessionId) {
      this.roster = null;
      this.render();
      this.schedule();
      return;
    }
    const id = this.sessionId;
    try {
      const { data } = await api('GET', '/api/staff/roster?session_id=' + id, undefined, { staff: true });
      if (id !== this.sessionId) return;
      this.roster = data;
      this.rosterError = '';
    } catch (e) {
      if (this.closed) return;
      this.rosterError = this.errorText(e);
    }
    this.render();
    this.schedule();
  }

  async loadEvents() {
    try {
      const { data } = await api('GET', '/api/staff/events', undefined, { staff: true });
      this.events = data.items || [];
    } catch (e) {
      if (this.closed) return;
      this.events = this.events || [];
      this.setNotice(this.errorText(e), 'bad');
    }
    this.render();
    this.schedule();
  }

  errorText(e) {
    if (e instanceof ApiError && e.status === 0) return t('network_failed');
    return t('action_failed', { msg: (e && e.message) || '?' });
  }

  setNotice(text, kind = 'good') {
    this.notice = { text, kind };
  }

  // A card scanned while staff mode is open: say what happened, refresh.
  scanned(result) {
    const alias = result.alias || '';
    const key = {
      ok: 'signed_ok', walk_in: 'signed_walk_in', already: 'signed_already', provisional: 'provisional_title',
      unknown_card: 'why_unknown_card', revoked: 'why_revoked', no_session: 'no_session_title',
    }[result.result] || 'error_title';
    this.setNotice(t(key, { alias }), /ok|walk_in|already|provisional/.test(result.result) ? 'good' : 'bad');
    if (this.phase === 'staff') this.loadRoster();
  }

  async checkin(p) {
    this.opts.onActivity();
    this.busy = 'in:' + p.participant_id;
    this.render();
    try {
      const { data } = await api('POST', '/api/staff/checkin',
        { session_id: this.sessionId, participant_id: p.participant_id }, { staff: true });
      const key = { ok: 'signed_ok', already: 'signed_already', unknown_person: 'unknown_person' }[data.result] || 'signed_ok';
      this.setNotice(t(key, { alias: data.alias || p.alias }), data.result === 'unknown_person' ? 'bad' : 'good');
    } catch (e) {
      this.setNotice(this.errorText(e), 'bad');
    }
    this.busy = '';
    this.loadRoster();
  }

  async undo(p, reason) {
    this.opts.onActivity();
    this.undoFor = null;
    this.otherReason = false;
    this.busy = 'undo:' + p.participant_id;
    this.render();
    try {
      const { data } = await api('POST', '/api/staff/undo',
        { session_id: this.sessionId, participant_id: p.participant_id, reason }, { staff: true });
      this.setNotice(t(data.result === 'undone' ? 'undone' : 'not_signed_in', { alias: data.alias || p.alias }),
        data.result === 'undone' ? 'good' : 'bad');
    } catch (e) {
      this.setNotice(this.errorText(e), 'bad');
    }
    this.busy = '';
    this.loadRoster();
  }

  async refresh() {
    try {
      await api('POST', '/api/staff/refresh', {}, { staff: true });
      this.setNotice(t('refresh_asked'));
    } catch (e) {
      this.setNotice(this.errorText(e), 'bad');
    }
    this.render();
    setTimeout(() => { if (!this.closed && this.tab === 'roster') this.loadRoster(); }, 1500);
  }

  async done() {
    try {
      await api('POST', '/api/staff/logout', {}, { staff: true });
    } catch (_) { /* it ends on its own anyway */ }
    setStaffToken('');
    this.opts.onExit();
  }

  render() {
    if (this.closed) return;
    const host = this.host;
    if (this.phase === 'pin') {
      host.replaceChildren(this.renderPin());
      return;
    }
    // A refresh must not move the list under a finger: keep where it was.
    const list = host.querySelector('.roster, .queue');
    const kept = list ? { kind: list.className, top: list.scrollTop } : null;
    host.replaceChildren(this.renderStaff());
    const again = host.querySelector('.roster, .queue');
    if (kept && again && again.className === kept.kind) again.scrollTop = kept.top;
  }

  renderStaff() {
    const state = this.opts.kioskState() || {};
    const waiting = this.tab === 'queue' && this.events ? this.events.length : (state.pending || 0) + (state.rejected || 0);
    const head = el('div', { className: 'staff-head' },
      el('h1', { className: 'staff-title' }, t('staff_title')),
      el('div', { className: 'tabs', role: 'tablist' },
        this.tabButton('roster', t('tab_roster')),
        this.tabButton('queue', waiting ? t('tab_queue_n', { n: waiting }) : t('tab_queue'))),
      button(t('staff_done'), () => this.done(), 'btn btn-primary btn-nav', { dataset: { testid: 'staff-done' } }));
    const notice = el('p', { className: 'staff-notice' + (this.notice ? ' is-' + this.notice.kind : ''), role: 'status', dataset: { testid: 'staff-notice' } },
      this.notice ? this.notice.text : '');
    const body = this.tab === 'roster' ? this.renderRoster(state, notice) : this.renderQueue(notice);
    const wrap = el('div', { className: 'staff' }, head, body);
    if (this.undoFor) wrap.append(this.renderUndo());
    return wrap;
  }

  tabButton(name, label) {
    return el('button', {
      type: 'button', className: 'btn tab', role: 'tab', 'aria-selected': String(this.tab === name),
      dataset: { tab: name },
      onClick: () => {
        this.opts.onActivity();
        this.tab = name;
        this.notice = null;
        if (name === 'queue') this.loadEvents();
        else this.loadRoster();
        this.render();
      },
    }, label);
  }

  renderRoster(state, notice) {
    const sessions = this.sessions();
    const box = el('div', { className: 'staff-body' });
    if (sessions.length > 1) {
      const choose = el('div', { className: 'session-pick', role: 'group' });
      for (const s of sessions) {
        choose.append(el('button', {
          type: 'button', className: 'btn btn-toggle', 'aria-pressed': String(s.id === this.sessionId),
          dataset: { sessionId: String(s.id) },
          onClick: () => { this.opts.onActivity(); this.sessionId = s.id; this.roster = null; this.notice = null; this.loadRoster(); this.render(); },
        }, sessionName(s)));
      }
      box.append(choose);
    }
    if (!this.sessionId || !sessions.some((s) => s.id === this.sessionId)) {
      this.sessionId = sessions.length ? sessions[0].id : 0;
      this.roster = null;
      if (this.sessionId) this.loadRoster();
    }
    const session = sessions.find((s) => s.id === this.sessionId);
    const people = (this.roster && this.roster.people) || [];
    const enrolled = people.filter((p) => p.enrolled);
    const arrived = enrolled.filter((p) => p.arrived).length;
    const walkIns = people.filter((p) => !p.enrolled).length;
    const sync = state.last_sync ? t('last_sync', { t: hkTime(state.last_sync) }) : t('never_synced');
    box.append(el('div', { className: 'roster-summary' },
      el('div', { className: 'roster-what' },
        session ? el('span', { className: 'roster-session' }, sessionName(session)) : null,
        this.roster ? el('span', { className: 'roster-count', dataset: { testid: 'roster-count' } }, t('arrived_of', { a: arrived, e: enrolled.length })) : null,
        this.roster && walkIns ? el('span', { className: 'muted' }, t('walk_ins', { n: walkIns })) : null),
      el('div', { className: 'roster-sync' },
        el('span', { className: 'muted' }, sync),
        button(t('refresh_roster'), () => this.refresh(), 'btn btn-secondary btn-nav', { dataset: { testid: 'staff-refresh' } }))));
    box.append(notice);
    if (!session) {
      box.append(el('p', { className: 'lead' }, t('no_open_sessions')));
      return box;
    }
    if (this.rosterError) box.append(el('p', { className: 'staff-notice is-bad' }, this.rosterError));
    if (!this.roster) {
      box.append(el('p', { className: 'lead' }, t('loading')));
      return box;
    }
    if (!people.length) {
      box.append(el('p', { className: 'lead' }, t('roster_empty')));
      return box;
    }
    const list = el('ul', { className: 'roster', dataset: { testid: 'roster' } });
    for (const p of people) list.append(this.rosterRow(p));
    box.append(list);
    return box;
  }

  rosterRow(p) {
    const a = p.arrived;
    const tags = [];
    if (!p.enrolled) tags.push(el('span', { className: 'tag tag-walkin' }, p.participant_id ? t('walk_in') : t('unconfirmed')));
    const status = a
      ? el('span', { className: 'status-here' }, '✓ ' + t('here') + ' · ' + (t('method_' + a.method) || a.method) + (a.at ? ' · ' + hkTime(a.at) : ''))
      : el('span', { className: 'status-away' }, t('not_here'));
    let action = null;
    const busy = this.busy === 'in:' + p.participant_id || this.busy === 'undo:' + p.participant_id;
    if (p.participant_id && a) {
      action = button(t('undo'), () => { this.opts.onActivity(); this.undoFor = p; this.otherReason = false; this.render(); },
        'btn btn-secondary row-btn', { disabled: busy || undefined, dataset: { action: 'undo' } });
    } else if (p.participant_id && !a && p.enrolled) {
      action = button(t('sign_in'), () => this.checkin(p), 'btn btn-primary row-btn',
        { disabled: busy || undefined, dataset: { action: 'checkin' } });
    }
    return el('li', { className: 'roster-row' + (a ? ' is-here' : ''), dataset: { alias: p.alias || '' } },
      el('span', { className: 'roster-alias' }, p.alias || '?', ...tags),
      status,
      action || el('span'));
  }

  renderUndo() {
    const p = this.undoFor;
    const choices = el('div', { className: 'reasons' });
    for (const r of REASONS) {
      choices.append(button(t(r.key), () => this.undo(p, r.zh + ' / ' + r.en), 'btn btn-secondary btn-big',
        { dataset: { reason: r.key } }));
    }
    choices.append(button(t('reason_other'), () => { this.otherReason = true; this.render(); }, 'btn btn-secondary btn-big',
      { dataset: { reason: 'reason_other' }, 'aria-pressed': String(this.otherReason) }));
    const panel = el('div', { className: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'undo-title' },
      el('h2', { id: 'undo-title', className: 'sheet-title' }, t('undo_title', { alias: p.alias || '?' })),
      choices);
    if (this.otherReason) {
      const input = el('input', { type: 'text', className: 'reason-input', maxlength: '200', autocomplete: 'off', 'aria-label': t('reason_other') });
      panel.append(el('p', { className: 'muted' }, t('reason_other_hint')), input,
        button(t('confirm'), () => this.undo(p, input.value.trim() || '其他 / Other'), 'btn btn-primary btn-big',
          { dataset: { testid: 'reason-confirm' } }));
    }
    panel.append(button(t('cancel'), () => { this.undoFor = null; this.render(); }, 'btn btn-quiet btn-big'));
    return el('div', { className: 'sheet-backdrop' }, panel);
  }

  renderQueue(notice) {
    const box = el('div', { className: 'staff-body' });
    box.append(el('p', { className: 'muted' }, t('queue_note')), notice);
    if (!this.events) {
      box.append(el('p', { className: 'lead' }, t('loading')));
      return box;
    }
    if (!this.events.length) {
      box.append(el('p', { className: 'lead', dataset: { testid: 'queue-empty' } }, t('queue_empty')));
      return box;
    }
    const list = el('ul', { className: 'queue', dataset: { testid: 'queue' } });
    for (const ev of this.events) {
      const rejected = ev.state === 'rejected';
      let detail;
      if (rejected) {
        const why = WHY[ev.rejected_code] ? t(WHY[ev.rejected_code]) : (ev.rejected_message || ev.rejected_code || '');
        detail = t('state_rejected') + (why ? t('colon') + why : '');
      } else {
        detail = t('state_pending') + (ev.attempts ? ' · ' + t('tries', { n: ev.attempts }) : '');
      }
      list.append(el('li', { className: 'queue-row' + (rejected ? ' is-rejected' : ''), dataset: { state: ev.state, kind: ev.kind } },
        el('span', { className: 'queue-what' }, eventWords(ev)),
        el('span', { className: 'queue-when muted' }, ev.created_at ? t('created', { t: hkTime(ev.created_at) }) : ''),
        el('span', { className: 'queue-detail' }, detail),
        !rejected && ev.last_error ? el('span', { className: 'queue-error muted' }, ev.last_error) : null));
    }
    box.append(list);
    return box;
  }
}

// "簽到 · KIKI · 掃卡" from the daemon's summary ("KIKI: card",
// "KIKI: undo", "feedback (satisfaction)"); the summary as it is otherwise.
function eventWords(ev) {
  const kind = t('kind_' + ev.kind);
  const summary = ev.summary || '';
  let m;
  if (ev.kind === 'checkin' && (m = /^(.*): (\w+)$/.exec(summary))) {
    const who = m[1] === '?' ? t('unconfirmed') : m[1];
    return [kind, who, t('method_' + m[2])].join(' · ');
  }
  if (ev.kind === 'undo' && (m = /^(.*): undo$/.exec(summary))) return kind + ' · ' + m[1];
  if (ev.kind === 'response' && (m = /^feedback \((.*)\)$/.exec(summary))) return kind + ' · ' + m[1];
  return summary ? kind + ' · ' + summary : kind;
}

export function sessionName(s) {
  if (s.title) return s.title;
  if (s.group_name && s.number) return s.group_name + ' 第' + s.number + '節';
  return s.group_name || '';
}
