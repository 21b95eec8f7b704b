// Touchpoint: the page a session QR opens on a phone. She signs in with one
// tap when this phone is remembered, or with her phone number and a
// one-time code. Traditional Chinese first, English at a tap. It shows the
// session's date and time only, never what the group is.

const TEXT = {
  'zh-HK': {
    other: 'English',
    loading: '請稍候…',
    sign_in: '簽到',
    not_me: '不是我',
    hello: (alias) => `${alias}，簽到？`,
    phone_title: '請輸入你的電話號碼',
    phone_label: '電話號碼',
    send_code: '取得驗證碼',
    code_title: '請輸入驗證碼',
    code_sent: '如這個號碼已登記，驗證碼會以短訊傳送給你。',
    code_label: '6 位數字驗證碼',
    verify: '確認',
    new_code: '重新取得驗證碼',
    done_ok: (alias) => `${alias}，已簽到`,
    done_already: (alias) => `${alias}，你已經簽到了`,
    done_walk_in: '職員稍後會跟你聯絡。',
    expired: '請再掃描螢幕上的二維碼',
    expired_more: '這個二維碼已過期。',
    when: (d) => `${d.month}月${d.day}日 ${d.from}–${d.to}`,
    wrong_code: (left) => (left === null ? '驗證碼不正確。' : `驗證碼不正確，還可以再試 ${left} 次。`),
    errors: {
      locked: '錯誤次數太多，請重新取得驗證碼。',
      expired_code: '驗證碼已過期，請重新取得。',
      no_code: '請先取得驗證碼。',
      too_many_codes: '這個號碼已取得太多驗證碼，請稍後再試，或找職員協助。',
      phone: '請輸入正確的電話號碼。',
      code: '請輸入 6 位數字驗證碼。',
      session_cancelled: '這節已取消，請找職員。',
      ask_worker: '請找職員協助簽到。',
      network: '網絡出現問題，請再試一次。',
      other: '出現問題，請找職員協助。',
    },
  },
  en: {
    other: '中文',
    loading: 'One moment…',
    sign_in: 'Sign in',
    not_me: 'Not me',
    hello: (alias) => `${alias}, sign in?`,
    phone_title: 'Your phone number',
    phone_label: 'Phone number',
    send_code: 'Get a code',
    code_title: 'Enter the code',
    code_sent: 'If this number is registered, a code is on its way by text message.',
    code_label: '6-digit code',
    verify: 'Confirm',
    new_code: 'Get a new code',
    done_ok: (alias) => `${alias}, you are signed in`,
    done_already: (alias) => `${alias}, you were already signed in`,
    done_walk_in: 'A worker will be in touch with you.',
    expired: 'Please scan the code on the screen again',
    expired_more: 'This code has expired.',
    when: (d) => `${d.day} ${d.monthName}, ${d.from}–${d.to}`,
    wrong_code: (left) => (left === null ? 'Wrong code.' : `Wrong code: ${left} more tries.`),
    errors: {
      locked: 'Too many wrong codes. Please get a new code.',
      expired_code: 'The code has expired. Please get a new one.',
      no_code: 'Please get a code first.',
      too_many_codes: 'Too many codes for this number. Please try later, or ask a worker.',
      phone: 'Please check the phone number.',
      code: 'Please enter the 6 digits of the code.',
      session_cancelled: 'This session was cancelled. Please ask a worker.',
      ask_worker: 'Please ask a worker to sign you in.',
      network: 'The network is not answering. Please try again.',
      other: 'Something went wrong. Please ask a worker.',
    },
  },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SCREENS = ['loading', 'remembered', 'phone', 'code', 'done', 'expired'];

const state = {
  lang: 'zh-HK',
  screen: 'loading',
  link: decodeURIComponent(location.pathname.replace(/^\/p\//, '')),
  ticket: null,
  session: null,
  alias: null,
  phone: '',
  result: null,
  message: null, // a function of the strings, so a language switch redraws it
};

const $ = (id) => document.getElementById(id);

// "2026-11-24T14:00:00+08:00" is Hong Kong time as the server sends it: read
// the parts as written, whatever the phone's own time zone.
function when(session) {
  const [date, start] = session.starts_at.split('T');
  const end = session.ends_at.split('T')[1];
  const [, month, day] = date.split('-').map(Number);
  return { month, day, monthName: MONTHS[month - 1], from: start.slice(0, 5), to: end.slice(0, 5) };
}

function render() {
  const t = TEXT[state.lang];
  document.documentElement.lang = state.lang;
  $('lang').textContent = t.other;
  for (const el of document.querySelectorAll('[data-t]')) {
    const v = t[el.dataset.t];
    if (typeof v === 'string') el.textContent = v;
  }
  for (const s of SCREENS) $(s).hidden = s !== state.screen;
  $('when').textContent = state.session ? t.when(when(state.session)) : '';
  $('hello').textContent = state.alias ? t.hello(state.alias) : '';
  if (state.result) {
    const r = state.result;
    $('done-title').textContent = r.status === 'already' ? t.done_already(r.alias) : t.done_ok(r.alias);
    $('done-more').textContent = r.status === 'not_enrolled' ? t.done_walk_in : '';
  }
  $('message').textContent = state.message ? state.message(t) : '';
}

function show(screen, message = null) {
  state.screen = screen;
  state.message = message;
  render();
}

async function call(method, path, body) {
  try {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    return { status: res.status, json };
  } catch (e) {
    return { status: 0, json: null };
  }
}

// What an error answer means to her, as a function of the strings.
function explain(res) {
  if (res.status === 0) return (t) => t.errors.network;
  const err = (res.json && res.json.error) || {};
  if (err.code === 'wrong_code') {
    const m = /(\d+) tries left/.exec(err.message || '');
    const left = m ? Number(m[1]) : null;
    return (t) => t.wrong_code(left);
  }
  if (err.code === 'invalid_field' || err.code === 'missing_field') {
    return (t) => t.errors[err.field] || t.errors.other;
  }
  return (t) => t.errors[err.code] || t.errors.other;
}

function signedIn(res) {
  if (res.status === 200 || res.status === 201) {
    state.result = { status: res.json.status, alias: res.json.alias };
    show('done');
    return true;
  }
  if (res.status === 410) {
    show('expired');
    return true;
  }
  return false;
}

async function start() {
  const res = await call('GET', `/api/v1/phone/link/${encodeURIComponent(state.link)}`);
  if (res.status !== 200) {
    show(res.status === 410 ? 'expired' : 'phone', res.status === 410 ? null : explain(res));
    return;
  }
  state.ticket = res.json.ticket;
  state.session = res.json.session;
  state.alias = res.json.remembered ? res.json.remembered.alias : null;
  show(state.alias ? 'remembered' : 'phone');
}

async function tap() {
  const res = await call('POST', '/api/v1/phone/checkin', { ticket: state.ticket });
  if (signedIn(res)) return;
  if (res.status === 401) {
    state.alias = null;
    show('phone');
  } else {
    show('remembered', explain(res));
  }
}

async function notMe() {
  await call('POST', '/api/v1/phone/forget', {});
  state.alias = null;
  show('phone');
}

async function askCode(event) {
  if (event) event.preventDefault();
  state.phone = $('phone-input').value.trim();
  const res = await call('POST', '/api/v1/phone/code', { ticket: state.ticket, phone: state.phone });
  if (res.status === 202) {
    $('code-input').value = '';
    show('code');
    $('code-input').focus();
  } else if (res.status === 410) {
    show('expired');
  } else {
    show(state.screen, explain(res));
  }
}

async function verify(event) {
  event.preventDefault();
  const code = $('code-input').value.trim();
  const res = await call('POST', '/api/v1/phone/verify', { ticket: state.ticket, phone: state.phone, code });
  if (!signedIn(res)) show('code', explain(res));
}

$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'zh-HK' ? 'en' : 'zh-HK';
  render();
});
$('tap').addEventListener('click', tap);
$('not-me').addEventListener('click', notMe);
$('phone-form').addEventListener('submit', askCode);
$('code-form').addEventListener('submit', verify);
$('again').addEventListener('click', () => show('phone'));
render();
start();
