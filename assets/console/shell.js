// The console's shell: sign-in and sign-out, the top bar (navigation, who is
// signed in, language), and the hash router that mounts one page at a time.
//
// ADDING A PAGE: write assets/console/pages/NAME.js and add one import line
// to app.js. The page registers itself and touches no other file:
//
//   import { registerPage } from '../shell.js';
//   import { addStrings, t } from '../i18n.js';
//   addStrings({ 'zh-HK': { nav_things: '事項' }, en: { nav_things: 'Things' } });
//   registerPage({
//     path: '/things/:id',          // the hash route (#/things/7); ':name' parts are params
//     nav: { label: 'nav_things', order: 40 }, // a tab in the top bar (leave out for
//                                   //  pages reached by links, and give navParent instead)
//     navParent: '/things',         // which tab is lit while this page shows
//     role: 'viewer',               // the least role that sees it: viewer < worker < admin
//     mount(view, params, ctx) {    // view: an empty <div> of its own; params: {id: '7'}
//       view.append(el('h1', {}, t('nav_things')));
//       return () => {};            // optional: runs when the page is left
//     },
//   });
//
// ctx gives: user ({id, username, display_name, role}), can(role), go(path),
// query (URLSearchParams of #/path?a=1),
// alive() (false once the page is left: drop late answers), every(ms, fn)
// (a timer that runs only while the page shows, signed in, the tab visible;
// stopped on leaving), onResume(fn) (after the sign-in form came up over the
// page and the same person signed in again: reload what may have changed).
// The page is mounted again, fresh, when the language changes; forms keep
// what was typed through forms.js drafts.
//
// Tab order slots: 10 today, 20 participants, 30 groups, 40 indicators,
// 50 appointments, 60 messages, 80 kiosks, 90 audit log.
//
// Every page keeps the title "Touchpoint": a screen seen over a shoulder must
// not say what kind of service this is.

import { $, el, fill } from './dom.js';
import { ApiError, api, newGeneration, setCsrf, setUnauthenticatedHandler } from './api.js';
import { clearDrafts } from './forms.js';
import { addStrings, getLang, onLangChange, setLang, t, tCode } from './i18n.js';

const ROLE_RANK = { viewer: 1, worker: 2, admin: 3 };
const pages = [];

const state = {
  user: null,
  signedIn: false,
  current: null, // {page, params, view, ctx, cleanup, path}
  stalePage: false, // the language changed behind the sign-in form
};

