import { h } from './dom.mjs';
import { fleetOrder } from './fleet.mjs';
import { formatMetric } from './format.mjs';
import { currentLocale, formatAgo, plural, t } from './i18n.mjs';
import { livenessOf, serverNow, valuesStale } from './liveness.mjs';
import { store } from './store.mjs';
import type { Alert, AlertKind, Device } from './types.mjs';
import type { View } from './view.mjs';
import { SEVERITY_ICON, worst } from './widgets.mjs';
import { worstAlert } from './alarm.mjs';

/**
 * `#/wall`: the screen in a reception or a caretaker's office. Large tiles
 * grouped by building (the part of `location` before its first comma:
 * "Bâtiment A, 1er étage" is in "Bâtiment A"), the buildings and the tiles
 * worst first, no navigation, refreshed by the page's poll (every 5 s),
 * type sized to be read from 3 m. Needs only reads: `public_read`, a read
 * token (typed once, or given in the address as `#/wall?token=` on a kiosk:
 * auth.mts), or the admin token.
 */

const RANK = { critical: 0, warning: 1, offline: 2, ok: 3, never_seen: 4 } as const;
type TileState = keyof typeof RANK;

export function buildingOf(device: Pick<Device, 'location'>): string | null {
  const building = device.location?.split(',')[0]?.trim();
  return building ? building : null;
}

function tileState(device: Device, alerts: readonly Alert[]): TileState {
  const severity = worst(alerts);
  if (severity) return severity;
  const status = livenessOf(device);
  return status === 'online' ? 'ok' : status;
}

function tile(device: Device, alerts: Alert[]): HTMLElement {
  const state = tileState(device, alerts);
  const top = worstAlert(alerts);
  const stale = valuesStale(device);
  let headline: string;
  if (top) headline = `${SEVERITY_ICON[top.severity]} ${t(`kind.${top.kind as AlertKind}`)}${alerts.length > 1 ? ` +${alerts.length - 1}` : ''}`;
  else if (state === 'offline') headline = `○ ${t('status.offline')}`;
  else if (state === 'never_seen') headline = `◌ ${t('status.never_seen')}`;
  else headline = `✓ ${t('state.ok')}`;
  const latest = device.latest;
  const values: string[] = [];
  if (latest?.co2 !== undefined) values.push(formatMetric('co2', latest.co2));
  if (latest?.temperature !== undefined) values.push(formatMetric('temperature', latest.temperature));
  const room = device.location?.split(',').slice(1).join(',').trim();
  return h(
    'li',
    { class: `tile tile-${state}`, 'data-device': device.deviceId, 'data-state': state },
    h('p', { class: 'tile-name' }, device.name ?? device.deviceId),
    room ? h('p', { class: 'tile-room' }, room) : null,
    h('p', { class: 'tile-headline' }, headline),
    values.length > 0 ? h('p', { class: `tile-values${stale ? ' tile-stale' : ''}` }, values.join(' · ')) : null,
    device.lastSeenAt && (stale || state === 'offline') ? h('p', { class: 'tile-age' }, t('seen.last', { ago: formatAgo(device.lastSeenAt, serverNow()) })) : null,
  );
}

export function wallView(main: HTMLElement): View {
  const heading = h('h1', { class: 'wall-title', tabindex: '-1' });
  const clock = h('p', { class: 'wall-clock' });
  const summary = h('p', { class: 'wall-summary' });
  const groups = h('div', { class: 'wall-groups' });
  main.replaceChildren(h('div', { class: 'wall-head' }, heading, summary, clock), groups);
  const update = () => {
    heading.textContent = t('wall.title');
    clock.textContent = store.lastOk
      ? t('wall.updated', { time: new Intl.DateTimeFormat(currentLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(store.lastOk) })
      : '';
    const devices = store.devices;
    if (!devices) {
      summary.textContent = store.problem ? '' : t('loading');
      return;
    }
    summary.textContent = store.active.length === 0 ? `✓ ${t('wall.allClear')}` : plural('fleet.alerts', store.active.length);
    summary.className = `wall-summary${store.active.length > 0 ? ` wall-summary-${worst(store.active)}` : ''}`;
    if (devices.length === 0) {
      groups.replaceChildren(h('p', { class: 'empty' }, t('wall.empty')));
      return;
    }
    const byBuilding = new Map<string, Device[]>();
    for (const device of fleetOrder(devices, store.active)) {
      const name = buildingOf(device) ?? t('wall.otherBuilding');
      byBuilding.set(name, [...(byBuilding.get(name) ?? []), device]);
    }
    const alertsOf = (d: Device) => store.active.filter((a) => a.deviceId === d.deviceId);
    const rankOf = (list: Device[]) => Math.min(...list.map((d) => RANK[tileState(d, alertsOf(d))]));
    const ordered = [...byBuilding.entries()].sort(([a, la], [b, lb]) => rankOf(la) - rankOf(lb) || a.localeCompare(b));
    groups.replaceChildren(
      ...ordered.map(([building, list]) =>
        h(
          'section',
          { class: 'wall-group', 'data-building': building },
          h('h2', {}, building),
          h('ul', { class: 'tiles' }, list.map((d) => tile(d, alertsOf(d)))),
        ),
      ),
    );
  };
  update();
  // The ages and the clock move between polls too.
  const timer = setInterval(update, 1000);
  return { update, destroy: () => clearInterval(timer), focus: () => heading.focus() };
}
