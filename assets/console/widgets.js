// Small pieces of the page that several pages show the same way.

import { el } from './dom.js';
import { addStrings, t } from './i18n.js';

// True while a session is on (not cancelled, between its start and end).
export function nowOn(s) {
  const now = Date.now();
  return s.status !== 'cancelled' && Date.parse(s.starts_at) <= now && now < Date.parse(s.ends_at);
}

// The badge of a session: cancelled, on now, or none.
export function sessionBadge(s) {
  if (s.status === 'cancelled') return el('span', { className: 'badge badge-cancelled' }, t('cancelled'));
  if (nowOn(s)) return el('span', { className: 'badge badge-now' }, t('now_on'));
  return null;
}

addStrings({
  'zh-HK': { cancelled: '已取消', now_on: '進行中' },
  en: { cancelled: 'Cancelled', now_on: 'Now' },
});
