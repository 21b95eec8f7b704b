// The feedback form on the kiosk: one question a screen, big buttons, skip
// and back everywhere, a thank-you at the end. Forms come from the daemon
// (assets/forms/{key}.json): questions of type scale, yes_no, choice,
// number and text. A five-point scale of a form that is not a scored
// measure gets faces; other scales (PHQ-9's "how often") get their labels
// as buttons. Free text is optional: there is no on-screen keyboard, so a
// kiosk without a keyboard simply skips it.

import { el, button, icon } from './dom.js';
import { t, pick } from './i18n.js';
import { api } from './api.js';

const forms = new Map(); // key -> Promise of the definition
const ADVANCE_MS = 250;  // a chosen answer stays lit this long before moving on

export function loadForm(key) {
  if (!forms.has(key)) {
    const p = api('GET', '/api/forms/' + encodeURIComponent(key)).then(({ data }) => {
      if (!data || !Array.isArray(data.questions) || data.questions.length === 0) {
        throw new Error('empty form');
      }
      return data;
    });
    p.catch(() => forms.delete(key));
    forms.set(key, p);
  }
  return forms.get(key);
}

function usesFaces(form, q) {
  const scored = form.counting && form.counting.kind === 'score';
  return q.type === 'scale' && !scored && q.max - q.min + 1 === 5;
}

// The scale's points, each with its label in the screen's language.
function scalePoints(q) {
  const labels = Array.isArray(pick(q.labels)) ? pick(q.labels) : [];
  const points = [];
  for (let v = q.min, i = 0; v <= q.max; v++, i++) points.push({ value: v, label: labels[i] || String(v) });
  return points;
}

export class FeedbackFlow {
  // opts: {formKey, sessionId, participantId, host, onDone, onActivity}
  constructor(opts) {
    this.opts = opts;
    this.form = null;
    this.index = 0;
    this.answers = {};
    this.phase = 'loading'; // loading | question | sending | thanks | failed | load_failed
    this.sendError = false;
    this.advanceTimer = 0;
    this.closed = false;
  }

  async start() {
    this.render();
    try {
      this.form = await loadForm(this.opts.formKey);
      if (this.closed) return;
      this.phase = 'question';
    } catch (_) {
      this.phase = 'load_failed';
    }
    this.render();
  }

  close() {
    this.closed = true;
    clearTimeout(this.advanceTimer);
  }

  get host() {
    return this.opts.host;
  }

  answer(key, value) {
    this.opts.onActivity?.();
    if (value === undefined || value === null || value === '') delete this.answers[key];
    else this.answers[key] = value;
  }

  next() {
    clearTimeout(this.advanceTimer);
    if (this.index + 1 < this.form.questions.length) {
      this.index++;
      this.render();
    } else {
      this.send();
    }
  }

  isLast() {
    return this.index === this.form.questions.length - 1;
  }

  back() {
    clearTimeout(this.advanceTimer);
    if (this.index > 0) {
      this.index--;
      this.render();
    }
  }

  // A tap on an answer: light it, then move on.
  choose(q, value) {
    this.answer(q.key, value);
    this.render();
    this.advanceTimer = setTimeout(() => this.next(), ADVANCE_MS);
  }

  async send() {
    if (Object.keys(this.answers).length === 0) {
      // Every question skipped: nothing to record, thank her all the same.
      this.phase = 'thanks';
      this.render();
      return;
    }
    this.phase = 'sending';
    this.render();
    const body = { form: this.form.key || this.opts.formKey, answers: this.answers };
    if (this.opts.sessionId) body.session_id = this.opts.sessionId;
    if (this.opts.participantId && !this.form.anonymous) body.participant_id = this.opts.participantId;
    try {
      await api('POST', '/api/feedback', body);
      this.phase = 'thanks';
    } catch (_) {
      this.phase = 'failed';
    }
    if (!this.closed) this.render();
  }

