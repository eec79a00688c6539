import { formatDuration, formatNumber, t } from './i18n.mjs';
import type { Alert, Metric } from './types.mjs';
import type { Thresholds } from './thresholds.mjs';

/** How each measurement is shown: smoke (a fraction of full scale) as a percentage. */
export const METRIC_DISPLAY: Readonly<Record<Exclude<Metric, 'flame'>, { unit: string; digits: number; scale: number }>> = {
  co2: { unit: 'ppm', digits: 0, scale: 1 },
  temperature: { unit: '°C', digits: 1, scale: 1 },
  humidity: { unit: '% RH', digits: 0, scale: 1 },
  smoke: { unit: '%', digits: 1, scale: 100 },
};

/** The unit as shown in the current language (relative humidity: % RH, % HR). */
export function unitOf(metric: Exclude<Metric, 'flame'>): string {
  return metric === 'humidity' ? t('unit.rh') : METRIC_DISPLAY[metric].unit;
}

export function formatMetric(metric: Exclude<Metric, 'flame'>, value: number): string {
  const d = METRIC_DISPLAY[metric];
  return `${formatNumber(value * d.scale, d.digits)} ${unitOf(metric)}`;
}

/** An alert's measured value against the level it crossed, in the kind's unit. */
export function formatAlertValue(alert: Alert, thresholds: Thresholds): string {
  const { value, threshold } = alert;
  // A trouble signal: the list of faults, no threshold.
  if (Array.isArray(value)) return value.join(', ');
  if (threshold === null) return String(value);
  if (typeof value === 'boolean' || typeof threshold === 'boolean') return alert.kind === 'fire' ? t('flame.yes') : String(value);
  switch (alert.kind) {
    case 'offline':
      return t('alerts.silence', { value: formatDuration(value), threshold: formatDuration(threshold) });
    case 'co2':
      return t('alerts.value', { value: formatMetric('co2', value), threshold: formatMetric('co2', threshold) });
    case 'smoke':
      return t('alerts.value', { value: formatMetric('smoke', value), threshold: formatMetric('smoke', threshold) });
    case 'heat': {
      // A rate of rise is measured against risePerMinute, in degrees per minute.
      const rate = threshold === thresholds.heat.risePerMinute && threshold !== thresholds.heat.critical;
      const f = (n: number) => (rate ? `${formatNumber(n, 1)} °C/min` : formatMetric('temperature', n));
      return t('alerts.value', { value: f(value), threshold: f(threshold) });
    }
    default:
      return t('alerts.value', { value: String(value), threshold: String(threshold) });
  }
}
