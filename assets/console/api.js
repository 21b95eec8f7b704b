// The one way pages talk to the server: JSON over /api/v1/ with the session
// cookie, the CSRF header on every call that changes something, and errors
// as ApiError {status, code, field, message}. A 401 hands over to the shell
// (which shows the sign-in form over the page, keeping what was typed) and
// rejects the call: nothing was done, so the person can press it again once
// signed in.

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message || code || 'error');
    this.status = status;
    this.code = code || '';
    this.field = field || '';
    this.body = body || null;
  }

  // The server's message without its "field: " prefix.
  get detail() {
    const m = this.message || '';
    return this.field && m.startsWith(this.field + ': ') ? m.slice(this.field.length + 2) : m;
  }
}

let csrf = '';
let generation = 0;
let onUnauthenticated = () => {};

export function setCsrf(token) {
  csrf = token || '';
}

// fn(error) runs when a call answers 401 (the session has ended).
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

// Starts a new era: answers to calls sent before it (by a person who has
// since signed out) are dropped, never shown to the next one.
export function newGeneration() {
  generation++;
}

// True for the errors a page need not show: the sign-in form is already up,
// or the answer belonged to an earlier sign-in.
export function isQuiet(err) {
  return err instanceof ApiError && (err.status === 401 || err.code === 'stale');
}

// api('POST', '/api/v1/participants', {alias: 'Mei'}) -> the reply's JSON.
// Options: signIn (a 401 is an answer, not an ended session).
export async function api(method, path, body, { signIn = false } = {}) {
  const sent = generation;
  const headers = { Accept: 'application/json' };
  const opts = { method, credentials: 'same-origin', headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, opts);
  } catch (_) {
    throw new ApiError(0, 'network', t('err_network'));
  }
  let data = null;
  try {
    data = await res.json();
  } catch (_) { /* not JSON */ }
  if (!signIn && sent !== generation) throw new ApiError(0, 'stale', '');
  const e = (data && data.error) || {};
  if (res.status === 401 && !signIn) {
    const err = new ApiError(401, e.code || 'unauthenticated', e.message || '', e.field);
    onUnauthenticated(err);
    throw err;
  }
  if (!res.ok) throw new ApiError(res.status, e.code, e.message, e.field, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);

// Every item of a paged list (?limit=&after=), up to maxPages pages.
export async function list(path, { limit = 200, maxPages = 20 } = {}) {
  const items = [];
  let after = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const data = await get(path + sep + 'limit=' + limit + (after ? '&after=' + encodeURIComponent(after) : ''));
    items.push(...(data.items || []));
    if (data.next === null || data.next === undefined) break;
    after = data.next;
  }
  return items;
}

// "/api/v1/participants?q=mei&group_id=3" from a path and the set values.
export function query(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? path + '?' + s : path;
}

// A message for people: in the page's language where the code is known,
// with the server's own words (English) where only they say what is wrong.
export function errorText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 0) return t('err_network');
  if (err.status === 401) return t('err_session_ended');
  if (err.status === 403) return t('err_forbidden');
  if (err.status === 404) return t('err_not_found');
  if (err.code === 'missing_field') return t('err_missing');
  if (err.status === 409 || err.code === 'conflict') return t('err_conflict', { msg: err.detail });
  if (err.status === 400 && err.detail) return t('err_invalid', { msg: err.detail });
  if (err.detail && err.detail !== err.code) return err.detail;
  return t('err_server', { status: err.status });
}
