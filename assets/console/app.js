// Touchpoint staff console, first page: sign-in, today's sessions with their
// rosters, groups and a participant search.
//
// Rules kept throughout:
// - Every piece of data reaches the page through textContent or an attribute
//   set by createElement; nothing from the server ever goes through innerHTML.
// - The page title stays "Touchpoint": a screen seen over a shoulder must not
//   say what kind of service this is.
// - A 401 from any call hides the data and shows the sign-in form, but keeps
//   the state (open rosters, the search) so work carries on after sign-in.

const LANG_KEY = 'touchpoint.lang';
const REFRESH_MS = 10000;
const CONFIRM_MS = 5000;
const NOTICE_MS = 8000;
const SEARCH_DELAY_MS = 300;
const SEARCH_LIMIT = 20;
const HK_OFFSET_MS = 8 * 3600 * 1000; // Hong Kong keeps no summer time.

const STRINGS = {
  'zh-HK': {
    language: '語言',
    loading: '載入中…',
    signin_title: '登入',
    username: '用戶名稱',
    password: '密碼',
    signin_button: '登入',
    signing_in: '登入中…',
    signout: '登出',
    err_missing: '請輸入用戶名稱及密碼。',
    err_wrong_password: '用戶名稱或密碼不正確。',
    err_locked: '密碼錯誤次數太多，請於 {n} 分鐘後再試。',
    err_locked_soon: '密碼錯誤次數太多，請稍後再試。',
    err_network: '無法連接伺服器，請檢查網絡後再試。',
    err_forbidden: '你的帳戶沒有這個權限。',
    err_server: '伺服器出錯（{status}）。',
    session_ended: '登入已逾時，請重新登入。重新登入後會回到剛才的畫面。',
    signed_out: '你已登出。',
    role_admin: '管理員',
    role_worker: '工作員',
    role_viewer: '檢視者',
    today_title: '今日',
    today_empty: '今日沒有活動。',
    updated: '更新於 {t}',
    load_failed: '未能載入：{msg}',
    retrying: '未能更新：{msg}　稍後自動再試。',
    arrived_of: '已到 {a} / {e}',
    walk_ins: '另有 {n} 位即場參加',
    cancelled: '已取消',
    now_on: '進行中',
    show_roster: '查看名單',
    hide_roster: '收起名單',
    roster_empty: '名單上沒有人。',
    roster_failed: '未能載入名單：{msg}',
    here: '已到',
    not_here: '未到',
    at_time: '{t} 到達',
    method_card: '掃卡',
    method_phone: '手機',
    method_staff: '職員代簽',
    method_import: '匯入',
    walk_in: '即場參加',
    sign_in_by_hand: '代為簽到',
    confirm_sign_in: '確認簽到？',
    signing: '簽到中…',
    signed_ok: '{alias} 已簽到。',
    signed_walk_in: '{alias} 已簽到（即場參加，請跟進）。',
    signed_already: '{alias} 早已簽到。',
    sign_failed: '未能為 {alias} 簽到：{msg}',
    groups_title: '小組',
    groups_empty: '未有小組。',
    enrolled_n: '{n} 人登記',
    sessions_n: '{n} 節',
    print_cards: '列印小組卡',
    search_title: '搜尋參加者',
    search_label: '別名、編號或電話尾號',
    search_button: '搜尋',
    searching: '搜尋中…',
    search_none: '找不到「{q}」。',
    search_more: '只顯示首 {n} 個結果，請輸入更多字收窄搜尋。',
    phone_tail: '電話尾號 {d}',
    no_phone: '沒有電話',
    open_card: '參加者卡',
    new_tab: '（在新分頁開啟）',
  },
  en: {
    language: 'Language',
    loading: 'Loading…',
    signin_title: 'Sign in',
    username: 'Username',
    password: 'Password',
    signin_button: 'Sign in',
    signing_in: 'Signing in…',
    signout: 'Sign out',
    err_missing: 'Enter your username and password.',
    err_wrong_password: 'Wrong username or password.',
    err_locked: 'Too many wrong passwords: try again in {n} minutes.',
    err_locked_soon: 'Too many wrong passwords: try again later.',
    err_network: 'Cannot reach the server. Check the network and try again.',
    err_forbidden: 'Your account may not do this.',
    err_server: 'The server had a problem ({status}).',
    session_ended: 'Your session has ended. Sign in again to carry on where you were.',
    signed_out: 'You have signed out.',
    role_admin: 'Administrator',
    role_worker: 'Worker',
    role_viewer: 'Viewer',
    today_title: 'Today',
    today_empty: 'No sessions today.',
    updated: 'Updated {t}',
    load_failed: 'Could not load: {msg}',
    retrying: 'Could not update: {msg}. Trying again shortly.',
    arrived_of: '{a} of {e} here',
    walk_ins: '+{n} walk-in(s)',
    cancelled: 'Cancelled',
    now_on: 'Now',
    show_roster: 'Show list',
    hide_roster: 'Hide list',
    roster_empty: 'Nobody is on the list.',
    roster_failed: 'Could not load the list: {msg}',
    here: 'Here',
    not_here: 'Not yet',
    at_time: 'at {t}',
    method_card: 'card',
    method_phone: 'phone',
    method_staff: 'by staff',
    method_import: 'imported',
    walk_in: 'Walk-in',
    sign_in_by_hand: 'Sign in by hand',
    confirm_sign_in: 'Confirm sign-in',
    signing: 'Signing in…',
    signed_ok: '{alias} is signed in.',
    signed_walk_in: '{alias} is signed in as a walk-in: please follow up.',
    signed_already: '{alias} was already signed in.',
    sign_failed: 'Could not sign in {alias}: {msg}',
    groups_title: 'Groups',
    groups_empty: 'No groups yet.',
    enrolled_n: '{n} enrolled',
    sessions_n: '{n} sessions',
    print_cards: 'Print card sheet',
    search_title: 'Find a participant',
    search_label: 'Alias, ref or last digits of phone',
    search_button: 'Search',
    searching: 'Searching…',
    search_none: 'Nothing found for “{q}”.',
    search_more: 'Showing the first {n}: type more to narrow it down.',
    phone_tail: 'phone ending {d}',
    no_phone: 'no phone',
    open_card: 'Card',
    new_tab: '(opens in a new tab)',
  },
};

