// Leaving a group, from her page and from the group's: the day she left is
// her enrolment's left_on (PATCH /api/v1/enrolments/{id}); from that day on
// she is off the group's rosters, the kiosk and the session reminders, and
// the indicators count her as enrolled only before it. Nothing is deleted:
// her attendance stays, and "take her back" clears the day.

import { ApiError, patch } from './api.js';
import { el, hkToday } from './dom.js';
import { form } from './forms.js';
import { addStrings, shortDate, t } from './i18n.js';

// True once she has left (left_on today or before); a later left_on is a
// leaving planned ahead, and she is still a member until then.
export function hasLeft(e, today = hkToday()) {
  return !!e.left_on && e.left_on <= today;
}

// "joined 3 Nov · leaves 30 Nov" and the like, for a row's facts.
export function membershipFacts(e, today = hkToday()) {
  return [
    t('enrolled_on', { d: shortDate(e.enrolled_on) }),
    e.left_on ? t(hasLeft(e, today) ? 'left_on_d' : 'leaves_on_d', { d: shortDate(e.left_on) }) : null,
  ].filter(Boolean).join(' · ');
}

// The server's words for a day before she joined, in the page's language.
function explain(err, e) {
  if (err instanceof ApiError && err.field === 'left_on' && err.code === 'invalid_field') {
    return new ApiError(err.status, err.code, 'left_on: ' + t('err_left_before', { d: shortDate(e.enrolled_on) }), 'left_on');
  }
  return err;
}

// A button that opens, in place, the form to record that she left: the day
// (today unless changed), checked against the day she joined, then saved.
// who names her or the group on the button for screen readers; onDone runs
// after the server took it.
export function leaveControl(e, who, onDone) {
  const holder = el('div', { className: 'leave-control' });
  const open = el('button', {
    type: 'button', className: 'btn btn-text', 'aria-label': t('leave_button') + ': ' + who, dataset: { action: 'leave' },
    onClick: () => {
      open.hidden = true;
      const f = form({
        key: 'leave-' + e.id,
        className: 'form-inline leave-form',
        fields: [{
          name: 'left_on', label: 'f_left_on', type: 'date', required: true, hint: 'h_left_on',
          validate: (v) => (v < e.enrolled_on ? t('err_left_before', { d: shortDate(e.enrolled_on) }) : null),
        }],
        initial: { left_on: hkToday() },
        submit: 'leave_confirm',
        onSubmit: async (v) => {
          try {
            await patch('/api/v1/enrolments/' + e.id, { left_on: v.left_on });
          } catch (err) {
            throw explain(err, e);
          }
          onDone();
        },
      });
      const cancel = el('button', {
        type: 'button', className: 'btn btn-secondary',
        onClick: () => { f.node.remove(); open.hidden = false; open.focus(); },
      }, t('cancel'));
      f.node.querySelector('.form-actions').append(cancel);
      holder.append(f.node);
      f.input('left_on').focus();
    },
  }, t('leave_button'));
  holder.append(open);
  return holder;
}

// Clears the day she left: she is a member again, as from the day she
// first joined. onError gets the failure to show.
export function rejoinButton(e, who, onDone, onError) {
  const button = el('button', {
    type: 'button', className: 'btn btn-text', 'aria-label': t('rejoin_button') + ': ' + who, dataset: { action: 'rejoin' },
    onClick: async () => {
      button.disabled = true;
      try {
        await patch('/api/v1/enrolments/' + e.id, { left_on: null });
        onDone();
      } catch (err) {
        button.disabled = false;
        onError(err);
      }
    },
  }, t('rejoin_button'));
  return button;
}

addStrings({
  'zh-HK': {
    leave_button: '退出小組',
    leave_confirm: '確認退出',
    f_left_on: '退出日期',
    h_left_on: '由這天起她不再是組員：不會在小組名單、簽到機和活動提示中出現。以往的出席紀錄會保留。',
    err_left_before: '退出日期不能早於加入日期（{d}）。',
    left_on_d: '{d} 退出',
    leaves_on_d: '將於 {d} 退出',
    rejoin_button: '重新加入',
  },
  en: {
    leave_button: 'Leave group',
    leave_confirm: 'Confirm leaving',
    f_left_on: 'Left on',
    h_left_on: "From this day she is no longer a member: off the group's rosters, the kiosk and the session reminders. Her attendance so far is kept.",
    err_left_before: 'She cannot leave before she joined ({d}).',
    left_on_d: 'left {d}',
    leaves_on_d: 'leaves {d}',
    rejoin_button: 'Take her back',
  },
});