  render() {
    if (this.closed) return;
    const host = this.host;
    host.replaceChildren();
    if (this.phase === 'loading' || this.phase === 'sending') {
      host.append(el('div', { className: 'fb-wait' }, el('p', { className: 'lead' },
        t(this.phase === 'loading' ? 'loading' : 'sending'))));
      return;
    }
    if (this.phase === 'load_failed') {
      host.append(el('div', { className: 'fb-end' },
        el('h1', { className: 'headline' }, t('form_failed')),
        el('div', { className: 'actions' }, button(t('done'), () => this.opts.onDone(false), 'btn btn-primary btn-big'))));
      return;
    }
    if (this.phase === 'thanks') {
      host.append(el('div', { className: 'fb-end', dataset: { testid: 'thanks' } },
        icon('tick', 'result-icon'),
        el('h1', { className: 'headline' }, t('thanks_title')),
        el('p', { className: 'lead' }, t('thanks_sub')),
        el('div', { className: 'actions' }, button(t('done'), () => this.opts.onDone(true), 'btn btn-primary btn-big'))));
      return;
    }
    const form = this.form;
    const q = form.questions[this.index];
    const n = form.questions.length;
    const head = el('div', { className: 'fb-head' },
      el('span', { className: 'fb-title' }, pick(form.title)),
      el('span', { className: 'fb-progress' }, t('q_progress', { i: this.index + 1, n })));
    const bar = el('div', { className: 'fb-bar', 'aria-hidden': 'true' });
    for (let i = 0; i < n; i++) bar.append(el('span', { className: i <= this.index ? 'on' : '' }));
    const body = el('div', { className: 'fb-body' });
    if (form.intro) body.append(el('p', { className: 'fb-intro' }, pick(form.intro)));
    body.append(el('h1', { className: 'fb-question', id: 'fb-q' }, pick(q.text)));
    body.append(this.answerBlock(form, q));
    if (this.phase === 'failed') {
      body.append(el('p', { className: 'fb-error', role: 'alert' }, t('feedback_failed')));
    }
    const nav = el('div', { className: 'fb-nav' },
      button(t('back'), () => this.back(), 'btn btn-secondary btn-nav', { disabled: this.index === 0 || undefined, dataset: { testid: 'fb-back' } }),
      this.phase === 'failed'
        ? button(t('send'), () => this.send(), 'btn btn-primary btn-nav', { dataset: { testid: 'fb-send' } })
        : button(t('skip'), () => { this.answer(q.key, undefined); this.next(); }, 'btn btn-secondary btn-nav', { dataset: { testid: 'fb-skip' } }),
      button(t('leave_form'), () => this.opts.onDone(false), 'btn btn-quiet btn-nav'));
    host.append(head, bar, body, nav);
  }

  answerBlock(form, q) {
    const current = this.answers[q.key];
    const pressed = (v) => String(current === v);
    if (q.type === 'scale' && usesFaces(form, q)) {
      const row = el('div', { className: 'faces', role: 'group', 'aria-labelledby': 'fb-q' });
      scalePoints(q).forEach((p, i) => {
        row.append(el('button', {
          type: 'button', className: 'face', 'aria-pressed': pressed(p.value),
          dataset: { value: String(p.value) }, onClick: () => this.choose(q, p.value),
        }, icon('face-' + (i + 1), 'face-img'), el('span', { className: 'face-label' }, p.label)));
      });
      return row;
    }
    if (q.type === 'scale') {
      const col = el('div', { className: 'options', role: 'group', 'aria-labelledby': 'fb-q' });
      for (const p of scalePoints(q)) {
        col.append(el('button', {
          type: 'button', className: 'option', 'aria-pressed': pressed(p.value),
          dataset: { value: String(p.value) }, onClick: () => this.choose(q, p.value),
        }, p.label));
      }
      return col;
    }
    if (q.type === 'yes_no') {
      return el('div', { className: 'yesno', role: 'group', 'aria-labelledby': 'fb-q' },
        el('button', { type: 'button', className: 'option option-yes', 'aria-pressed': pressed(true), dataset: { value: 'yes' }, onClick: () => this.choose(q, true) },
          icon('tick', 'option-icon'), t('yes')),
        el('button', { type: 'button', className: 'option option-no', 'aria-pressed': pressed(false), dataset: { value: 'no' }, onClick: () => this.choose(q, false) },
          icon('cross', 'option-icon'), t('no')));
    }
    if (q.type === 'choice') {
      const col = el('div', { className: 'options', role: 'group', 'aria-labelledby': 'fb-q' });
      for (const o of q.options || []) {
        col.append(el('button', {
          type: 'button', className: 'option', 'aria-pressed': pressed(o.value),
          dataset: { value: o.value }, onClick: () => this.choose(q, o.value),
        }, pick(o.text)));
      }
      return col;
    }
    if (q.type === 'number') {
      const min = Number.isInteger(q.min) ? q.min : 0;
      const max = Number.isInteger(q.max) ? q.max : 999;
      const value = Number.isInteger(current) ? current : min;
      const shown = el('output', { className: 'stepper-value', 'aria-live': 'polite' }, String(value));
      const set = (v) => {
        this.answer(q.key, Math.min(max, Math.max(min, v)));
        this.render();
      };
      return el('div', { className: 'stepper-wrap' },
        el('div', { className: 'stepper' },
          button('−', () => set(value - 1), 'btn btn-secondary btn-step', { 'aria-label': '−', disabled: value <= min || undefined }),
          shown,
          button('+', () => set(value + 1), 'btn btn-secondary btn-step', { 'aria-label': '+', disabled: value >= max || undefined })),
        button(this.isLast() ? t('send') : t('next'), () => { this.answer(q.key, value); this.next(); }, 'btn btn-primary btn-big'));
    }
    // Free text: a keyboard may be plugged in; without one, Skip.
    const area = el('textarea', {
      className: 'fb-text', rows: '3', maxlength: String(q.max || 500),
      'aria-labelledby': 'fb-q', autocomplete: 'off', spellcheck: 'false',
    });
    area.value = typeof current === 'string' ? current : '';
    area.addEventListener('input', () => this.opts.onActivity?.());
    return el('div', { className: 'fb-textwrap' },
      el('p', { className: 'fb-hint' }, t('text_hint')),
      area,
      button(this.isLast() ? t('send') : t('next'), () => { this.answer(q.key, area.value.trim()); this.next(); },
        'btn btn-primary btn-big', { dataset: { testid: 'fb-text-next' } }));
  }
}
