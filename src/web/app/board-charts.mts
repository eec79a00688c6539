import { bandSeries, flameSeries, flameSpansOfBuckets, flameSpansOfReadings, type Bucket, type Span } from './aggregates.mjs';
import { TimeChart, type AlertBand, type ChartData, type ChartOptions, type ThresholdLine } from './charts.mjs';
import { h } from './dom.mjs';
import { downsample, gapFor, type Series } from './downsample.mjs';
import { METRIC_DISPLAY, formatMetric, unitOf } from './format.mjs';
import { formatDuration, formatNumber, formatShortDateTime, t } from './i18n.mjs';
import type { Thresholds } from './thresholds.mjs';
import type { Alert, Reading } from './types.mjs';

type ChartMetric = 'co2' | 'temperature' | 'humidity' | 'smoke';
const CHART_METRICS: readonly ChartMetric[] = ['co2', 'temperature', 'humidity', 'smoke'];

/** The y axis of each chart: at least this span (in the unit shown), never below the floor of a measurement that cannot be negative. */
const AXIS: Readonly<Record<ChartMetric, { minSpan: number; floor?: number }>> = {
  co2: { minSpan: 100, floor: 0 },
  temperature: { minSpan: 2 },
  humidity: { minSpan: 5, floor: 0 },
  smoke: { minSpan: 2, floor: 0 },
};

/** The readings as columns, parsed once: a zoom or a redraw only slices them. Missing values are NaN; flame is 1 or 0. */
export interface Columns {
  t: Float64Array;
  co2: Float64Array;
  temperature: Float64Array;
  humidity: Float64Array;
  smoke: Float64Array;
  flame: Float64Array;
}

/** What a board view holds for its range: every reading (short ranges) or the buckets of one step (long ones). */
export type History =
  | { kind: 'raw'; from: number; to: number; readings: Reading[]; columns: Columns }
  | { kind: 'aggregates'; from: number; to: number; step: number; buckets: Bucket[] };

export function columnsOf(readings: readonly Reading[]): Columns {
  const n = readings.length;
  const c: Columns = {
    t: new Float64Array(n),
    co2: new Float64Array(n),
    temperature: new Float64Array(n),
    humidity: new Float64Array(n),
    smoke: new Float64Array(n),
    flame: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = readings[i] as Reading;
    c.t[i] = Date.parse(r.ts);
    for (const metric of CHART_METRICS) c[metric][i] = r[metric] ?? NaN;
    c.flame[i] = typeof r.flame === 'boolean' ? Number(r.flame) : NaN;
  }
  return c;
}

