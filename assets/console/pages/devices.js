// Kiosks and service tokens (admins): create a kiosk for a venue and pair it
// with a one-time code (shown large, and as a QR for the kiosk's camera),
// create a gateway and see its token once, revoke either for good.

import { registerPage } from '../shell.js';
import { errorText, isQuiet, list, post } from '../api.js';
import { el, fill } from '../dom.js';
import { form } from '../forms.js';
import '../widgets.js'; // the words pages share
import { addStrings, collator, dateTime, t, tCode } from '../i18n.js';

function mount(view, params, ctx) {
  const status = el('p', { className: 'section-status', role: 'status' }, t('loading'));
  const rows = el('ul', { className: 'plain-list', dataset: { testid: 'devices' } });
  const shown = el('div', { className: 'notice-slot', 'aria-live': 'polite' });
  const f = form({
    key: 'device-new',
    className: 'form-row',
    fields: [
      { name: 'name', label: 'f_device_name', required: true, max: 100 },
      { name: 'kind', label: 'f_device_kind', type: 'select', required: true, options: [{ value: 'kiosk', label: 'kind_kiosk' }, { value: 'gateway', label: 'kind_gateway' }] },
      { name: 'venue', label: 'f_venue', max: 100, hint: 'h_device_venue', show: (v) => v.kind === 'kiosk' },
    ],
    initial: { kind: 'kiosk' },
    submit: 'device_create',
    onSubmit: async (v) => {
      const body = { name: v.name, kind: v.kind };
      if (v.venue) body.venue = v.venue;
      const made = await post('/api/v1/devices', body);
      f.node.reset();
      if (made.kind === 'kiosk') await pair(made);
      else showToken(made);
      await load();
    },
  });
  view.append(
    el('section', { className: 'panel' },
      el('div', { className: 'section-head' }, el('h1', {}, t('devices_title'))),
      shown, status, rows),
    el('section', { className: 'panel' }, el('h2', {}, t('device_new')), f.node));

  // The gateway's token: shown once, here, never again.
  function showToken(d) {
    fill(shown, el('div', { className: 'notice notice-warn', role: 'status' },
      el('p', {}, t('token_once', { name: d.name })),
      el('code', { className: 'secret', dataset: { testid: 'token' } }, d.token)));
  }

  async function pair(d) {
    try {
      const p = await post('/api/v1/devices/' + d.id + '/pairing');
      fill(shown, el('div', { className: 'pairing', dataset: { testid: 'pairing' } },
        el('h2', {}, t('pair_title', { name: d.name })),
        el('p', {}, t('pair_help')),
        el('p', { className: 'pair-code', dataset: { testid: 'pair-code' } }, p.code),
        el('img', { className: 'pair-qr', alt: t('pair_qr_alt'), src: '/api/v1/devices/' + d.id + '/pairing.svg?code=' + encodeURIComponent(p.code) }),
        el('p', { className: 'muted' }, t('pair_expires', { t: dateTime(p.expires_at) }))));
    } catch (err) {
      if (!isQuiet(err)) fill(shown, el('p', { className: 'notice notice-error', role: 'alert' }, errorText(err)));
    }
  }

  function revokeButton(d) {
    const button = el('button', { type: 'button', className: 'btn btn-secondary danger-text', 'aria-label': t('revoke') + ': ' + d.name }, t('revoke'));
    let armed = false;
    button.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        button.className = 'btn btn-danger';
        button.textContent = t('revoke_confirm');
        return;
      }
      button.disabled = true;
      try {
        await post('/api/v1/devices/' + d.id + '/archive');
        fill(shown, el('p', { className: 'notice notice-ok', role: 'status' }, t('revoked_ok', { name: d.name })));
        await load();
      } catch (err) {
        button.disabled = false;
        if (!isQuiet(err)) fill(shown, el('p', { className: 'notice notice-error', role: 'alert' }, errorText(err)));
      }
    });
    return button;
  }

  function row(d) {
    const revoked = !!d.archived_at;
    const facts = [tCode('kind_', d.kind), d.venue,
      d.last_seen_at ? t('last_seen', { t: dateTime(d.last_seen_at) }) : t('never_seen'),
      d.paired_at ? t('paired_at', { t: dateTime(d.paired_at) }) : null,
      revoked ? t('revoked_at', { t: dateTime(d.archived_at) }) : null];
    return el('li', { className: 'result-row' + (revoked ? ' is-revoked' : ''), dataset: { device: d.id } },
      el('div', { className: 'result-info' },
        el('span', { className: 'group-name' }, d.name),
        el('span', { className: 'result-facts' }, facts.filter(Boolean).join(' · '))),
      revoked ? null : el('div', { className: 'row-actions' },
        d.kind === 'kiosk' ? el('button', { type: 'button', className: 'btn btn-secondary', onClick: () => pair(d) }, t('pair')) : null,
        revokeButton(d)));
  }

  async function load() {
    try {
      const items = await list('/api/v1/devices?archived=include');
      if (!ctx.alive()) return;
      items.sort((a, b) => (!!a.archived_at - !!b.archived_at) || collator().compare(a.name, b.name));
      status.textContent = items.length ? '' : t('no_devices');
      fill(rows, items.map(row));
    } catch (err) {
      if (isQuiet(err)) return;
      status.textContent = t('load_failed', { msg: errorText(err) });
    }
  }
  load();
  ctx.onResume(load);
}