/* ------------------------------------------------------------------ state */

const state = {
  lang: readLang(),
  user: null, // {id, username, display_name, role}
  csrf: '',
  signedIn: false,
  signinNotice: '', // key of the note above the sign-in form
  generation: 0, // bumped when a sign-in ends, so late answers are dropped
  today: {
    day: '',
    sessions: null, // array once loaded
    rosters: new Map(), // session id -> {roster} | {error}
    error: '',
    loadedAt: null,
  },
  expanded: new Set(), // session ids whose roster is open
  armed: null, // {sessionId, participantId, until}
  busy: null, // "sessionId:participantId" while a check-in is sent
  notices: new Map(), // session id -> {kind, text, until}
  groups: { items: null, error: '' },
  search: { q: '', items: null, more: false, error: '', pending: false, seq: 0 },
};

let refreshTimer = 0;
let refreshing = null;
let searchTimer = 0;
let armTimer = 0;

/* ---------------------------------------------------------------- helpers */

function readLang() {
  try {
    const v = localStorage.getItem(LANG_KEY);
    if (v === 'en' || v === 'zh-HK') return v;
  } catch (_) { /* storage may be off */ }
  return 'zh-HK';
}

function t(key, vars) {
  const table = STRINGS[state.lang] || STRINGS['zh-HK'];
  let s = table[key] ?? STRINGS.en[key] ?? key;
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }
  return s;
}

const $ = (id) => document.getElementById(id);

// el('li', {className: 'x', dataset: {k: 'v'}, onClick: fn}, 'text', child, ...)
// Strings become text nodes: data can never become markup.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        node.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

// The Hong Kong wall clock of a moment, as a Date whose UTC fields read HK time.
function hkClock(ms) {
  return new Date(ms + HK_OFFSET_MS);
}

function hkToday() {
  return hkClock(Date.now()).toISOString().slice(0, 10);
}

function hkTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = hkClock(ms);
  return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
}

function hkNowTime() {
  const d = hkClock(Date.now());
  return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
}

function longDate(day) {
  // day is YYYY-MM-DD in Hong Kong; noon HK keeps it on the right day.
  const ms = Date.parse(day + 'T12:00:00+08:00');
  try {
    return new Intl.DateTimeFormat(state.lang === 'en' ? 'en-HK' : 'zh-HK', {
      timeZone: 'Asia/Hong_Kong', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
    }).format(ms);
  } catch (_) {
    return day;
  }
}

function phoneTail(phone) {
  if (typeof phone !== 'string') return '';
  const digits = phone.replace(/\D/g, '');
  return digits.slice(-4);
}

function canWrite() {
  return !!state.user && (state.user.role === 'worker' || state.user.role === 'admin');
}

function collator() {
  try {
    return new Intl.Collator(state.lang === 'en' ? 'en' : 'zh-HK');
  } catch (_) {
    return { compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0) };
  }
}

/* -------------------------------------------------------------------- API */

class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code || 'error');
    this.status = status;
    this.code = code || '';
    this.body = body || null;
  }
}

// A message for people, in the page's language where we know the code, and
// the server's own words otherwise.
function errorText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 0) return t('err_network');
  if (err.status === 403 && err.code === 'forbidden') return t('err_forbidden');
  if (err.message && err.message !== err.code) return err.message;
  return t('err_server', { status: err.status });
}

async function api(method, path, body, { signIn = false } = {}) {
  const generation = state.generation;
  const headers = { Accept: 'application/json' };
  const opts = { method, credentials: 'same-origin', headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, 'network', t('err_network'));
  }
  let data = null;
  try {
    data = await res.json();
  } catch (_) { /* not JSON */ }
  if (!signIn && generation !== state.generation) {
    // Signed out or expired while this was on its way: drop it.
    throw new ApiError(401, 'stale', '');
  }
  if (res.status === 401 && !signIn) {
    sessionEnded();
    throw new ApiError(401, data?.error?.code || 'unauthenticated', data?.error?.message || '');
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    throw new ApiError(res.status, e.code || '', e.message || '', data);
  }
  return { status: res.status, data };
}

// Every page of a list, up to a sane bound.
async function apiList(path, limit = 100, maxPages = 20) {
  const items = [];
  let after = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = path + sep + 'limit=' + limit + (after ? '&after=' + encodeURIComponent(after) : '');
    const { data } = await api('GET', url);
    items.push(...(data.items || []));
    if (data.next === null || data.next === undefined) break;
    after = data.next;
  }
  return items;
}

/* ------------------------------------------------------------ sign in/out */

function showOnly(id) {
  for (const name of ['boot', 'signin', 'app']) $(name).hidden = name !== id;
}

function showSignIn(noticeKey) {
  stopRefresh();
  showOnly('signin');
  $('user').hidden = true;
  const notice = $('signin-notice');
  state.signinNotice = noticeKey || '';
  notice.hidden = !noticeKey;
  notice.textContent = noticeKey ? t(noticeKey) : '';
  const user = $('username');
  if (!user.value && state.user) user.value = state.user.username;
  (user.value ? $('password') : user).focus();
}

function sessionEnded() {
  if (!state.signedIn) return;
  state.signedIn = false;
  state.generation++;
  state.armed = null;
  state.busy = null;
  setSigninError('');
  showSignIn('session_ended');
}

function setSigninError(text) {
  $('signin-error').textContent = text;
  $('signin-form').classList.toggle('has-error', !!text);
}

function signinErrorText(err) {
  if (err.status === 0) return t('err_network');
  if (err.code === 'wrong_password') {
    return state.lang === 'en' && err.message ? capitalise(err.message) + '.' : t('err_wrong_password');
  }
  if (err.code === 'locked') {
    if (state.lang === 'en' && err.message) return capitalise(err.message) + '.';
    const m = /(\d+)\s*minute/.exec(err.message || '');
    return m ? t('err_locked', { n: m[1] }) : t('err_locked_soon');
  }
  return errorText(err);
}

