// How the console names and shows the funder's figures (the rows of
// GET /api/v1/indicators): an indicator's name in the page's language (a
// form's indicators by the form's own title), counts and shares rounded only
// here, to one decimal, and the words for a figure that has no value.

import { addStrings, getLang, locale, t, tCode } from './i18n.js';

export function nf(opts) {
  return new Intl.NumberFormat(locale(), opts);
}

export function formatCount(n) {
  return n === null || n === undefined ? t('none') : nf({ maximumFractionDigits: 1 }).format(n);
}

export function formatPct(v) {
  return v === null || v === undefined ? t('none') : nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v) + '%';
}

// The shown value of a row: a count, or a share with its parts, or the
// word that says why there is none.
export function shown(row) {
  if (!row) return t('none');
  if (row.value === null || row.value === undefined) return tCode('ind_status_', row.status || 'no_data');
  return row.denominator !== null && row.denominator !== undefined && !row.indicator.endsWith('.mean_change')
    ? formatPct(row.value)
    : formatCount(row.value);
}

export function parts(row) {
  if (!row || row.denominator === null || row.denominator === undefined || row.indicator.endsWith('.mean_change')) return '';
  return t('n_of_d', { n: formatCount(row.numerator), d: formatCount(row.denominator) });
}

export function label(indicator, forms) {
  const m = /^([^.]+)\.(.+)$/.exec(indicator);
  if (!m) return tCode('ind_', indicator);
  const form = forms.get(m[1]);
  const title = form ? (form.title && (form.title[getLang()] || form.title.en)) || m[1] : m[1];
  return t('ind_form_' + m[2], { form: title });
}

addStrings({
  'zh-HK': {
    ind_enrolled: '招收人數',
    ind_participants: '參加人數',
    ind_attendances: '出席人次',
    ind_sessions_delivered: '節數',
    ind_retention: '持續參與率',
    ind_form_positive: '{form}：正面回應',
    ind_form_improved: '{form}：改善',
    ind_status_no_data: '未有資料',
    ind_status_too_few: '樣本太少',
    ind_status_no_variance: '沒有差異',
    n_of_d: '{n} / {d}',
    ind_sessions: '舉行節數',
    ind_form_responses: '{form}：收回問卷',
    ind_form_pairs: '{form}：配對人數',
    ind_form_no_change: '{form}：沒有改變',
    ind_form_worse: '{form}：轉差',
  },
  en: {
    ind_enrolled: 'Enrolled',
    ind_participants: 'Participants',
    ind_attendances: 'Attendances',
    ind_sessions_delivered: 'Sessions delivered',
    ind_retention: 'Retention',
    ind_form_positive: '{form}: positive',
    ind_form_improved: '{form}: improved',
    ind_status_no_data: 'No data',
    ind_status_too_few: 'Too few pairs',
    ind_status_no_variance: 'No variation',
    n_of_d: '{n} of {d}',
    ind_sessions: 'Sessions held',
    ind_form_responses: '{form}: forms collected',
    ind_form_pairs: '{form}: pairs',
    ind_form_no_change: '{form}: no change',
    ind_form_worse: '{form}: worse',
  },
});