export function registerPage(spec) {
  if (!spec || typeof spec.path !== 'string' || !spec.path.startsWith('/') || typeof spec.mount !== 'function') {
    throw new Error('registerPage needs a path starting with / and a mount function');
  }
  if (spec.role && !ROLE_RANK[spec.role]) throw new Error('registerPage: unknown role ' + spec.role);
  const names = [];
  const pattern = spec.path.split('/').map((part) => {
    if (part.startsWith(':')) {
      names.push(part.slice(1));
      return '([^/]+)';
    }
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  pages.push({ role: 'viewer', ...spec, names, re: new RegExp('^' + pattern + '/?$') });
}

export function can(role) {
  return !!state.user && (ROLE_RANK[state.user.role] || 0) >= (ROLE_RANK[role] || 99);
}

export function currentUser() {
  return state.user;
}

export function href(path) {
  return '#' + path;
}

export function go(path) {
  if (location.hash === '#' + path) route();
  else location.hash = '#' + path;
}

// The route's path and its ?query (#/participants/7?new=1).
function currentRoute() {
  const h = location.hash.replace(/^#/, '');
  if (!h.startsWith('/')) return { path: '', query: new URLSearchParams() };
  const q = h.indexOf('?');
  return q < 0 ? { path: h, query: new URLSearchParams() } : { path: h.slice(0, q), query: new URLSearchParams(h.slice(q + 1)) };
}

// The page whose path matches; a literal part wins over a :param
// (/groups/new before /groups/:id), whatever order pages registered in.
function findPage(path) {
  let best = null;
  for (const page of pages) {
    const m = page.re.exec(path);
    if (m && (!best || page.names.length < best.page.names.length)) {
      const params = {};
      page.names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      best = { page, params };
    }
  }
  return best;
}

function navPages() {
  return pages.filter((p) => p.nav && can(p.role)).sort((a, b) => a.nav.order - b.nav.order);
}

function homePath() {
  const first = navPages()[0];
  return first ? first.path : '/';
}

/* ------------------------------------------------------------- the router */

function unmount() {
  const cur = state.current;
  if (!cur) return;
  cur.ctx._alive = false;
  for (const timer of cur.ctx._timers) clearInterval(timer);
  try {
    if (typeof cur.cleanup === 'function') cur.cleanup();
  } catch (e) {
    console.error(e);
  }
  state.current = null;
}

function route() {
  if (!state.signedIn) return;
  let { path, query } = currentRoute();
  if (!path || path === '/') {
    history.replaceState(null, '', '#' + homePath());
    path = homePath();
  }
  unmount();
  document.title = 'Touchpoint';
  const view = el('div', { className: 'view' });
  $('view').replaceWith(view);
  view.id = 'view';
  const found = findPage(path);
  const ctx = makeCtx(query);
  state.current = { page: found?.page || null, params: found?.params || {}, view, ctx, cleanup: null, path };
  renderNav();
  if (!found) {
    view.append(el('h1', {}, t('not_found_title')), el('p', {}, t('not_found_text')),
      el('p', {}, el('a', { href: href(homePath()) }, t('go_home'))));
    return;
  }
  if (!can(found.page.role)) {
    view.append(el('h1', {}, t('no_access_title')), el('p', {}, t('no_access_text')),
      el('p', {}, el('a', { href: href(homePath()) }, t('go_home'))));
    return;
  }
  try {
    state.current.cleanup = found.page.mount(view, found.params, ctx);
  } catch (e) {
    console.error(e);
    view.append(el('p', { className: 'notice notice-error' }, String(e.message || e)));
  }
  // Keyboard and screen-reader users land on the new page's heading.
  const heading = view.querySelector('h1');
  if (heading && document.activeElement && !view.contains(document.activeElement)) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function makeCtx(query) {
  const ctx = {
    query,
    _alive: true,
    _timers: [],
    _resume: [],
    get user() { return state.user; },
    can,
    go,
    alive: () => ctx._alive,
    every(ms, fn) {
      ctx._timers.push(setInterval(() => {
        if (ctx._alive && state.signedIn && !document.hidden) fn();
      }, ms));
    },
    onResume(fn) { ctx._resume.push(fn); },
  };
  return ctx;
}

function renderNav() {
  const list = $('nav-list');
  const cur = state.current;
  const lit = cur && cur.page ? (cur.page.nav ? cur.page.path : cur.page.navParent) : null;
  fill(list, navPages().map((p) => el('li', {},
    el('a', { href: href(p.path), 'aria-current': p.path === lit ? 'page' : null, dataset: { nav: p.path } }, t(p.nav.label)))));
  $('nav').hidden = !state.signedIn;
}

/* --------------------------------------------------------- signing in */

function show(which) {
  for (const id of ['boot', 'signin', 'app']) $(id).hidden = id !== which;
}

function setSigninError(text) {
  $('signin-error').textContent = text || '';
  $('signin-form').classList.toggle('has-error', !!text);
}

function showSignIn(noticeKey) {
  state.signedIn = false;
  state.signinNotice = noticeKey || '';
  const notice = $('signin-notice');
  notice.hidden = !noticeKey;
  notice.textContent = noticeKey ? t(noticeKey) : '';
  renderUser();
  $('nav').hidden = true;
  show('signin');
  const user = $('username');
  if (state.user && !user.value) user.value = state.user.username;
  (user.value ? $('password') : user).focus();
}

// The session ended under a page: the form comes up over it, the page and
// what was typed in it stay, and the same person comes back to them.
function sessionEnded() {
  if (!state.signedIn) return;
  setSigninError('');
  showSignIn('session_ended');
}

async function onSignIn(ev) {
  ev.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    setSigninError(t('err_signin_missing'));
    (username ? $('password') : $('username')).focus();
    return;
  }
  const button = $('signin-button');
  button.disabled = true;
  button.textContent = t('signing_in');
  setSigninError('');
  try {
    const data = await api('POST', '/api/v1/auth/login', { username, password }, { signIn: true });
    $('password').value = '';
    startSession(data.user, data.csrf_token);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'wrong_password') setSigninError(t('err_wrong_password'));
    else if (err instanceof ApiError && err.code === 'locked') {
      const m = /(\d+)\s*minute/.exec(err.message || '');
      setSigninError(m ? t('err_locked', { n: m[1] }) : t('err_locked_soon'));
    } else if (err instanceof ApiError && err.status === 0) setSigninError(t('err_network'));
    else setSigninError(err instanceof ApiError ? (err.message || t('err_server', { status: err.status })) : String(err));
    $('password').value = '';
    $('password').focus();
  } finally {
    button.disabled = false;
    button.textContent = t('signin_button');
  }
}

function startSession(user, csrf) {
  const same = state.user && state.user.id === user.id && state.current;
  setCsrf(csrf);
  if (!same) {
    // Someone else on this screen starts afresh: nothing of the last
    // person's work is shown or kept.
    newGeneration();
    clearDrafts();
    unmount();
  }
  state.user = user;
  state.signedIn = true;
  $('signin-notice').hidden = true;
  renderUser();
  show('app');
  if (same && !state.stalePage) {
    renderNav();
    for (const fn of state.current.ctx._resume) fn();
  } else {
    route();
  }
  state.stalePage = false;
}

async function onSignOut() {
  const button = $('signout');
  button.disabled = true;
  try {
    await api('POST', '/api/v1/auth/logout', {}, { signIn: true });
  } catch (_) {
    // Signing out of an ended session is fine; anything else still leaves.
  } finally {
    button.disabled = false;
  }
  newGeneration();
  clearDrafts();
  unmount();
  fill($('view'));
  state.user = null;
  setCsrf('');
  $('username').value = '';
  $('password').value = '';
  showSignIn('signed_out');
}

function renderUser() {
  const u = state.user;
  $('user').hidden = !(u && state.signedIn);
  if (!u) return;
  $('user-name').textContent = u.display_name || u.username;
  $('user-role').textContent = tCode('role_', u.role);
}

/* ------------------------------------------------------------- language */

function applyStatic() {
  document.title = 'Touchpoint';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === getLang()));
  }
  if (state.signinNotice) $('signin-notice').textContent = t(state.signinNotice);
  if (!$('signin-button').disabled) $('signin-button').textContent = t('signin_button');
}