function capitalise(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

async function onSignIn(ev) {
  ev.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    setSigninError(t('err_missing'));
    (username ? $('password') : $('username')).focus();
    return;
  }
  const button = $('signin-button');
  button.disabled = true;
  button.textContent = t('signing_in');
  setSigninError('');
  try {
    const { data } = await api('POST', '/api/v1/auth/login', { username, password }, { signIn: true });
    $('password').value = '';
    startSession(data.user, data.csrf_token);
  } catch (err) {
    setSigninError(signinErrorText(err));
    $('password').value = '';
    $('password').focus();
  } finally {
    button.disabled = false;
    button.textContent = t('signin_button');
  }
}

function startSession(user, csrf) {
  // Someone else signing in on this screen starts afresh; the same person
  // comes back to what was open.
  if (state.user && state.user.id !== user.id) resetData();
  state.user = user;
  state.csrf = csrf || '';
  state.signedIn = true;
  state.generation++;
  state.signinNotice = '';
  setSigninError('');
  renderUser();
  showOnly('app');
  renderAll();
  loadAll();
  startRefresh();
}

function resetData() {
  state.today = { day: '', sessions: null, rosters: new Map(), error: '', loadedAt: null };
  state.expanded = new Set();
  state.armed = null;
  state.busy = null;
  state.notices = new Map();
  state.groups = { items: null, error: '' };
  state.search = { q: '', items: null, more: false, error: '', pending: false, seq: state.search.seq + 1 };
  $('search-q').value = '';
}

async function onSignOut() {
  const button = $('signout');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/auth/logout', {});
  } catch (_) {
    // Signing out of an ended session is fine; anything else still leaves.
  } finally {
    button.disabled = false;
  }
  state.signedIn = false;
  state.generation++;
  resetData();
  state.user = null;
  state.csrf = '';
  $('username').value = '';
  $('password').value = '';
  renderAll();
  showSignIn('signed_out');
}

/* ---------------------------------------------------------------- loading */

function loadAll() {
  refreshToday();
  loadGroups();
  if (state.search.q) runSearch(state.search.q);
}

function startRefresh() {
  stopRefresh();
  refreshTimer = setInterval(() => {
    if (state.signedIn && !document.hidden) refreshToday();
  }, REFRESH_MS);
}

function stopRefresh() {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = 0;
}

function refreshToday() {
  if (refreshing) return refreshing;
  refreshing = loadToday().finally(() => { refreshing = null; });
  return refreshing;
}

async function loadToday() {
  const generation = state.generation;
  const day = hkToday();
  let sessions;
  try {
    sessions = await apiList('/api/v1/sessions?starts_at_from=' + day + '&starts_at_to=' + day);
  } catch (err) {
    if (err.status === 401 || generation !== state.generation) return;
    state.today.error = errorText(err);
    renderToday();
    return;
  }
  sessions.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
  const rosters = new Map();
  await Promise.all(sessions.map(async (s) => {
    try {
      const { data } = await api('GET', '/api/v1/sessions/' + encodeURIComponent(s.id) + '/roster');
      rosters.set(s.id, { roster: data });
    } catch (err) {
      if (err.status !== 401) rosters.set(s.id, { error: errorText(err) });
    }
  }));
  if (generation !== state.generation || !state.signedIn) return;
  if (state.today.day && state.today.day !== day) state.expanded.clear();
  state.today = { day, sessions, rosters, error: '', loadedAt: hkNowTime() };
  renderToday();
}

async function loadGroups() {
  const generation = state.generation;
  try {
    const items = await apiList('/api/v1/groups');
    if (generation !== state.generation) return;
    items.sort((a, b) => collator().compare(a.name || '', b.name || ''));
    state.groups = { items, error: '' };
  } catch (err) {
    if (err.status === 401 || generation !== state.generation) return;
    state.groups = { items: state.groups.items, error: errorText(err) };
  }
  renderGroups();
}

