import { h, srOnly } from './dom.mjs';
import { formatAgo, t } from './i18n.mjs';
import { formatMetric } from './format.mjs';
import { livenessOf, serverNow, valuesStale } from './liveness.mjs';
import { KIND_OF_METRIC, METRICS, type Alert, type AlertKind, type Device, type Severity } from './types.mjs';

/** Each state has an icon and a word: colour is never the only signal. */
const STATUS_ICON: Record<Device['status'], string> = { online: '●', offline: '○', never_seen: '◌' };
// Plain symbols every system font has (no emoji font needed); the words always come with them.
export const SEVERITY_ICON: Record<Severity, string> = { critical: '✖', warning: '⚠' };

/** Online / offline / never seen: offline as soon as the silence exceeds the board's limit, before the server's sweep raises the alert. */
export function statusLabel(device: Device): HTMLElement {
  const status = livenessOf(device);
  return h(
    'span',
    { class: `status status-${status}`, 'data-status': status },
    h('span', { 'aria-hidden': 'true' }, STATUS_ICON[status]),
    ' ',
    t(`status.${status}`),
    device.revoked ? h('span', { class: 'revoked' }, ` · ${t('status.revoked')}`) : null,
  );
}

export function lastSeen(device: Device): string {
  return device.lastSeenAt ? t('seen.last', { ago: formatAgo(device.lastSeenAt, serverNow()) }) : t('seen.never');
}

export function severityBadge(severity: Severity, kind: AlertKind): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${severity}` },
    h('span', { 'aria-hidden': 'true' }, `${SEVERITY_ICON[severity]} `),
    t('badge', { severity: t(`severity.${severity}`), kind: t(`kind.${kind}`) }),
  );
}

/** The worst active severity of a device's alerts. */
export function worst(alerts: readonly Alert[]): Severity | null {
  if (alerts.some((a) => a.severity === 'critical')) return 'critical';
  return alerts.length > 0 ? 'warning' : null;
}

/** The latest values with their units, each marked (colour, icon and words) when its kind is in alert. */
export function metricsList(device: Device, alerts: readonly Alert[]): HTMLElement {
  const latest = device.latest;
  const stale = latest !== null && valuesStale(device);
  const list = h(
    'dl',
    { class: `metrics${stale ? ' metrics-stale' : ''}` },
    METRICS.map((metric) => {
      const kind = KIND_OF_METRIC[metric];
      const severity = kind ? worst(alerts.filter((a) => a.kind === kind)) : null;
      const value = latest?.[metric];
      let text: string;
      if (value === undefined || value === null) text = '—';
      else if (typeof value === 'boolean') text = value ? t('flame.yes') : t('flame.no');
      // Smoke is a share of the sensor's range, not a concentration: say so, and say what an alert means.
      else if (metric === 'smoke') text = t(severity ? 'metric.smokeSuspected' : 'metric.smokeValue', { value: formatMetric(metric, value) });
      else if (metric !== 'flame') text = formatMetric(metric, value);
      else text = String(value);
      return h(
        'div',
        { class: `metric metric-${metric}${severity ? ` metric-${severity}` : ''}`, 'data-metric': metric },
        h('dt', {}, t(`metric.${metric}`)),
        h(
          'dd',
          {},
          severity ? h('span', { class: 'metric-flag', 'aria-hidden': 'true' }, `${SEVERITY_ICON[severity]} `) : null,
          text,
          severity ? srOnly(` (${t(`severity.${severity}`)}, ${t('state.alert')})`) : null,
        ),
      );
    }),
  );
  if (!stale || !latest) return list;
  // Old values are greyed and dated: 468 ppm from 40 minutes ago is not the room's air now.
  return h(
    'div',
    { class: 'metrics-box', 'data-stale': 'true' },
    h('p', { class: 'stale-note' }, h('span', { 'aria-hidden': 'true' }, '⏱ '), t('values.stale', { ago: formatAgo(latest.ts, serverNow()) })),
    list,
  );
}
