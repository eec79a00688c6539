import { h, replaceChildrenKeepingFocus } from './dom.mjs';
import { formatDuration, plural, t } from './i18n.mjs';
import { livenessOf, serverNow } from './liveness.mjs';
import { store } from './store.mjs';
import type { Alert, Device } from './types.mjs';
import { lastSeen, metricsList, severityBadge, statusLabel, worst } from './widgets.mjs';
import type { View } from './view.mjs';
import { silencesPanel } from './silences.mjs';

const RANK = { critical: 0, warning: 1 } as const;

/** Boards in alert first (critical, then warning), then silent ones, then by name. */
export function fleetOrder(devices: readonly Device[], active: readonly Alert[]): Device[] {
  const rank = (d: Device) => {
    const severity = worst(active.filter((a) => a.deviceId === d.deviceId));
    if (severity) return RANK[severity];
    const status = livenessOf(d);
    return status === 'offline' ? 2 : status === 'never_seen' ? 4 : 3;
  };
  return [...devices].sort((a, b) => rank(a) - rank(b) || (a.name ?? a.deviceId).localeCompare(b.name ?? b.deviceId) || a.deviceId.localeCompare(b.deviceId));
}

function card(device: Device, alerts: Alert[]): HTMLElement {
  const severity = worst(alerts);
  const status = livenessOf(device);
  const state = severity ?? (status === 'online' ? 'ok' : status);
  const name = device.name ?? device.deviceId;
  return h(
    'li',
    { class: `card state-${state}`, 'data-device': device.deviceId, 'data-state': state },
    h(
      'div',
      { class: 'card-head' },
      h('h2', {}, h('a', { href: `#/board/${encodeURIComponent(device.deviceId)}`, 'data-key': `card-${device.deviceId}`, 'aria-label': t('fleet.open', { name }) }, name)),
      statusLabel(device),
    ),
    h('p', { class: 'card-meta' }, h('span', {}, device.location ?? t('location.none')), h('span', { class: 'device-id' }, device.deviceId)),
    h('p', { class: 'card-seen' }, lastSeen(device)),
    alerts.length > 0
      ? h('ul', { class: 'card-alerts', 'aria-label': t('nav.alerts') }, alerts.map((a) => h('li', {}, severityBadge(a.severity, a.kind))))
      : status === 'offline'
        ? offlineNote(device)
        : h('p', { class: 'card-ok' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('state.ok')),
    metricsList(device, alerts),
  );
}

/** Offline before the server's sweep has raised the alert: never "No alert" beside "Offline". */
export function offlineNote(device: Device): HTMLElement {
  const silentSeconds = device.lastSeenAt ? Math.max(0, (serverNow() - Date.parse(device.lastSeenAt)) / 1000) : 0;
  return h('p', { class: 'card-offline' }, h('span', { 'aria-hidden': 'true' }, '○ '), t('offline.silent', { duration: formatDuration(silentSeconds) }));
}

/** One card per board: status, last seen, latest values, coloured (and labelled) by alert state. */
export function fleetView(main: HTMLElement): View {
  const heading = h('h1', { tabindex: '-1' }, t('fleet.title'));
  const summary = h('p', { class: 'summary' });
  const grid = h('ul', { class: 'cards', 'aria-live': 'off' });
  const silences = silencesPanel();
  main.replaceChildren(heading, silences.element, summary, grid);
  let signature = '';
  const update = () => {
    heading.textContent = t('fleet.title');
    const devices = store.devices;
    if (!devices) {
      summary.textContent = store.problem ? '' : t('loading');
      return;
    }
    summary.textContent = `${plural('fleet.count', devices.length)} · ${plural('fleet.alerts', store.active.length)}`;
    const cards = fleetOrder(devices, store.active).map((d) =>
      card(
        d,
        store.active.filter((a) => a.deviceId === d.deviceId),
      ),
    );
    const next = devices.length === 0 ? [h('li', { class: 'empty' }, t('fleet.empty'))] : cards;
    // Rebuilt only when what it shows changed, so the focus and the reader's place are kept between polls.
    const sig = next.map((n) => (n as HTMLElement).outerHTML).join('');
    if (sig === signature) return;
    signature = sig;
    replaceChildrenKeepingFocus(grid, ...next);
  };
  update();
  return { update, destroy: () => silences.stop(), focus: () => heading.focus() };
}