async function runSearch(raw) {
  const q = raw.trim();
  const seq = ++state.search.seq;
  state.search.q = q;
  if (!q) {
    Object.assign(state.search, { items: null, more: false, error: '', pending: false });
    renderSearch();
    return;
  }
  state.search.pending = true;
  renderSearch();
  try {
    const { data } = await api('GET', '/api/v1/participants?q=' + encodeURIComponent(q) +
      '&limit=' + SEARCH_LIMIT);
    if (seq !== state.search.seq) return;
    Object.assign(state.search, {
      items: data.items || [], more: data.next !== null && data.next !== undefined,
      error: '', pending: false,
    });
  } catch (err) {
    if (seq !== state.search.seq) return;
    state.search.pending = false;
    if (err.status === 401) return; // kept: searched again after sign-in
    state.search.error = errorText(err);
  }
  renderSearch();
}

/* --------------------------------------------------------------- check-in */

function rowKey(sessionId, participantId) {
  return sessionId + ':' + participantId;
}

function onSignInByHand(session, person) {
  const key = rowKey(session.id, person.participant_id);
  if (state.busy) return;
  const armed = state.armed;
  if (!armed || rowKey(armed.sessionId, armed.participantId) !== key || armed.until < Date.now()) {
    // First tap arms the button; a second one within a few seconds sends.
    state.armed = { sessionId: session.id, participantId: person.participant_id, until: Date.now() + CONFIRM_MS };
    clearTimeout(armTimer);
    armTimer = setTimeout(() => { state.armed = null; renderToday(); }, CONFIRM_MS);
    renderToday();
    return;
  }
  clearTimeout(armTimer);
  state.armed = null;
  sendCheckin(session, person);
}

async function sendCheckin(session, person) {
  const key = rowKey(session.id, person.participant_id);
  state.busy = key;
  renderToday();
  let notice;
  try {
    const { data } = await api('POST', '/api/v1/checkins', {
      participant_id: person.participant_id,
      session_id: session.id,
      method: 'staff',
    });
    const alias = data?.participant?.alias || person.alias;
    const status = data?.status;
    notice = {
      kind: status === 'not_enrolled' ? 'warn' : 'ok',
      key: status === 'not_enrolled' ? 'signed_walk_in' : status === 'already' ? 'signed_already' : 'signed_ok',
      vars: { alias },
    };
  } catch (err) {
    if (err.status === 401) {
      state.busy = null;
      return; // the sign-in form is up; nothing was recorded
    }
    notice = { kind: 'error', key: 'sign_failed', vars: { alias: person.alias, msg: errorText(err) } };
  }
  state.busy = null;
  setNotice(session.id, notice);
  await refreshToday();
  renderToday();
}

function setNotice(sessionId, notice) {
  notice.until = Date.now() + NOTICE_MS;
  state.notices.set(sessionId, notice);
  setTimeout(() => {
    const n = state.notices.get(sessionId);
    if (n && n.until <= Date.now()) {
      state.notices.delete(sessionId);
      renderToday();
    }
  }, NOTICE_MS + 50);
}

/* -------------------------------------------------------------- rendering */

function applyLang() {
  document.documentElement.lang = state.lang;
  document.title = 'Touchpoint';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of document.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  }
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  }
  const notice = $('signin-notice');
  if (state.signinNotice) notice.textContent = t(state.signinNotice);
  const button = $('signin-button');
  if (!button.disabled) button.textContent = t('signin_button');
}

function setLang(lang) {
  if (lang !== 'en' && lang !== 'zh-HK') return;
  state.lang = lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch (_) { /* fine */ }
  // An error already on the form was written in the old language.
  if ($('signin-error').textContent) setSigninError('');
  applyLang();
  renderAll();
}

function renderAll() {
  renderUser();
  if (!state.signedIn && !state.user) {
    $('today-list').replaceChildren();
    $('groups-list').replaceChildren();
    $('search-results').replaceChildren();
    for (const id of ['today-status', 'today-date', 'today-updated', 'groups-status', 'search-status']) {
      $(id).textContent = '';
    }
    sessionCards.clear();
    return;
  }
  renderToday();
  renderGroups();
  renderSearch();
}

