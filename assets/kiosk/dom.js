// Building the page from data without ever parsing data as markup: every
// string becomes a text node or an attribute value, never innerHTML.

export const $ = (id) => document.getElementById(id);

// el('li', {className: 'x', dataset: {k: 'v'}, onClick: fn}, 'text', child, ...)
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
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A big touch button: el('button') with type=button and the kiosk's classes.
export function button(label, onClick, className = 'btn', props = {}) {
  return el('button', { type: 'button', className, onClick, ...props }, label);
}

// A decorative picture from this folder (alt="" so screen readers skip it).
export function icon(name, className = 'icon') {
  return el('img', { src: '/' + name + '.svg', alt: '', className, draggable: 'false' });
}

const HK_OFFSET_MS = 8 * 3600 * 1000; // Hong Kong keeps no summer time.

function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

// "14:05" in Hong Kong for an ISO time (or a Date/ms); '' when unreadable.
export function hkTime(when) {
  const ms = typeof when === 'number' ? when : when instanceof Date ? when.getTime() : Date.parse(when);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + HK_OFFSET_MS);
  return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
}