/** The first index whose time is >= ms (times ascending). */
export function lowerBound(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The buckets of a history that overlap [from, to). */
export function bucketsIn(history: Extract<History, { kind: 'aggregates' }>, from: number, to: number): Bucket[] {
  return history.buckets.filter((b) => {
    const start = Date.parse(b.ts);
    return start + history.step * 1000 > from && start < to;
  });
}

function linesFor(metric: ChartMetric, th: Thresholds): ThresholdLine[] {
  const label = (level: 'warning' | 'critical') => t(`chart.${level}`);
  switch (metric) {
    case 'co2':
      return [
        { value: th.co2.warning, level: 'warning', label: label('warning'), alwaysVisible: true },
        { value: th.co2.critical, level: 'critical', label: label('critical'), alwaysVisible: false },
      ];
    case 'temperature':
      return [{ value: th.heat.critical, level: 'critical', label: label('critical'), alwaysVisible: false }];
    case 'smoke':
      return [{ value: th.smoke.critical * METRIC_DISPLAY.smoke.scale, level: 'critical', label: t('chart.smokeLevel'), alwaysVisible: false }];
    default:
      return [];
  }
}

const BAND_KINDS: Record<ChartMetric | 'flame', readonly Alert['kind'][]> = {
  co2: ['co2', 'fire', 'offline'],
  temperature: ['heat', 'fire', 'offline'],
  humidity: ['fire', 'offline'],
  smoke: ['smoke', 'fire', 'offline'],
  flame: ['fire', 'offline'],
};

function bandsFor(metric: ChartMetric | 'flame', alerts: readonly Alert[], now: number): AlertBand[] {
  return alerts
    .filter((a) => BAND_KINDS[metric].includes(a.kind))
    .map((a) => ({
      from: Date.parse(a.raisedAt) / 1000,
      to: (a.resolvedAt ? Date.parse(a.resolvedAt) : now) / 1000,
      level: a.kind === 'offline' ? ('offline' as const) : a.severity,
    }));
}

/** One chart's data before it is drawn. */
interface Prepared {
  series: Series;
  band?: { min: (number | null)[]; max: (number | null)[] };
  /** Readings (raw) or buckets (aggregates) it stands for. */
  points: number;
  low?: number;
  high?: number;
  last?: number;
}

function nulls(y: readonly (number | null)[]): number {
  return y.reduce<number>((n, v) => (v === null ? n + 1 : n), 0);
}

/**
 * The board's charts: CO2, temperature, humidity and smoke, and the flame
 * detector as an event strip (shaded where flame was seen), from raw
 * readings or from aggregates (an average line in its min–max band). Each
 * figure says what it shows in its `data-*` attributes (points, drawn,
 * source, gaps), which the browser tests read.
 */
export class BoardCharts {
  private readonly charts = new Map<ChartMetric | 'flame', TimeChart>();

  constructor(
    private readonly box: HTMLElement,
    private readonly deviceId: string,
    private readonly onZoom: (fromSec: number, toSec: number) => void,
  ) {}

  /** Draws [from, to) of the history; returns how many readings it holds. */
  render(history: History, from: number, to: number, th: Thresholds, alerts: readonly Alert[], now: number): number {
    const shown: HTMLElement[] = [];
    let readings: number;
    let lo = 0;
    let hi = 0;
    let buckets: Bucket[] = [];
    if (history.kind === 'raw') {
      lo = lowerBound(history.columns.t, from);
      hi = lowerBound(history.columns.t, to);
      readings = hi - lo;
    } else {
      buckets = bucketsIn(history, from, to);
      readings = buckets.reduce((n, b) => n + b.count, 0);
    }
    const step = history.kind === 'aggregates' ? history.step : 0;
    const range: [number, number] = [from / 1000, to / 1000];

    // The flame strip first, across the whole width: a fire is what matters most.
    const flame = this.prepareFlame(history, lo, hi, buckets);
    if (flame) {
      const figure = this.figure('flame', shown, true);
      const { spans, series, points } = flame;
      const last = spans[spans.length - 1];
      this.caption(
        figure,
        t('chart.flameTitle'),
        last ? h('span', { class: 'chart-alarm' }, t('chart.flameSeen', { n: formatNumber(spans.length, 0), time: formatShortDateTime(last.from * 1000) })) : t('chart.noFlame'),
      );
      this.key(figure, [h('li', {}, h('span', { class: 'key-mark key-flame', 'aria-hidden': 'true' }), t('chart.flameKey'))]);
      Object.assign(figure.dataset, { points: String(points), drawn: String(series.x.length), spans: String(spans.length), source: history.kind, gaps: String(nulls(series.y)) });
      this.draw('flame', figure, { series, range, lines: [], bands: bandsFor('flame', alerts, now), events: spans }, { label: t('metric.flame'), unit: '', digits: 0, events: { yes: t('chart.flameYes'), no: t('chart.flameNo') } });
    } else this.drop('flame');

    for (const metric of CHART_METRICS) {
      const display = METRIC_DISPLAY[metric];
      const figure = this.figure(metric, shown, false);
      const host = figure.querySelector('.chart-host') as HTMLElement;
      const p = history.kind === 'raw' ? this.prepareRaw(history.columns, metric, lo, hi, TimeChart.widthOf(host)) : this.prepareBuckets(buckets, metric, step);
      const lines = linesFor(metric, th);
      const fmt = (v: number) => formatMetric(metric, v / display.scale);
      const smokeSeen = metric === 'smoke' && p.high !== undefined && p.high >= (lines[0]?.value ?? Infinity);
      this.caption(
        figure,
        metric === 'smoke' ? t('chart.smokeTitle') : `${t(`metric.${metric}`)} (${unitOf(metric)})`,
        p.low !== undefined && p.high !== undefined && p.last !== undefined ? t('chart.summary', { min: fmt(p.low), max: fmt(p.high), last: fmt(p.last) }) : t('board.noData'),
        smokeSeen ? h('span', { class: 'chart-alarm' }, t('chart.smokeSeen')) : null,
      );
      this.key(figure, [
        ...lines.map((l) => h('li', { class: `key-${l.level}` }, h('span', { class: 'key-mark', 'aria-hidden': 'true' }), `${l.label} ${formatNumber(l.value, display.digits)} ${unitOf(metric)}`)),
        ...(p.band ? [h('li', {}, h('span', { class: 'key-mark key-band', 'aria-hidden': 'true' }), t('chart.bandKey', { step: formatDuration(step) }))] : []),
      ]);
      Object.assign(figure.dataset, {
        points: String(p.points),
        drawn: String(p.series.x.length),
        lines: lines.map((l) => l.value).join(','),
        source: history.kind,
        step: String(step),
        gaps: String(nulls(p.series.y)),
      });
      if (p.points === 0) {
        this.drop(metric);
        figure.dataset.drawn = '0';
        continue;
      }
      this.draw(metric, figure, { series: p.series, ...(p.band ? { band: p.band } : {}), range, lines, bands: bandsFor(metric, alerts, now) }, {
        label: t(`metric.${metric}`),
        unit: unitOf(metric),
        digits: display.digits,
        ...AXIS[metric],
      });
    }
    this.box.replaceChildren(...shown);
    this.box.dataset.source = history.kind;
    return readings;
  }

  destroy(): void {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  private prepareRaw(columns: Columns, metric: ChartMetric, lo: number, hi: number, width: number): Prepared {
    const scale = METRIC_DISPLAY[metric].scale;
    const values = columns[metric];
    const xs: number[] = [];
    const ys: number[] = [];
    let low = Infinity;
    let high = -Infinity;
    for (let i = lo; i < hi; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) continue;
      const y = v * scale;
      xs.push((columns.t[i] as number) / 1000);
      ys.push(y);
      if (y < low) low = y;
      if (y > high) high = y;
    }
    if (xs.length === 0) return { series: { x: [], y: [] }, points: 0 };
    return { series: downsample(xs, ys, width, gapFor(xs)), points: xs.length, low, high, last: ys[ys.length - 1] as number };
  }

  private prepareBuckets(buckets: readonly Bucket[], metric: ChartMetric, step: number): Prepared {
    const s = bandSeries(buckets, metric, METRIC_DISPLAY[metric].scale, step);
    const points = s.x.length - nulls(s.avg);
    if (points === 0) return { series: { x: [], y: [] }, points: 0 };
    let low = Infinity;
    let high = -Infinity;
    let last: number | undefined;
    for (let i = 0; i < s.x.length; i++) {
      const mn = s.min[i];
      const mx = s.max[i];
      if (mn !== null && mn !== undefined && mn < low) low = mn;
      if (mx !== null && mx !== undefined && mx > high) high = mx;
      const a = s.avg[i];
      if (a !== null && a !== undefined) last = a;
    }
    return { series: { x: s.x, y: s.avg }, band: { min: s.min, max: s.max }, points, low, high, ...(last !== undefined ? { last } : {}) };
  }

  /** The flame detector's values and spans, or `undefined` when the board reports no flame in the range. */
  private prepareFlame(history: History, lo: number, hi: number, buckets: readonly Bucket[]): { series: Series; spans: Span[]; points: number } | undefined {
    if (history.kind === 'aggregates') {
      const series = flameSeries(buckets, history.step);
      const points = series.x.length - nulls(series.y);
      return points === 0 ? undefined : { series, spans: flameSpansOfBuckets(buckets, history.step), points };
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = lo; i < hi; i++) {
      const v = history.columns.flame[i] as number;
      if (Number.isNaN(v)) continue;
      xs.push((history.columns.t[i] as number) / 1000);
      ys.push(v);
    }
    if (xs.length === 0) return undefined;
    const gap = gapFor(xs);
    const host = this.box.querySelector<HTMLElement>('figure[data-metric="flame"] .chart-host');
    return { series: downsample(xs, ys, host ? TimeChart.widthOf(host) : 600, gap), spans: flameSpansOfReadings(xs, ys, gap), points: xs.length };
  }

  private figure(metric: ChartMetric | 'flame', shown: HTMLElement[], events: boolean): HTMLElement {
    let figure = this.box.querySelector<HTMLElement>(`figure[data-metric="${metric}"]`);
    if (!figure) {
      figure = h('figure', { class: `chart${events ? ' chart-events' : ''}`, 'data-metric': metric }, h('figcaption', {}), h('div', { class: 'chart-host' }), h('ul', { class: 'chart-key' }));
    }
    shown.push(figure);
    if (!figure.isConnected) this.box.append(figure);
    return figure;
  }

  private caption(figure: HTMLElement, title: string, ...rest: (Node | string | null)[]): void {
    const parts = rest.filter((p): p is Node | string => p !== null);
    (figure.querySelector('figcaption') as HTMLElement).replaceChildren(
      h('span', { class: 'chart-title' }, title),
      ' ',
      h('span', { class: 'chart-summary' }, ...parts.flatMap((p, i) => (i > 0 ? [' · ', p] : [p]))),
    );
  }

  /** The names of the dashed lines and shadings, under the chart (written on the plot they would cover the curve). */
  private key(figure: HTMLElement, items: HTMLElement[]): void {
    const key = figure.querySelector('.chart-key') as HTMLElement;
    key.replaceChildren(...items);
    key.hidden = items.length === 0;
  }

  private draw(metric: ChartMetric | 'flame', figure: HTMLElement, data: ChartData, options: Omit<ChartOptions, 'syncKey' | 'onZoom'>): void {
    const existing = this.charts.get(metric);
    if (existing) {
      existing.update(data);
      return;
    }
    const host = figure.querySelector('.chart-host') as HTMLElement;
    this.charts.set(metric, new TimeChart(host, { ...options, syncKey: `board-${this.deviceId}`, onZoom: this.onZoom }, data));
  }

  private drop(metric: ChartMetric | 'flame'): void {
    this.charts.get(metric)?.destroy();
    this.charts.delete(metric);
    const figure = this.box.querySelector<HTMLElement>(`figure[data-metric="${metric}"]`);
    figure?.querySelector('.chart-host')?.replaceChildren();
  }
}
