// One text message as the console shows it (the inbox, the recent list, her
// page): which way it went, to or from whom, its words, its status in plain
// words and, folded, its whole history (queued, sent, delivered, read,
// failed and why). A sign-in code arrives from the server with its digits
// hidden.

import { href } from './shell.js';
import { el } from './dom.js';
import { addStrings, dateTime, t, tCode } from './i18n.js';

function historyLine(h) {
  const what = tCode('msg_ev_', h.event);
  return el('li', {}, el('span', { className: 'muted' }, dateTime(h.at)), ' ', what,
    h.detail ? ' · ' + h.detail : '');
}

// m: a message of /api/v1/messages; options: withWho (name her), extra
// (a node for actions).
export function messageItem(m, { withWho = true, extra = null } = {}) {
  const inbound = m.direction === 'in';
  const when = inbound ? m.created_at : m.sent_at || m.not_before || m.created_at;
  const who = m.participant_id
    ? el('a', { className: 'msg-who', href: href('/participants/' + m.participant_id) }, m.alias || '—')
    : el('span', { className: 'msg-who' }, t('msg_unknown_number', { number: (inbound ? m.from : m.to) || '' }));
  return el('article', { className: 'msg msg-' + m.direction + ' msg-' + m.status, dataset: { message: String(m.id) } },
    el('div', { className: 'msg-head' },
      el('span', { className: 'msg-dir', 'aria-label': t(inbound ? 'msg_in' : 'msg_out') }, inbound ? '↘ ' + t('msg_in') : '↗ ' + t('msg_out')),
      withWho ? who : null,
      el('span', { className: 'muted' }, [tCode('msg_channel_', m.channel), inbound ? null : tCode('msg_kind_', m.kind)].filter(Boolean).join(' · ')),
      el('span', { className: 'msg-when muted' }, dateTime(when))),
    el('p', { className: 'msg-body' }, m.body || ''),
    el('p', { className: 'msg-status' },
      el('span', { className: 'badge msg-badge' }, tCode('msg_st_', inbound ? (m.handled ? 'in_' + m.handled : 'received') : m.status)),
      m.reason ? el('span', { className: 'msg-reason' }, ' ' + m.reason) : null),
    (m.history || []).length
      ? el('details', { className: 'msg-history' }, el('summary', {}, t('msg_history', { n: m.history.length })),
        el('ol', { className: 'plain-list' }, m.history.map(historyLine)))
      : null,
    extra);
}

addStrings({
  'zh-HK': {
    msg_in: '收到',
    msg_out: '發出',
    msg_unknown_number: '未登記號碼 {number}',
    msg_history: '經過（{n}）',
    msg_channel_sms: '短訊',
    msg_channel_whatsapp: 'WhatsApp',
    msg_kind_reminder: '提示',
    msg_kind_survey: '問卷',
    msg_kind_reply: '自動回覆',
    msg_kind_code: '簽到碼',
    msg_kind_notice: '通知',
    msg_st_queued: '等候發送',
    msg_st_claimed: '發送中',
    msg_st_sent: '已發送',
    msg_st_delivered: '已送達',
    msg_st_read: '已讀',
    msg_st_failed: '發送失敗',
    msg_st_undelivered: '未能送達',
    msg_st_expired: '過時未發',
    msg_st_withdrawn: '已撤回',
    msg_st_unknown: '不確定是否已發送',
    msg_st_received: '已收到',
    msg_st_in_inbox: '待同工跟進',
    msg_st_in_stop: '要求停止接收',
    msg_st_in_start: '恢復接收',
    msg_st_in_confirmed: '確認約會',
    msg_st_in_change: '要求更改約會',
    msg_st_in_answer: '問卷回答',
    msg_st_in_reprompt: '未能讀懂，已再問一次',
    msg_st_in_rest: '未能讀懂，對話暫停',
    msg_ev_queued: '排隊',
    msg_ev_claimed: '交給發送閘道',
    msg_ev_sent: '已發送',
    msg_ev_delivered: '已送達',
    msg_ev_read: '已讀',
    msg_ev_failed: '失敗',
    msg_ev_undelivered: '未能送達',
    msg_ev_expired: '過時未發',
    msg_ev_withdrawn: '撤回',
    msg_ev_retry: '稍後再試',
    msg_ev_unknown: '不確定是否已發送',
    msg_ev_received: '收到',
    msg_ev_taken: '同工跟進',
    msg_ev_inbox: '轉交同工',
    msg_ev_stop: '要求停止',
    msg_ev_start: '恢復接收',
    msg_ev_confirmed: '確認',
    msg_ev_change: '要求更改',
    msg_ev_answer: '回答',
  },
  en: {
    msg_in: 'In',
    msg_out: 'Out',
    msg_unknown_number: 'Unknown number {number}',
    msg_history: 'What happened ({n})',
    msg_channel_sms: 'SMS',
    msg_channel_whatsapp: 'WhatsApp',
    msg_kind_reminder: 'Reminder',
    msg_kind_survey: 'Survey',
    msg_kind_reply: 'Automatic reply',
    msg_kind_code: 'Sign-in code',
    msg_kind_notice: 'Notice',
    msg_st_queued: 'waiting to go',
    msg_st_claimed: 'sending',
    msg_st_sent: 'sent',
    msg_st_delivered: 'delivered',
    msg_st_read: 'read',
    msg_st_failed: 'failed',
    msg_st_undelivered: 'not delivered',
    msg_st_expired: 'too late, not sent',
    msg_st_withdrawn: 'withdrawn',
    msg_st_unknown: 'may not have gone',
    msg_st_received: 'received',
    msg_st_in_inbox: 'for a worker',
    msg_st_in_stop: 'asked to stop',
    msg_st_in_start: 'back in',
    msg_st_in_confirmed: 'confirmed',
    msg_st_in_change: 'asked to change',
    msg_st_in_answer: 'survey answer',
    msg_st_in_reprompt: 'not understood, asked again',
    msg_st_in_rest: 'not understood, conversation resting',
    msg_ev_queued: 'queued',
    msg_ev_claimed: 'handed to the gateway',
    msg_ev_sent: 'sent',
    msg_ev_delivered: 'delivered',
    msg_ev_read: 'read',
    msg_ev_failed: 'failed',
    msg_ev_undelivered: 'not delivered',
    msg_ev_expired: 'too late, not sent',
    msg_ev_withdrawn: 'withdrawn',
    msg_ev_retry: 'to try again',
    msg_ev_unknown: 'may not have gone',
    msg_ev_received: 'received',
    msg_ev_taken: 'taken by a worker',
    msg_ev_inbox: 'passed to the workers',
    msg_ev_stop: 'asked to stop',
    msg_ev_start: 'back in',
    msg_ev_confirmed: 'confirmed',
    msg_ev_change: 'asked to change',
    msg_ev_answer: 'answered',
  },
});
