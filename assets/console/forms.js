// Forms that check on the page and still show the server's word: each field
// has a label, a hint and its own error line; a server error naming a field
// ({"error": {"code", "message", "field"}}) appears next to that field, any
// other above the buttons. What was typed is kept as a draft under the
// form's key until it is saved, so changing the language, an ended sign-in
// or going to another page and back loses nothing. Drafts live in memory
// only (never in storage: phone numbers stay off the disk) and are dropped
// at sign-out. A page may keep more of its own under the form's key
// (keepDraft, keptDraft: the dates unticked in a term plan), kept and
// dropped with the fields.
//
//   const f = form({
//     key: 'participant-new',
//     fields: [{ name: 'alias', label: 'f_alias', required: true, max: 40 }, ...],
//     initial: row,                  // values to start from
//     submit: 'save',                // the button's string key
//     onSubmit: async (values) => { await post(...); },  // throw ApiError to show it
//     onInput: (values) => {},       // after every change (a preview)
//     before, after: nodes put before and after the fields
//   });
//   view.append(f.node);
//
// Field: name, label (string key), type (text, tel, date, time, number,
// select, checkbox, textarea, password), required, max (characters, or the
// largest number), min, options ([{value, label: string key | text: data}]), hint (string key),
// validate(value, values) -> string key or null, server (other names the
// server may use for it), show(values) -> bool (hidden and left out when
// false), attrs (more attributes for the input).

import { ApiError, errorText } from './api.js';
import { el } from './dom.js';
import { addStrings, t } from './i18n.js';

const drafts = new Map(); // form key -> {name: value}
const extras = new Map(); // form key -> {name: what the page keeps beside the fields}
let formSeq = 0;

export function clearDrafts() {
  drafts.clear();
  extras.clear();
}

export function dropDraft(key) {
  drafts.delete(key);
  extras.delete(key);
}

// Keeps value (plain data) under the form's key until the form is saved,
// dropped or the person signs out.
export function keepDraft(key, name, value) {
  extras.set(key, { ...(extras.get(key) || {}), [name]: value });
}

// What keepDraft kept, or undefined.
export function keptDraft(key, name) {
  return extras.get(key)?.[name];
}

const PHONE_RE = /^(\+[1-9][\d ()-]{6,20}|(\+?852[ -]?)?\d{4}[ -]?\d{4})$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

// What a field's input holds, as the API takes it ('' becomes null).
function readInput(spec, input) {
  if (spec.type === 'checkbox') return input.checked;
  const raw = input.value;
  if (spec.type === 'number') return raw.trim() === '' ? null : Number(raw);
  if (spec.type === 'password') return raw === '' ? null : raw;
  const v = raw.trim();
  return v === '' ? null : v;
}

// The string key of what is wrong with value, or null.
function check(spec, value, values) {
  const empty = value === null || value === undefined || value === '' || value === false;
  if (spec.required && empty && spec.type !== 'checkbox') return 'err_missing';
  if (empty) return spec.validate ? spec.validate(value, values) : null;
  if (spec.type === 'number') {
    if (!Number.isInteger(value)) return 'err_whole_number';
    if (spec.min !== undefined && value < spec.min) return t('err_at_least', { n: spec.min });
    if (spec.max !== undefined && value > spec.max) return t('err_at_most', { n: spec.max });
  } else if (typeof value === 'string') {
    if (spec.max && [...value].length > spec.max) return t('err_too_long', { n: spec.max });
    if (spec.type === 'tel' && !PHONE_RE.test(value)) return 'err_phone';
    if (spec.type === 'date' && !DATE_RE.test(value)) return 'err_date';
    if (spec.type === 'time' && !TIME_RE.test(value)) return 'err_time';
  }
  return spec.validate ? spec.validate(value, values) : null;
}

// A string key becomes its text; text already made stays.
const say = (keyOrText) => t(keyOrText);

