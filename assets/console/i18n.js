// The console's words: Traditional Chinese (Hong Kong) first, English at a
// click, the choice remembered in this browser (and followed by its other
// tabs). Each module adds its own strings with addStrings, so a new page
// brings its words with it and touches no other file. No string names the
// kind of service: a screen read over a shoulder says only "Touchpoint".

const LANG_KEY = 'touchpoint.lang';
export const LANGS = ['zh-HK', 'en'];

const tables = { 'zh-HK': {}, en: {} };
const listeners = new Set();
let lang = readLang();

function readLang() {
  try {
    const v = localStorage.getItem(LANG_KEY);
    if (LANGS.includes(v)) return v;
  } catch (_) { /* storage may be off */ }
  return 'zh-HK';
}

// addStrings({'zh-HK': {key: '文字 {n}'}, en: {key: 'text {n}'}})
export function addStrings(strings) {
  for (const l of LANGS) Object.assign(tables[l], strings[l] || {});
}

export function getLang() {
  return lang;
}

// The text of key in the current language ({name} filled from vars); the
// English text when Chinese lacks one, and the key itself when both do.
export function t(key, vars) {
  let s = tables[lang][key] ?? tables.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

// t(prefix + value) when there is such a string, else value itself: for
// codes the server sends (roles, methods, kinds).
export function tCode(prefix, value) {
  const key = prefix + value;
  return key in tables[lang] || key in tables.en ? t(key) : String(value ?? '');
}

export function has(key) {
  return key in tables[lang] || key in tables.en;
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try { localStorage.setItem(LANG_KEY, next); } catch (_) { /* fine */ }
  document.documentElement.lang = lang;
  for (const fn of [...listeners]) fn(lang);
}

// Calls fn(lang) after every change; returns a function that stops it.
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Another tab's choice follows here too.
window.addEventListener('storage', (ev) => {
  if (ev.key === LANG_KEY && LANGS.includes(ev.newValue)) setLang(ev.newValue);
});

export function locale() {
  return lang === 'en' ? 'en-HK' : 'zh-HK';
}

export function collator() {
  try {
    return new Intl.Collator(lang === 'en' ? 'en' : 'zh-HK', { numeric: true });
  } catch (_) {
    return { compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0) };
  }
}

// Dates and times for people, always in Hong Kong time.
function format(ms, opts, fallback) {
  if (Number.isNaN(ms)) return fallback;
  try {
    return new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Hong_Kong', ...opts }).format(ms);
  } catch (_) {
    return fallback;
  }
}

// "2026年11月24日星期二" / "Tuesday, 24 November 2026" for a YYYY-MM-DD day.
export function longDate(day) {
  return format(Date.parse(day + 'T12:00:00+08:00'), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, day);
}

// "11月24日 (二)" / "Tue 24 Nov" for an ISO time or a YYYY-MM-DD day.
export function shortDate(when) {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(when) ? Date.parse(when + 'T12:00:00+08:00') : Date.parse(when);
  return format(ms, { weekday: 'short', day: 'numeric', month: 'short' }, String(when ?? ''));
}

// "2026年11月24日 14:05" / "24 Nov 2026, 14:05" for an ISO time.
export function dateTime(iso) {
  return format(Date.parse(iso), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, String(iso ?? ''));
}

addStrings({
  'zh-HK': {
    language: '語言',
    loading: '載入中…',
    load_failed: '未能載入：{msg}',
    err_network: '無法連接伺服器，請檢查網絡後再試。',
    err_forbidden: '你的帳戶沒有這個權限。',
    err_server: '伺服器出錯（{status}）。',
    err_not_found: '找不到這項資料，可能已被刪除。',
    err_conflict: '與現有資料衝突：{msg}',
    err_invalid: '請檢查這一項：{msg}',
    err_missing: '必須填寫。',
    err_session_ended: '登入已逾時，未有儲存。請重新登入後再按一次。',
    role_admin: '管理員',
    role_worker: '工作員',
    role_viewer: '檢視者',
    new_tab: '（在新分頁開啟）',
    back: '返回',
    save: '儲存',
    saving: '儲存中…',
    saved: '已儲存。',
    cancel: '取消',
    yes: '是',
    no: '否',
    none: '—',
  },
  en: {
    language: 'Language',
    loading: 'Loading…',
    load_failed: 'Could not load: {msg}',
    err_network: 'Cannot reach the server. Check the network and try again.',
    err_forbidden: 'Your account may not do this.',
    err_server: 'The server had a problem ({status}).',
    err_not_found: 'This is not there any more.',
    err_conflict: 'This clashes with what is stored: {msg}',
    err_invalid: 'Please check this: {msg}',
    err_missing: 'Required.',
    err_session_ended: 'Your sign-in had ended, so nothing was saved. Sign in and press it again.',
    role_admin: 'Administrator',
    role_worker: 'Worker',
    role_viewer: 'Viewer',
    new_tab: '(opens in a new tab)',
    back: 'Back',
    save: 'Save',
    saving: 'Saving…',
    saved: 'Saved.',
    cancel: 'Cancel',
    yes: 'Yes',
    no: 'No',
    none: '—',
  },
});

document.documentElement.lang = lang;
