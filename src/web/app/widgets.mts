import { h, srOnly } from './dom.mjs';
import { formatAgo, t } from './i18n.mjs';
import { formatMetric } from './format.mjs';
import { KIND_OF_METRIC, METRICS, type Alert, type AlertKind, type Device, type Severity } from './types.mjs';

/** Each state has an icon and a word: colour is never the only signal. */
const STATUS_ICON: Record<Device['status'], string> = { online: '●', offline: '○', never_seen: '◌' };
// Plain symbols every system font has (no emoji font needed); the words always come with them.
export const SEVERITY_ICON: Record<Severity, string> = { critical: '✖', warning: '⚠' };

export function statusLabel(device: Device): HTMLElement {
  return h(
    'span',
    { class: `status status-${device.status}` },
    h('span', { 'aria-hidden': 'true' }, STATUS_ICON[device.status]),
    ' ',
    t(`status.${device.status}`),
    device.revoked ? h('span', { class: 'revoked' }, ` · ${t('status.revoked')}`) : null,
  );
}

export function lastSeen(device: Device): string {
  return device.lastSeenAt ? t('seen.last', { ago: formatAgo(device.lastSeenAt) }) : t('seen.never');
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
  return h(
    'dl',
    { class: 'metrics' },
    METRICS.map((metric) => {
      const kind = KIND_OF_METRIC[metric];
      const severity = kind ? worst(alerts.filter((a) => a.kind === kind)) : null;
      const value = latest?.[metric];
      let text: string;
      if (value === undefined || value === null) text = '—';
      else if (typeof value === 'boolean') text = value ? t('flame.yes') : t('flame.no');
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
}
