// Building the page from data without ever parsing data as markup: every
// string becomes a text node or an attribute value, never innerHTML (aliases,
// notes and reasons are typed by people). Also the Hong Kong clock helpers
// every page needs.

export const $ = (id) => document.getElementById(id);

// el('li', {className: 'x', dataset: {k: 'v'}, onClick: fn}, 'text', child, ...)
// Props: className, dataset, text, on<Event> handlers, and attributes
// (true sets an empty attribute; false, null and undefined leave it out).
// Children: nodes, strings (as text), arrays of them; null/false skipped.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className') node.className = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        node.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'text') node.textContent = value;
      else if (key === 'value' && 'value' in node) node.value = value;
      else if (key === 'checked' && 'checked' in node) node.checked = !!value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces node's children with these (same rules as el's children).
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// A link that opens beside the console (cards, posters: pages to print).
export function printLink(href, label, ariaLabel, className = 'btn btn-secondary') {
  return el('a', { className, href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': ariaLabel },
    label, el('span', { className: 'ext', 'aria-hidden': 'true' }, ' ↗'));
}

/* ------------------------------------------------ Hong Kong time (UTC+8, no DST) */

const HK_OFFSET_MS = 8 * 3600 * 1000;

export function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

// A Date whose UTC fields read the Hong Kong wall clock at ms.
function hkClock(ms) {
  return new Date(ms + HK_OFFSET_MS);
}

// "2026-11-24": today in Hong Kong.
export function hkToday() {
  return hkClock(Date.now()).toISOString().slice(0, 10);
}

// "2026-11-24" for an ISO time, in Hong Kong; '' when unreadable.
export function hkDay(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : hkClock(ms).toISOString().slice(0, 10);
}

// "14:05" for an ISO time, in Hong Kong; '' when unreadable.
export function hkTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = hkClock(ms);
  return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
}

// "14:05:09" now, in Hong Kong.
export function hkNowTime() {
  const d = hkClock(Date.now());
  return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
}

// "2026-11-24T14:00:00+08:00" from a day and a "14:00" time.
export function hkIso(day, time) {
  return day + 'T' + time + ':00+08:00';
}

// The day n days after a YYYY-MM-DD day.
export function addDays(day, n) {
  const d = new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000);
  return d.toISOString().slice(0, 10);
}

// 0 Sunday .. 6 Saturday, for a YYYY-MM-DD day.
export function weekday(day) {
  return new Date(Date.parse(day + 'T00:00:00Z')).getUTCDay();
}

// The last four digits of a phone number, the most an overview shows.
export function phoneTail(phone) {
  if (typeof phone !== 'string') return '';
  return phone.replace(/\D/g, '').slice(-4);
}