registerPage({ path: '/devices', nav: { label: 'nav_devices', order: 80 }, role: 'admin', mount });

addStrings({
  'zh-HK': {
    nav_devices: '簽到機',
    devices_title: '簽到機及服務憑證',
    device_new: '新增',
    device_create: '新增',
    f_device_name: '名稱',
    f_device_kind: '類別',
    kind_kiosk: '簽到機',
    kind_gateway: '訊息閘道',
    h_device_venue: '簽到機所在的房間，與活動的地點一致。',
    no_devices: '未有簽到機。',
    token_once: '{name} 的憑證只會顯示這一次，請現在抄下並放在閘道的設定中：',
    pair: '配對',
    pair_title: '配對 {name}',
    pair_help: '在簽到機上輸入這個配對碼（或用鏡頭掃描二維碼）。配對碼只可用一次。',
    pair_qr_alt: '配對碼的二維碼',
    pair_expires: '{t} 前有效',
    last_seen: '最後連線 {t}',
    never_seen: '未曾連線',
    paired_at: '{t} 配對',
    revoke: '停用',
    revoke_confirm: '確認停用？不能復原',
    revoked_ok: '已停用 {name}，它的憑證即時失效。',
    revoked_at: '{t} 停用',
  },
  en: {
    nav_devices: 'Kiosks',
    devices_title: 'Kiosks and service tokens',
    device_new: 'Add',
    device_create: 'Add',
    f_device_name: 'Name',
    f_device_kind: 'Kind',
    kind_kiosk: 'Kiosk',
    kind_gateway: 'Messaging gateway',
    h_device_venue: "The room the kiosk is in, written as the sessions' venue.",
    no_devices: 'No kiosks yet.',
    token_once: "The token of {name} is shown this once: copy it into the gateway's settings now.",
    pair: 'Pair',
    pair_title: 'Pair {name}',
    pair_help: 'Type this code on the kiosk (or show it the QR). It works once.',
    pair_qr_alt: 'QR of the pairing code',
    pair_expires: 'valid until {t}',
    last_seen: 'last seen {t}',
    never_seen: 'never seen',
    paired_at: 'paired {t}',
    revoke: 'Revoke',
    revoke_confirm: 'Revoke for good?',
    revoked_ok: '{name} is revoked: its token stopped at once.',
    revoked_at: 'revoked {t}',
  },
});
