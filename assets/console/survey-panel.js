// Feedback by text, on a session's page: the group's feedback form (or
// another), sent one question a message to each who came to the session
// and may be messaged (POST /api/v1/sessions/{id}/survey). The answer says
// who it went to and, for the others, why not; sending again reaches only
// those it has not reached.

import { errorText, get, isQuiet, post } from './api.js';
import { el, fill } from './dom.js';
import { addStrings, getLang, t } from './i18n.js';

export function surveyPanel(sessionId) {
  const select = el('select', { id: 'survey-form' });
  const button = el('button', { type: 'submit', className: 'btn btn-primary' }, t('survey_send'));
  const result = el('div', { className: 'survey-result', role: 'status', dataset: { testid: 'survey-result' } });
  const form = el('form', { className: 'survey-form field-inline', novalidate: true },
    el('label', { for: 'survey-form' }, t('survey_which')), select, button);
  const node = el('section', { className: 'panel', 'aria-labelledby': 'survey-title', dataset: { testid: 'survey' } },
    el('h2', { id: 'survey-title', className: 'section-sub' }, t('survey_title')),
    el('p', { className: 'muted' }, t('survey_about')), form, result);

  get('/api/v1/forms').then((data) => {
    fill(select, el('option', { value: '' }, t('survey_group_form')),
      (data.items || []).map((f) => el('option', { value: f.key }, (f.title && (f.title[getLang()] || f.title.en)) || f.key)));
  }).catch(() => { /* the group's own form still goes */ });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    fill(result);
    try {
      const body = select.value ? { form: select.value } : {};
      const r = await post('/api/v1/sessions/' + sessionId + '/survey', body);
      const queued = r.queued || [];
      const skipped = r.skipped || [];
      fill(result,
        el('p', { className: 'notice notice-ok' }, t('survey_queued', { n: queued.length })
          + (queued.length ? '：' + queued.map((q) => q.alias).join('、') : '')),
        skipped.length ? el('ul', { className: 'plain-list survey-skipped' },
          skipped.map((s) => el('li', {}, el('strong', {}, s.alias || '—'), ' · ', s.reason || ''))) : null);
    } catch (err) {
      if (!isQuiet(err)) {
        const text = err.code === 'not_yet' ? t('survey_not_yet')
          : err.code === 'form_not_discreet' ? t('survey_not_discreet') : errorText(err);
        fill(result, el('p', { className: 'notice notice-error', role: 'alert' }, text));
      }
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

addStrings({
  'zh-HK': {
    survey_title: '以訊息收集意見',
    survey_about: '把意見問卷逐題以短訊或 WhatsApp 發給今節出席、並同意接收訊息的參加者。已在簽到機填寫或已收過的人不會重複收到。',
    survey_which: '問卷',
    survey_group_form: '小組預設的問卷',
    survey_send: '發送問卷',
    survey_queued: '已安排發給 {n} 人',
    survey_not_yet: '這節還未開始，完結後才可發送問卷。',
    survey_not_discreet: '這份問卷的字眼會透露服務性質，不能以訊息發送；請在簽到機或以紙本收集。',
  },
  en: {
    survey_title: 'Feedback by text',
    survey_about: 'Sends the feedback form, one question a message by SMS or WhatsApp, to those who came to this session and agreed to messages. Nobody who answered at the kiosk or was sent it already gets it again.',
    survey_which: 'Form',
    survey_group_form: 'The group\'s own form',
    survey_send: 'Send the form',
    survey_queued: 'Going to {n} people',
    survey_not_yet: 'This session has not begun: send the form once it is over.',
    survey_not_discreet: 'This form\'s words say what the service is, so it cannot go by text: collect it at the kiosk or on paper.',
  },
});
