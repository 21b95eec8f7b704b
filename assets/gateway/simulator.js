// The console adapter's phone simulator: pick a number, read its thread,
// reply. Replies go to the gateway, which hands them to the server as
// inbound messages from that number.
const $ = (id) => document.getElementById(id);
let current = null;
let shown = '';

async function api(path, options = {}) {
  const r = await fetch(path, { headers: { 'Content-Type': 'application/json' }, ...options });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error?.message || `HTTP ${r.status}`);
  return body;
}

function hkTime(iso) {
  return iso ? iso.slice(5, 16).replace('T', ' ') : '';
}

function text(el, s) {
  el.textContent = s;
  return el;
}

const statusWords = {
  delivered: '已送達 delivered', read: '已讀 read', received: '已收到 received',
};

async function loadThreads() {
  const { threads } = await api('/simulator/api/threads');
  const list = $('threads');
  list.replaceChildren();
  $('no-threads').hidden = threads.length > 0;
  for (const t of threads) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = t.number === current ? 'current' : '';
    b.append(text(document.createElement('strong'), t.number), ' ',
             text(document.createElement('small'), `${t.channel} · ${t.count}`),
             text(Object.assign(document.createElement('span'), { className: 'last' }), t.last_text));
    b.addEventListener('click', () => open(t.number));
    li.append(b);
    list.append(li);
  }
}

async function loadThread() {
  if (!current) return;
  const { messages } = await api(`/simulator/api/thread?number=${encodeURIComponent(current)}`);
  const key = JSON.stringify(messages.map((m) => [m.id, m.status]));
  if (key === shown) return;
  shown = key;
  const ol = $('thread');
  ol.replaceChildren();
  for (const m of messages) {
    const li = document.createElement('li');
    li.className = m.direction;
    li.append(m.text);
    if (m.buttons) {
      const row = Object.assign(document.createElement('div'), { className: 'buttons' });
      for (const btn of m.buttons) {
        const b = text(Object.assign(document.createElement('button'), { type: 'button' }), btn.title);
        b.addEventListener('click', () => send(btn.title, btn.id));
        row.append(b);
      }
      li.append(row);
    }
    const form = m.form === 'template' ? ' · 範本 template' : m.form === 'buttons' ? ' · 按鈕 buttons' : '';
    li.append(text(Object.assign(document.createElement('span'), { className: 'meta' }),
      `${m.channel}${form} · ${hkTime(m.at)}${m.status ? ' · ' + (statusWords[m.status] || m.status) : ''}`));
    ol.append(li);
  }
  ol.scrollTop = ol.scrollHeight;
  const lastOut = [...messages].reverse().find((m) => m.direction === 'out');
  if (lastOut) $('channel').value = lastOut.channel;
}

async function open(number) {
  current = number;
  shown = '';
  $('empty').hidden = true;
  $('screen').hidden = false;
  $('title').textContent = number;
  await loadThread();
  await loadThreads();
}

async function send(body, buttonId) {
  $('reply-error').hidden = true;
  try {
    await api('/simulator/api/reply', {
      method: 'POST',
      body: JSON.stringify({ number: current, text: body, button_id: buttonId || null,
                             channel: $('channel').value }),
    });
    $('text').value = '';
    await loadThread();
    await loadThreads();
  } catch (e) {
    text($('reply-error'), `未能傳送 Not sent: ${e.message}`).hidden = false;
  }
}

$('pick').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('pick-error').hidden = true;
  const raw = $('number').value.trim();
  try {
    // The gateway checks the number (8 Hong Kong digits or +country...).
    await api(`/simulator/api/thread?number=${encodeURIComponent(raw)}`).then((r) => open(r.number));
  } catch (e) {
    text($('pick-error'), `號碼不正確 Not a phone number: ${e.message}`).hidden = false;
  }
});

$('reply').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const body = $('text').value.trim();
  if (body) send(body, null);
});

loadThreads().catch(() => {});
setInterval(() => {
  loadThreads().catch(() => {});
  loadThread().catch(() => {});
}, 2000);
