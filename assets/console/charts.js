// Charts with the table they are drawn from. Chart.js (vendored from npm by
// the Makefile into /vendor/) is loaded the first time a chart is shown; the
// table under each chart carries every figure, so the page still says
// everything when the library cannot load, and a screen reader reads the
// table, not the picture.

import { el } from './dom.js';
import { t, addStrings } from './i18n.js';

let loading = null;

function loadChartLibrary() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = el('script', { src: '/vendor/chart.umd.min.js' });
      script.addEventListener('load', () => resolve(window.Chart));
      script.addEventListener('error', () => {
        loading = null;
        reject(new Error('chart library'));
      });
      document.head.append(script);
    });
  }
  return loading;
}

// The console's colours (style.css), so charts match the page.
export function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    accent: v('--accent', '#0a4b86'),
    ok: v('--ok', '#0c5e2a'),
    warn: v('--warn', '#7a4100'),
    danger: v('--danger', '#9b0c22'),
    muted: v('--muted', '#454b54'),
    line: v('--line', '#c3cad4'),
    soft: v('--accent-soft', '#e3eefa'),
  };
}

// A table: head is a list of column titles, rows a list of lists of cells
// (strings, numbers or nodes); numeric columns are right-aligned by class.
export function dataTable(caption, head, rows, { numericFrom = 1 } = {}) {
  const cellClass = (i) => (i >= numericFrom ? 'num' : null);
  return el('div', { className: 'table-wrap' },
    el('table', { className: 'data-table' },
      el('caption', { className: 'visually-hidden' }, caption),
      el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', className: cellClass(i) }, h)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (i === 0
        ? el('th', { scope: 'row' }, c)
        : el('td', { className: cellClass(i) }, c))))))));
}

// A figure: its title, the chart (config for Chart.js; none when there is
// nothing to draw) and its table. bars: for a chart of horizontal bars, how
// many, so that its height follows. Returns {node, destroy}.
export function chartFigure(title, config, table, { bars = 0 } = {}) {
  const canvas = config ? el('canvas', { role: 'img', 'aria-label': title }) : null;
  const box = canvas ? el('div', { className: 'chart-box' }, canvas) : null;
  // Set through the CSSOM: the page's policy allows no inline style markup.
  if (box && bars) box.style.height = Math.min(40, 5 + bars * 2.5) + 'rem';
  const status = el('p', { className: 'chart-status muted', role: 'status' });
  const node = el('figure', { className: 'chart' },
    el('figcaption', { className: 'chart-title' }, title), box, status, table);
  let chart = null;
  let gone = false;
  if (canvas) {
    loadChartLibrary().then((Chart) => {
      if (gone) return;
      chart = new Chart(canvas, {
        ...config,
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          ...config.options,
        },
      });
    }).catch(() => {
      if (gone) return;
      box.hidden = true;
      status.textContent = t('chart_unavailable');
    });
  }
  return {
    node,
    destroy() {
      gone = true;
      if (chart) chart.destroy();
    },
  };
}

addStrings({
  'zh-HK': { chart_unavailable: '未能顯示圖表；數字見下表。' },
  en: { chart_unavailable: 'The chart cannot be shown; the figures are in the table below.' },
});
