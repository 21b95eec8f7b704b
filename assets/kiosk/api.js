// Calls to the kiosk daemon's local JSON API (kiosk/ui.c). Every request
// that changes anything carries "X-Kiosk: 1"; staff calls carry the token
// the PIN gave. A 401 on a staff call ends staff mode.

export class ApiError extends Error {
  constructor(status, code, message, data) {
    super(message || code || 'error');
    this.status = status; // 0: the daemon did not answer
    this.code = code || '';
    this.data = data || null;
  }
}

let staffToken = '';
let onStaffExpired = () => {};

export function setStaffToken(token) {
  staffToken = token || '';
}

export function onStaffEnded(fn) {
  onStaffExpired = fn;
}

const TIMEOUT_MS = 10000;

export async function api(method, path, body, { staff = false } = {}) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, cache: 'no-store', credentials: 'same-origin' };
  if (method !== 'GET') headers['X-Kiosk'] = '1';
  if (staff && staffToken) headers['X-Staff-Token'] = staffToken;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const abort = new AbortController();
  opts.signal = abort.signal;
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, opts);
  } catch (_) {
    throw new ApiError(0, 'network', '');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch (_) { /* not JSON */ }
  if (!res.ok) {
    const e = (data && data.error) || {};
    if (res.status === 401 && staff) {
      staffToken = '';
      onStaffExpired();
    }
    throw new ApiError(res.status, e.code || '', e.message || '', data);
  }
  return { status: res.status, data, headers: res.headers };
}
