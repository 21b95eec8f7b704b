// One appointment as the console shows it (the week view, the change
// requests, her page): time, status, who, kind and discreet place, and each
// reminder slot with what became of it.

import { href } from './shell.js';
import { el, hkTime } from './dom.js';
import { addStrings, shortDate, t, tCode } from './i18n.js';

// Statuses of an appointment still to happen.
export const OPEN = ['scheduled', 'confirmed', 'change_requested'];

function statusBadge(a) {
  return el('span', { className: 'badge appt-status appt-' + a.status }, tCode('appt_', a.status));
}

// "前一天 10:00 已送達" for each reminder slot.
function reminderLine(r) {
  const when = r.at ? shortDate(r.at) + ' ' + hkTime(r.at) : r.slot;
  return el('li', { className: 'reminder reminder-' + r.status, dataset: { status: r.status } },
    el('span', { className: 'reminder-when' }, when), ' ',
    el('span', { className: 'reminder-state' }, tCode('rem_', r.status)));
}

export function appointmentCard(a, actions, showWorker) {
  // A closed appointment has no reminders to come: only those that went.
  const reminders = (a.reminders || []).filter((r) => OPEN.includes(a.status) || r.message_id);
  return el('article', { className: 'appt', dataset: { appointment: String(a.id) } },
    el('div', { className: 'appt-head' },
      el('span', { className: 'appt-time' }, hkTime(a.starts_at)),
      statusBadge(a)),
    el('a', { className: 'appt-who', href: href('/participants/' + a.participant_id) }, a.alias || '—'),
    el('p', { className: 'appt-facts' }, [tCode('kind_appt_', a.kind), a.place].filter(Boolean).join(' · ')),
    showWorker && a.worker_name ? el('p', { className: 'appt-worker muted' }, a.worker_name) : null,
    reminders.length ? el('ul', { className: 'plain-list reminders', 'aria-label': t('reminders') }, reminders.map(reminderLine)) : null,
    actions(a));
}

addStrings({
  'zh-HK': {
    reminders: '提示訊息',
    appt_scheduled: '已安排',
    appt_confirmed: '已確認',
    appt_change_requested: '要求更改',
    appt_cancelled: '已取消',
    appt_attended: '已赴約',
    appt_missed: '未赴約',
    kind_appt_home_visit: '家訪',
    kind_appt_clinic_escort: '陪診',
    kind_appt_antenatal: '產前檢查',
    kind_appt_mchc: '母嬰健康院',
    kind_appt_group_session: '小組',
    kind_appt_other: '其他',
    rem_planned: '未到時間',
    rem_due: '準備發送',
    rem_skipped: '略過（已有較近的提示）',
    rem_never: '不適用（約會時間太近）',
    rem_queued: '等候發送',
    rem_claimed: '發送中',
    rem_sent: '已發送',
    rem_delivered: '已送達',
    rem_read: '已讀',
    rem_failed: '發送失敗',
    rem_undelivered: '未能送達',
    rem_expired: '過時未發',
    rem_withdrawn: '已撤回',
    rem_unknown: '不確定是否已發送',
  },
  en: {
    reminders: 'Reminders',
    appt_scheduled: 'Scheduled',
    appt_confirmed: 'Confirmed',
    appt_change_requested: 'Change asked',
    appt_cancelled: 'Cancelled',
    appt_attended: 'Attended',
    appt_missed: 'Missed',
    kind_appt_home_visit: 'Home visit',
    kind_appt_clinic_escort: 'Clinic escort',
    kind_appt_antenatal: 'Antenatal check',
    kind_appt_mchc: 'MCHC visit',
    kind_appt_group_session: 'Group session',
    kind_appt_other: 'Other',
    rem_planned: 'not yet',
    rem_due: 'about to go',
    rem_skipped: 'skipped (a nearer one went)',
    rem_never: 'not needed (booked too close)',
    rem_queued: 'waiting to go',
    rem_claimed: 'sending',
    rem_sent: 'sent',
    rem_delivered: 'delivered',
    rem_read: 'read',
    rem_failed: 'failed',
    rem_undelivered: 'not delivered',
    rem_expired: 'too late, not sent',
    rem_withdrawn: 'withdrawn',
    rem_unknown: 'may not have gone',
  },
});