function onLang() {
  // An error already on the sign-in form was written in the old language.
  if ($('signin-error').textContent) setSigninError('');
  applyStatic();
  renderUser();
  if (state.signedIn) route();
  else if (state.current) state.stalePage = true;
}

/* ----------------------------------------------------------------- start */

export async function start() {
  $('signin-form').addEventListener('submit', onSignIn);
  $('signout').addEventListener('click', onSignOut);
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => setLang(button.dataset.lang));
  }
  onLangChange(onLang);
  setUnauthenticatedHandler(sessionEnded);
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.signedIn && state.current) for (const fn of state.current.ctx._resume) fn();
  });
  applyStatic();
  try {
    const data = await api('GET', '/api/v1/auth/me', undefined, { signIn: true });
    if (data && data.user) {
      startSession(data.user, data.csrf_token);
      return;
    }
    showSignIn('');
  } catch (err) {
    showSignIn('');
    if (err instanceof ApiError && err.status === 0) setSigninError(t('err_network'));
  }
}

addStrings({
  'zh-HK': {
    nav_label: '主要頁面',
    signin_title: '登入',
    username: '用戶名稱',
    password: '密碼',
    signin_button: '登入',
    signing_in: '登入中…',
    signout: '登出',
    err_signin_missing: '請輸入用戶名稱及密碼。',
    err_wrong_password: '用戶名稱或密碼不正確。',
    err_locked: '密碼錯誤次數太多，請於 {n} 分鐘後再試。',
    err_locked_soon: '密碼錯誤次數太多，請稍後再試。',
    session_ended: '登入已逾時，請重新登入。重新登入後會回到剛才的畫面，已輸入的資料仍在。',
    signed_out: '你已登出。',
    not_found_title: '找不到這一頁',
    not_found_text: '這個連結可能已經過時。',
    no_access_title: '沒有權限',
    no_access_text: '你的帳戶不能查看這一頁。',
    go_home: '回到首頁',
  },
  en: {
    nav_label: 'Main pages',
    signin_title: 'Sign in',
    username: 'Username',
    password: 'Password',
    signin_button: 'Sign in',
    signing_in: 'Signing in…',
    signout: 'Sign out',
    err_signin_missing: 'Enter your username and password.',
    err_wrong_password: 'Wrong username or password.',
    err_locked: 'Too many wrong passwords: try again in {n} minutes.',
    err_locked_soon: 'Too many wrong passwords: try again later.',
    session_ended: 'Your session has ended. Sign in again to carry on where you were; what you typed is still there.',
    signed_out: 'You have signed out.',
    not_found_title: 'Page not found',
    not_found_text: 'This link may be out of date.',
    no_access_title: 'Not allowed',
    no_access_text: 'Your account cannot see this page.',
    go_home: 'Go to the first page',
  },
});