export function form({ key, fields, initial = {}, submit = 'save', onSubmit, onInput, before = null, after = null, className = '' }) {
  const id = 'f' + ++formSeq;
  const start = { ...initial, ...(drafts.get(key) || {}) };
  const parts = new Map(); // name -> {spec, input, error, wrap}
  const status = el('p', { className: 'form-status', role: 'alert' });
  const button = el('button', { type: 'submit', className: 'btn btn-primary' }, t(submit));

  for (const spec of fields) {
    const inputId = id + '-' + spec.name;
    const errorId = inputId + '-error';
    const hintId = spec.hint ? inputId + '-hint' : null;
    const common = {
      id: inputId, name: spec.name, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
      required: !!spec.required, ...spec.attrs,
    };
    const v = start[spec.name];
    let input;
    if (spec.type === 'select') {
      input = el('select', common,
        spec.required ? null : el('option', { value: '' }, t('none')),
        (spec.options || []).map((o) => el('option', { value: o.value }, o.text ?? (o.label ? t(o.label) : o.value))));
      input.value = v === null || v === undefined ? (spec.required && spec.options?.[0] ? spec.options[0].value : '') : String(v);
    } else if (spec.type === 'checkbox') {
      input = el('input', { ...common, type: 'checkbox', checked: !!v });
    } else if (spec.type === 'textarea') {
      input = el('textarea', { ...common, rows: 3, maxlength: spec.max }, v ?? '');
    } else {
      input = el('input', {
        ...common,
        type: spec.type === 'tel' ? 'tel' : spec.type || 'text',
        maxlength: spec.type === 'number' ? null : spec.max,
        min: spec.type === 'number' ? spec.min : null,
        max: spec.type === 'number' ? spec.max : null,
        inputmode: spec.type === 'number' ? 'numeric' : null,
        autocomplete: spec.autocomplete || 'off',
        value: v === null || v === undefined ? '' : String(v),
      });
    }
    const error = el('p', { id: errorId, className: 'field-error' });
    const label = el('label', { for: inputId }, t(spec.label), spec.required ? el('span', { className: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const wrap = el('div', { className: 'field field-' + (spec.type || 'text') + (spec.wide ? ' field-wide' : ''), dataset: { field: spec.name } },
      spec.type === 'checkbox' ? el('div', { className: 'check' }, input, label) : [label, input],
      spec.hint ? el('p', { id: hintId, className: 'field-hint' }, t(spec.hint)) : null,
      error);
    parts.set(spec.name, { spec, input, error, wrap });
  }

  function values({ all = false } = {}) {
    const out = {};
    for (const [name, p] of parts) out[name] = readInput(p.spec, p.input);
    if (all) return out;
    for (const [name, p] of parts) if (p.spec.show && !p.spec.show(out)) delete out[name];
    return out;
  }

  function showError(name, text) {
    const p = parts.get(name);
    if (!p) return false;
    p.error.textContent = text || '';
    p.wrap.classList.toggle('has-error', !!text);
    if (text) p.input.setAttribute('aria-invalid', 'true');
    else p.input.removeAttribute('aria-invalid');
    return true;
  }

  function setStatus(kind, text) {
    status.className = 'form-status' + (text ? ' notice notice-' + kind : '');
    status.textContent = text || '';
  }

  // Shows and hides fields that depend on others; keeps the draft once
  // something was typed.
  function refresh(typed) {
    const vals = values({ all: true });
    for (const p of parts.values()) {
      p.wrap.hidden = p.spec.show ? !p.spec.show(vals) : false;
    }
    if (typed) drafts.set(key, vals);
    if (onInput) onInput(values());
  }

  const node = el('form', { className: 'form ' + className, novalidate: true },
    before,
    el('div', { className: 'fields' }, [...parts.values()].map((p) => p.wrap)),
    after,
    status,
    el('div', { className: 'form-actions' }, button));

  node.addEventListener('input', (ev) => {
    const name = ev.target.name;
    if (parts.has(name) && parts.get(name).wrap.classList.contains('has-error')) showError(name, '');
    if (status.textContent) setStatus('', '');
    refresh(true);
  });
  node.addEventListener('change', () => refresh(true));

  node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    const vals = values();
    let first = null;
    for (const [name, p] of parts) {
      if (!(name in vals)) {
        showError(name, '');
        continue;
      }
      const problem = check(p.spec, vals[name], vals);
      showError(name, problem ? say(problem) : '');
      if (problem && !first) first = p.input;
    }
    if (first) {
      setStatus('error', t('err_form'));
      first.focus();
      return;
    }
    setStatus('', '');
    button.disabled = true;
    button.textContent = t('saving');
    try {
      const message = await onSubmit(vals, self);
      dropDraft(key);
      if (message) setStatus('ok', message);
    } catch (err) {
      showServerError(err);
    } finally {
      button.disabled = false;
      button.textContent = t(submit);
    }
  });

  // A server error next to the field it names, else above the buttons.
  function showServerError(err) {
    if (err instanceof ApiError && err.status === 401) {
      setStatus('warn', t('err_session_ended'));
      return;
    }
    const text = errorText(err);
    const name = err instanceof ApiError && err.field
      ? [...parts.keys()].find((n) => n === err.field || (parts.get(n).spec.server || []).includes(err.field))
      : null;
    if (name && !parts.get(name).wrap.hidden && showError(name, text)) {
      setStatus('error', t('err_form'));
      parts.get(name).input.focus();
    } else {
      setStatus('error', text);
    }
  }

  const self = { node, values, showError, setStatus, showServerError, input: (name) => parts.get(name)?.input };
  refresh(false);
  return self;
}

addStrings({
  'zh-HK': {
    err_form: '請更正上面標示的項目。',
    err_too_long: '最多 {n} 個字。',
    err_whole_number: '請輸入整數。',
    err_at_least: '最少是 {n}。',
    err_at_most: '最多是 {n}。',
    err_phone: '請輸入香港的 8 位數字電話，或以 + 開頭的海外號碼。',
    err_date: '請輸入日期（年-月-日）。',
    err_time: '請輸入時間（時:分，例如 14:00）。',
  },
  en: {
    err_form: 'Please correct what is marked above.',
    err_too_long: 'At most {n} characters.',
    err_whole_number: 'Enter a whole number.',
    err_at_least: 'At least {n}.',
    err_at_most: 'At most {n}.',
    err_phone: 'Enter an 8-digit Hong Kong number, or an overseas one starting with +.',
    err_date: 'Enter a date (year-month-day).',
    err_time: 'Enter a time (hours:minutes, such as 14:00).',
  },
});
