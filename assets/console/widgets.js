// Small pieces of the page, and words, that several pages share.

import { errorText, isQuiet } from './api.js';
import { el } from './dom.js';
import { addStrings, t } from './i18n.js';

// Says in a list's status line that it could not load (nothing when the
// sign-in form is already up over the page).
export function showLoadFailed(status, err) {
  if (isQuiet(err)) return;
  status.classList.add('is-error');
  status.textContent = t('load_failed', { msg: errorText(err) });
}

// True while a session is on (not cancelled, between its start and end).
export function nowOn(s) {
  const now = Date.now();
  return s.status !== 'cancelled' && Date.parse(s.starts_at) <= now && now < Date.parse(s.ends_at);
}

// What a session is called: its title, else its group and number
// (sessions planned as a term have no title of their own).
export function sessionName(s) {
  if (s.title) return s.title;
  return [s.group_name, s.number ? t('session_n', { n: s.number }) : null].filter(Boolean).join(' · ') || '#' + s.id;
}

// The badge of a session: cancelled, on now, or none.
export function sessionBadge(s) {
  if (s.status === 'cancelled') return el('span', { className: 'badge badge-cancelled' }, t('cancelled'));
  if (nowOn(s)) return el('span', { className: 'badge badge-now' }, t('now_on'));
  return null;
}

// Words several pages use: tab names (for the links back), shared field
// labels, how someone signed in, group kinds.
addStrings({
  'zh-HK': {
    cancelled: '已取消',
    archived_badge: '已封存',
    now_on: '進行中',
    nav_today: '今日',
    nav_participants: '參加者',
    nav_groups: '小組',
    f_venue: '地點',
    h_venue: '活動的房間。簽到機以地點配對活動，請與簽到機的地點一致。',
    f_ref: '編號',
    h_ref: '中心自己的編號；留空會自動編配。',
    f_starts: '開始時間',
    f_ends: '結束時間',
    err_ends_after: '結束時間要在開始時間之後。',
    plan_term: '編排一期活動',
    f_kind: '類別',
    f_programme: '計劃',
    f_retention_n: '持續參與所需節數',
    group_edit: '修改小組',
    print_cards: '列印小組卡',
    enrolled_n: '{n} 人登記',
    sessions_n: '{n} 節',
    session_n: '第 {n} 節',
    enrolled_on: '{d} 加入',
    enrol_in_button: '加入',
    search_label: '別名、編號或電話尾號',
    search_none: '找不到「{q}」。',
    phone_tail: '電話尾號 {d}',
    no_phone: '沒有電話',
    walk_in: '即場參加',
    walk_ins: '另有 {n} 位即場參加',
    arrived_of: '已到 {a} / {e}',
    updated: '更新於 {t}',
    method_card: '掃卡',
    method_phone: '手機',
    method_staff: '職員代簽',
    method_import: '匯入',
    kind_counselling: '輔導',
    kind_family: '家庭關係',
    kind_parent_child: '親子',
    kind_education: '教育',
    kind_peer_support: '朋輩支援',
    kind_other: '其他',
  },
  en: {
    cancelled: 'Cancelled',
    archived_badge: 'Archived',
    now_on: 'Now',
    nav_today: 'Today',
    nav_participants: 'Participants',
    nav_groups: 'Groups',
    f_venue: 'Venue',
    h_venue: "The room. Kiosks find sessions by venue: write it as the kiosk's venue is written.",
    f_ref: 'Reference',
    h_ref: "The centre's own reference; left empty, one is given.",
    f_starts: 'Starts at',
    f_ends: 'Ends at',
    err_ends_after: 'The end must be after the start.',
    plan_term: 'Plan a term',
    f_kind: 'Kind',
    f_programme: 'Programme',
    f_retention_n: 'Sessions for retention',
    group_edit: 'Edit group',
    print_cards: 'Print card sheet',
    enrolled_n: '{n} enrolled',
    sessions_n: '{n} sessions',
    session_n: 'session {n}',
    enrolled_on: 'joined {d}',
    enrol_in_button: 'Enrol',
    search_label: 'Alias, ref or last digits of phone',
    search_none: 'Nothing found for “{q}”.',
    phone_tail: 'phone ending {d}',
    no_phone: 'no phone',
    walk_in: 'Walk-in',
    walk_ins: '+{n} walk-in(s)',
    arrived_of: '{a} of {e} here',
    updated: 'Updated {t}',
    method_card: 'card',
    method_phone: 'phone',
    method_staff: 'by staff',
    method_import: 'imported',
    kind_counselling: 'Counselling',
    kind_family: 'Family relationship',
    kind_parent_child: 'Parent and child',
    kind_education: 'Education',
    kind_peer_support: 'Peer support',
    kind_other: 'Other',
  },
});