function renderUser() {
  const u = state.user;
  $('user').hidden = !(u && state.signedIn);
  if (!u) return;
  $('user-name').textContent = u.display_name || u.username;
  $('user-role').textContent = t('role_' + u.role) !== 'role_' + u.role ? t('role_' + u.role) : u.role;
}

// One card element per session, rebuilt only when what it shows changes, so
// a refresh every ten seconds does not move a button under a finger.
const sessionCards = new Map(); // id -> {node, sig}

function renderToday() {
  const today = state.today;
  $('today-date').textContent = longDate(today.day || hkToday());
  $('today-updated').textContent = today.loadedAt ? t('updated', { t: today.loadedAt }) : '';
  const status = $('today-status');
  const list = $('today-list');
  status.classList.toggle('is-error', !!today.error);
  if (today.error) {
    status.textContent = today.sessions ? t('retrying', { msg: today.error }) : t('load_failed', { msg: today.error });
  } else if (!today.sessions) {
    status.textContent = t('loading');
  } else if (today.sessions.length === 0) {
    status.textContent = t('today_empty');
  } else {
    status.textContent = '';
  }
  const sessions = today.sessions || [];
  const keep = new Set();
  const nodes = [];
  for (const s of sessions) {
    keep.add(s.id);
    const entry = today.rosters.get(s.id) || {};
    const notice = state.notices.get(s.id);
    const sig = JSON.stringify([
      state.lang, state.user && state.user.role, s, entry, state.expanded.has(s.id),
      state.armed && state.armed.sessionId === s.id ? state.armed.participantId : 0,
      state.busy, notice ? [notice.kind, notice.key, notice.vars] : null, nowOn(s),
    ]);
    const old = sessionCards.get(s.id);
    if (old && old.sig === sig) {
      nodes.push(old.node);
      continue;
    }
    const node = sessionCard(s, entry, notice);
    if (old) keepFocus(old.node, node);
    sessionCards.set(s.id, { node, sig });
    nodes.push(node);
  }
  for (const id of [...sessionCards.keys()]) if (!keep.has(id)) sessionCards.delete(id);
  // Only touch the list when its members or their order changed.
  const current = [...list.children];
  if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) {
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
    list.replaceChildren(...nodes);
    if (focused) list.querySelector('[data-focus="' + CSS.escape(focused) + '"]')?.focus();
  }
}

function keepFocus(oldNode, newNode) {
  const active = document.activeElement;
  if (!active || !oldNode.contains(active) || !active.dataset.focus) return;
  const key = active.dataset.focus;
  // After the new node is in the document.
  queueMicrotask(() => newNode.querySelector('[data-focus="' + CSS.escape(key) + '"]')?.focus());
  oldNode.replaceWith(newNode);
}

function nowOn(s) {
  const now = Date.now();
  return s.status !== 'cancelled' && Date.parse(s.starts_at) <= now && now < Date.parse(s.ends_at);
}

function sessionCard(s, entry, notice) {
  const roster = entry.roster || null;
  const cancelled = s.status === 'cancelled';
  const people = roster ? roster.people || [] : [];
  const enrolled = roster ? people.filter((p) => p.enrolled).length : null;
  const arrivedEnrolled = people.filter((p) => p.enrolled && p.attendance).length;
  const walkIns = people.filter((p) => !p.enrolled && p.attendance).length;
  const open = state.expanded.has(s.id);
  const rosterId = 'roster-' + s.id;

  const badges = [];
  if (cancelled) badges.push(el('span', { className: 'badge badge-cancelled' }, t('cancelled')));
  else if (nowOn(s)) badges.push(el('span', { className: 'badge badge-now' }, t('now_on')));

  const time = el('p', { className: 'session-time' },
    el('span', { className: 'time-range' }, hkTime(s.starts_at) + '–' + hkTime(s.ends_at)),
    s.venue ? el('span', { className: 'venue' }, s.venue) : null);

  let counts;
  if (roster) {
    counts = el('div', { className: 'session-counts' },
      el('p', { className: 'count-main' }, t('arrived_of', { a: arrivedEnrolled, e: enrolled })),
      enrolled > 0 ? el('progress', { max: enrolled, value: arrivedEnrolled, 'aria-hidden': 'true' }) : null,
      walkIns ? el('p', { className: 'count-walkin' }, t('walk_ins', { n: walkIns })) : null);
  } else if (entry.error) {
    counts = el('div', { className: 'session-counts' },
      el('p', { className: 'count-main' }, t('arrived_of', { a: s.attended ?? '–', e: '–' })));
  } else {
    counts = el('div', { className: 'session-counts' }, el('p', { className: 'count-main muted' }, t('loading')));
  }

  const toggle = el('button', {
    type: 'button',
    className: 'btn btn-secondary roster-toggle',
    'aria-expanded': String(open),
    'aria-controls': rosterId,
    dataset: { focus: 'toggle-' + s.id },
    onClick: () => {
      if (state.expanded.has(s.id)) state.expanded.delete(s.id);
      else state.expanded.add(s.id);
      renderToday();
    },
  }, t(open ? 'hide_roster' : 'show_roster'));

  const card = el('article', { className: 'session' + (cancelled ? ' is-cancelled' : '') + (nowOn(s) ? ' is-now' : '') },
    el('div', { className: 'session-main' },
      el('div', { className: 'session-info' },
        el('h3', { className: 'session-title' }, s.title || s.group_name || s.ref || '#' + s.id, ...badges),
        // The group, unless the title already names it.
        s.title && s.group_name && !s.title.includes(s.group_name)
          ? el('p', { className: 'session-group' }, s.group_name) : null,
        time),
      counts,
      toggle));

  if (notice) {
    card.append(el('p', { className: 'notice notice-' + notice.kind, role: notice.kind === 'error' ? 'alert' : 'status' }, t(notice.key, notice.vars)));
  }

  const panel = el('div', { id: rosterId, className: 'roster', hidden: !open });
  if (open) {
    if (entry.error) {
      panel.append(el('p', { className: 'notice notice-error' }, t('roster_failed', { msg: entry.error })));
    } else if (!roster) {
      panel.append(el('p', { className: 'muted' }, t('loading')));
    } else if (people.length === 0) {
      panel.append(el('p', { className: 'muted' }, t('roster_empty')));
    } else {
      const coll = collator();
      const sorted = [...people].sort((a, b) => coll.compare(a.alias || '', b.alias || '') || a.participant_id - b.participant_id);
      panel.append(el('ul', { className: 'plain-list roster-list' }, sorted.map((p) => rosterRow(s, p, cancelled))));
    }
  }
  card.append(panel);
  return card;
}

function rosterRow(s, p, cancelled) {
  const a = p.attendance;
  const key = rowKey(s.id, p.participant_id);
  const who = el('div', { className: 'who' },
    el('span', { className: 'alias' }, p.alias || '—'),
    p.ref ? el('span', { className: 'ref' }, p.ref) : null,
    !p.enrolled ? el('span', { className: 'badge badge-walkin' }, t('walk_in')) : null);

  let how;
  if (a) {
    const method = t('method_' + a.method) !== 'method_' + a.method ? t('method_' + a.method) : a.method;
    how = el('div', { className: 'how' },
      el('span', { className: 'state state-here' }, '✓ ' + t('here')),
      el('span', { className: 'how-detail' }, [t('at_time', { t: hkTime(a.scanned_at) }), method].join(' · ')));
  } else {
    how = el('div', { className: 'how' }, el('span', { className: 'state state-away' }, t('not_here')));
  }

  let action = null;
  if (!a && canWrite() && !cancelled) {
    const armed = state.armed && rowKey(state.armed.sessionId, state.armed.participantId) === key;
    const busy = state.busy === key;
    action = el('button', {
      type: 'button',
      className: 'btn ' + (armed ? 'btn-confirm' : 'btn-primary') + ' sign-btn',
      disabled: !!state.busy,
      'aria-label': (armed ? t('confirm_sign_in') : t('sign_in_by_hand')) + ': ' + (p.alias || ''),
      dataset: { focus: 'sign-' + key },
      onClick: () => onSignInByHand(s, p),
    }, busy ? t('signing') : armed ? t('confirm_sign_in') : t('sign_in_by_hand'));
  }
  return el('li', { className: 'roster-row' + (a ? ' is-here' : '') }, who, how, action);
}

function renderGroups() {
  const g = state.groups;
  const status = $('groups-status');
  status.classList.toggle('is-error', !!g.error);
  status.textContent = g.error ? t('load_failed', { msg: g.error })
    : !g.items ? t('loading')
    : g.items.length === 0 ? t('groups_empty') : '';
  const rows = (g.items || []).map((group) => {
    const facts = [t('enrolled_n', { n: group.enrolled ?? 0 })];
    if (typeof group.sessions === 'number') facts.push(t('sessions_n', { n: group.sessions }));
    const link = canWrite()
      ? el('a', {
        className: 'btn btn-secondary',
        href: '/api/v1/groups/' + encodeURIComponent(group.id) + '/cards.svg',
        target: '_blank',
        rel: 'noopener noreferrer',
        'aria-label': t('print_cards') + ': ' + (group.name || '') + ' ' + t('new_tab'),
      }, t('print_cards'), el('span', { className: 'ext', 'aria-hidden': 'true' }, ' ↗'))
      : null;
    return el('li', { className: 'group-row' },
      el('div', { className: 'group-info' },
        el('span', { className: 'group-name' }, group.name || '—'),
        el('span', { className: 'group-facts' }, [group.ref, ...facts].filter(Boolean).join(' · '))),
      link);
  });
  $('groups-list').replaceChildren(...rows);
}

function renderSearch() {
  const s = state.search;
  const status = $('search-status');
  status.classList.toggle('is-error', !!s.error);
  let text = '';
  if (s.error) text = t('load_failed', { msg: s.error });
  else if (s.pending && !s.items) text = t('searching');
  else if (s.items && s.items.length === 0 && s.q) text = t('search_none', { q: s.q });
  else if (s.more) text = t('search_more', { n: SEARCH_LIMIT });
  status.textContent = text;
  const rows = (s.items || []).map((p) => {
    const facts = [p.ref];
    const tail = phoneTail(p.phone);
    // Only the last four digits: the overview never shows a whole number.
    if (tail) facts.push(t('phone_tail', { d: tail }));
    else if ('phone' in p) facts.push(t('no_phone'));
    const link = canWrite()
      ? el('a', {
        className: 'btn btn-secondary',
        href: '/api/v1/participants/' + encodeURIComponent(p.id) + '/card.svg',
        target: '_blank',
        rel: 'noopener noreferrer',
        'aria-label': t('open_card') + ': ' + (p.alias || '') + ' ' + t('new_tab'),
      }, t('open_card'), el('span', { className: 'ext', 'aria-hidden': 'true' }, ' ↗'))
      : null;
    return el('li', { className: 'result-row' },
      el('div', { className: 'result-info' },
        el('span', { className: 'alias' }, p.alias || '—'),
        el('span', { className: 'result-facts' }, facts.filter(Boolean).join(' · '))),
      link);
  });
  $('search-results').replaceChildren(...rows);
}

/* ------------------------------------------------------------------ start */

function wire() {
  $('signin-form').addEventListener('submit', onSignIn);
  $('signout').addEventListener('click', onSignOut);
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => setLang(button.dataset.lang));
  }
  $('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(searchTimer);
    runSearch($('search-q').value);
  });
  $('search-q').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch($('search-q').value), SEARCH_DELAY_MS);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.signedIn) refreshToday();
  });
  // Another tab's language choice follows here too.
  window.addEventListener('storage', (ev) => {
    if (ev.key === LANG_KEY && (ev.newValue === 'en' || ev.newValue === 'zh-HK') && ev.newValue !== state.lang) {
      setLang(ev.newValue);
    }
  });
}

async function boot() {
  wire();
  applyLang();
  try {
    const res = await fetch('/api/v1/auth/me', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    const data = res.ok ? await res.json() : null;
    if (data && data.user) {
      startSession(data.user, data.csrf_token);
      return;
    }
    showSignIn('');
  } catch (_) {
    showSignIn('');
    setSigninError(t('err_network'));
  }
}

boot();
