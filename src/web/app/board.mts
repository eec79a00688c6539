import { api, ApiError } from './api.mjs';
import { silencesPanel } from './silences.mjs';
import { TimeChart, type AlertBand, type ChartData, type ThresholdLine } from './charts.mjs';
import { h } from './dom.mjs';
import { downsample, gapFor, summary } from './downsample.mjs';
import { METRIC_DISPLAY, formatAlertValue, formatMetric, unitOf } from './format.mjs';
import { formatDateTime, formatNumber, formatShortDateTime, t, type MessageKey } from './i18n.mjs';
import { classify, store } from './store.mjs';
import { thresholdsOf, type Thresholds } from './thresholds.mjs';
import type { Alert, Device, Reading } from './types.mjs';
import type { View } from './view.mjs';
import { lastSeen, metricsList, severityBadge, statusLabel } from './widgets.mjs';

type ChartMetric = 'co2' | 'temperature' | 'humidity' | 'smoke';
const CHART_METRICS: readonly ChartMetric[] = ['co2', 'temperature', 'humidity', 'smoke'];

const PRESETS = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
type Preset = keyof typeof PRESETS;
type Range = { kind: Preset } | { kind: 'custom'; from: number; to: number };

/** Readings of a relative range are topped up this often. */
const LIVE_MS = 15_000;
/** A top-up re-reads this much before the last one: readings posted late (a board's small backlog) are not missed. */
const OVERLAP_MS = 5 * 60_000;

function parseRange(params: URLSearchParams): Range {
  const preset = params.get('range');
  if (preset && preset in PRESETS) return { kind: preset as Preset };
  const from = Date.parse(params.get('from') ?? '');
  const to = Date.parse(params.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: 'custom', from, to };
  return { kind: '24h' };
}

function windowOf(range: Range, now = Date.now()): [number, number] {
  return range.kind === 'custom' ? [range.from, range.to] : [now - PRESETS[range.kind], now];
}

/** `datetime-local` speaks local time without a zone. */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
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
      return [{ value: th.heat.critical, level: 'critical', label: label('critical'), alwaysVisible: true }];
    case 'smoke':
      return [{ value: th.smoke.critical * METRIC_DISPLAY.smoke.scale, level: 'critical', label: label('critical'), alwaysVisible: true }];
    default:
      return [];
  }
}

const BAND_KINDS: Record<ChartMetric, readonly Alert['kind'][]> = {
  co2: ['co2', 'fire', 'offline'],
  temperature: ['heat', 'fire', 'offline'],
  humidity: ['fire', 'offline'],
  smoke: ['smoke', 'fire', 'offline'],
};

function bandsFor(metric: ChartMetric, alerts: readonly Alert[], now: number): AlertBand[] {
  return alerts
    .filter((a) => BAND_KINDS[metric].includes(a.kind))
    .map((a) => ({
      from: Date.parse(a.raisedAt) / 1000,
      to: (a.resolvedAt ? Date.parse(a.resolvedAt) : now) / 1000,
      level: a.kind === 'offline' ? ('offline' as const) : a.severity,
    }));
}

/** The readings as columns, parsed once: a zoom or a redraw only slices them. Missing values are NaN. */
interface Columns {
  t: Float64Array;
  co2: Float64Array;
  temperature: Float64Array;
  humidity: Float64Array;
  smoke: Float64Array;
}

function columnsOf(readings: readonly Reading[]): Columns {
  const n = readings.length;
  const c: Columns = { t: new Float64Array(n), co2: new Float64Array(n), temperature: new Float64Array(n), humidity: new Float64Array(n), smoke: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = readings[i] as Reading;
    c.t[i] = Date.parse(r.ts);
    for (const metric of CHART_METRICS) c[metric][i] = r[metric] ?? NaN;
  }
  return c;
}

/** The first index whose time is >= ms (times ascending). */
function lowerBound(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The board's charts over a chosen range, its latest values and its alerts. */
export function boardView(main: HTMLElement, deviceId: string, params: URLSearchParams): View {
  let range = parseRange(params);
  let loaded: { from: number; to: number; readings: Reading[]; columns: Columns } | undefined;
  let alerts: Alert[] = [];
  let abort: AbortController | undefined;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  const charts = new Map<ChartMetric, TimeChart>();

  const back = h('p', { class: 'back' }, h('a', { href: '#/' }, h('span', { 'aria-hidden': 'true' }, '← '), t('board.back')));
  const heading = h('h1', { tabindex: '-1' }, deviceId);
  const meta = h('p', { class: 'board-meta' });
  const latest = h('section', { class: 'board-latest', 'aria-labelledby': 'latest-title' });
  const rangeBox = h('div', { class: 'range' });
  const status = h('p', { class: 'load-status', role: 'status' });
  const chartsBox = h('div', { class: 'charts' });
  const alertsBox = h('section', { class: 'board-alerts', 'aria-labelledby': 'board-alerts-title' });
  const silences = silencesPanel({ deviceId });
  main.replaceChildren(
    back,
    heading,
    silences.element,
    meta,
    latest,
    h('section', { class: 'board-charts', 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, t('board.charts')), rangeBox, status, h('p', { class: 'help' }, t('board.thresholds')), chartsBox),
    alertsBox,
  );

  const device = (): Device | undefined => store.devices?.find((d) => d.deviceId === deviceId);

  const setStatus = (key: MessageKey, p: Record<string, string | number> = {}, error = false) => {
    status.textContent = t(key, p);
    status.classList.toggle('form-error', error);
  };

  function renderHeader(): void {
    const d = device();
    if (store.devices && !d) {
      heading.textContent = deviceId;
      meta.replaceChildren(t('board.notFound', { id: deviceId }));
      latest.replaceChildren();
      return;
    }
    if (!d) return;
    heading.textContent = d.name ?? d.deviceId;
    meta.replaceChildren(statusLabel(d), ' · ', lastSeen(d), ' · ', d.location ?? t('location.none'), ' · ', h('span', { class: 'device-id' }, d.deviceId));
    const active = store.active.filter((a) => a.deviceId === deviceId);
    latest.replaceChildren(
      h('h2', { id: 'latest-title' }, d.latest ? t('board.latest', { time: formatDateTime(d.latest.ts) }) : t('seen.never')),
      ...(active.length > 0 ? [h('ul', { class: 'card-alerts' }, active.map((a) => h('li', {}, severityBadge(a.severity, a.kind))))] : []),
      metricsList(d, active),
    );
  }

  function renderRange(): void {
    const [from, to] = windowOf(range);
    const button = (kind: Preset | 'custom') =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(range.kind === kind),
          'data-range': kind,
          onclick: () => {
            if (kind === 'custom') range = { kind: 'custom', from, to };
            else range = { kind };
            void reload();
          },
        },
        t(`range.${kind}`),
      );
    const fromInput = h('input', { id: 'range-from', type: 'datetime-local', value: toLocalInput(from), required: true });
    const toInput = h('input', { id: 'range-to', type: 'datetime-local', value: toLocalInput(to), required: true });
    const custom = h(
      'form',
      { class: 'custom-range', novalidate: true },
      h('label', { for: 'range-from' }, t('range.from')),
      fromInput,
      h('label', { for: 'range-to' }, t('range.to')),
      toInput,
      h('button', { type: 'submit' }, t('range.apply')),
    );
    custom.addEventListener('submit', (event) => {
      event.preventDefault();
      const f = new Date(fromInput.value).getTime();
      const e = new Date(toInput.value).getTime();
      if (!(f < e)) {
        setStatus('range.invalid', {}, true);
        return;
      }
      range = { kind: 'custom', from: f, to: e };
      void reload();
    });
    rangeBox.replaceChildren(
      h('div', { class: 'segmented', role: 'group', 'aria-label': t('board.range') }, (['1h', '24h', '7d', 'custom'] as const).map(button)),
      ...(range.kind === 'custom' ? [custom] : []),
    );
  }

  function remember(): void {
    const q = range.kind === 'custom' ? `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}` : `range=${range.kind}`;
    history.replaceState(null, '', `#/board/${encodeURIComponent(deviceId)}?${q}`);
  }

  function renderCharts(): void {
    if (!loaded) return;
    const [from, to] = windowOf(range);
    const now = Date.now();
    const th = thresholdsOf(device());
    const { t: times } = loaded.columns;
    const lo = lowerBound(times, from);
    const hi = lowerBound(times, to);
    if (hi === lo) setStatus('board.noData');
    else setStatus('board.loaded', { n: formatNumber(hi - lo, 0), from: formatShortDateTime(from), to: formatShortDateTime(to) });
    const shown: HTMLElement[] = [];
    for (const metric of CHART_METRICS) {
      const display = METRIC_DISPLAY[metric];
      const values = loaded.columns[metric];
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = lo; i < hi; i++) {
        const v = values[i] as number;
        if (!Number.isNaN(v)) {
          xs.push((times[i] as number) / 1000);
          ys.push(v * display.scale);
        }
      }
      const title = `${t(`metric.${metric}`)} (${unitOf(metric)})`;
      let figure = chartsBox.querySelector<HTMLElement>(`figure[data-metric="${metric}"]`);
      if (!figure) {
        figure = h('figure', { class: 'chart', 'data-metric': metric }, h('figcaption', {}), h('div', { class: 'chart-host' }));
      }
      shown.push(figure);
      const caption = figure.querySelector('figcaption') as HTMLElement;
      const host = figure.querySelector('.chart-host') as HTMLElement;
      const s = summary(ys);
      const fmt = (v: number) => formatMetric(metric, v / display.scale);
      caption.replaceChildren(
        h('span', { class: 'chart-title' }, title),
        ' ',
        h('span', { class: 'chart-summary' }, s ? t('chart.summary', { min: fmt(s.min), max: fmt(s.max), last: fmt(s.last) }) : t('board.noData')),
      );
      const lines = linesFor(metric, th);
      figure.dataset.points = String(xs.length);
      figure.dataset.lines = lines.map((l) => l.value).join(',');
      if (xs.length === 0) {
        charts.get(metric)?.destroy();
        charts.delete(metric);
        host.replaceChildren();
        figure.dataset.drawn = '0';
        continue;
      }
      if (!figure.isConnected) chartsBox.append(figure);
      const series = downsample(xs, ys, TimeChart.widthOf(host), gapFor(xs));
      figure.dataset.drawn = String(series.x.length);
      const data: ChartData = { series, range: [from / 1000, to / 1000], lines, bands: bandsFor(metric, alerts, now) };
      const existing = charts.get(metric);
      if (existing) existing.update(data);
      else
        charts.set(
          metric,
          new TimeChart(host, { label: t(`metric.${metric}`), unit: unitOf(metric), digits: display.digits, syncKey: `board-${deviceId}`, onZoom: zoom }, data),
        );
    }
    chartsBox.replaceChildren(...shown);
    chartsBox.dataset.ready = 'true';
    renderAlerts(from, to, th);
  }

  function renderAlerts(from: number, to: number, th: Thresholds): void {
    const inRange = alerts.filter((a) => Date.parse(a.raisedAt) < to && (a.resolvedAt ? Date.parse(a.resolvedAt) : Infinity) >= from);
    alertsBox.replaceChildren(
      h('h2', { id: 'board-alerts-title' }, t('board.alertsInRange')),
      inRange.length === 0
        ? h('p', {}, t('alerts.none'))
        : h(
            'ul',
            { class: 'alert-list compact' },
            inRange.map((a) =>
              h(
                'li',
                { class: `alert-item sev-${a.severity}` },
                severityBadge(a.severity, a.kind),
                ' ',
                h('span', {}, formatAlertValue(a, th)),
                ' · ',
                t('alerts.raised', { time: formatShortDateTime(a.raisedAt) }),
                a.resolvedAt ? ` · ${t('alerts.resolved', { time: formatShortDateTime(a.resolvedAt) })}` : '',
              ),
            ),
          ),
    );
  }

  function zoom(fromSec: number, toSec: number): void {
    range = { kind: 'custom', from: Math.floor(fromSec * 1000), to: Math.ceil(toSec * 1000) };
    void reload();
  }

  async function fetchAlerts(): Promise<void> {
    alerts = await api.alerts({ status: 'all', deviceId }, 2, 500);
  }

  /** Shows the current range: from the readings already held when they cover it, else from the API. */
  async function reload(): Promise<void> {
    remember();
    renderRange();
    clearTimeout(liveTimer);
    abort?.abort();
    const [from, to] = windowOf(range);
    const covered = loaded && loaded.from <= from && loaded.to >= to;
    if (!covered) {
      const controller = new AbortController();
      abort = controller;
      chartsBox.dataset.ready = 'false';
      setStatus('board.loading', { n: '' });
      try {
        const [readings] = await Promise.all([
          api.readings(deviceId, from, to, (n) => setStatus('board.loading', { n: formatNumber(n, 0) }), controller.signal),
          fetchAlerts(),
        ]);
        if (controller.signal.aborted || destroyed) return;
        loaded = { from, to, readings, columns: columnsOf(readings) };
      } catch (error) {
        if (controller.signal.aborted || destroyed) return;
        classify(error);
        setStatus('error.generic', { message: error instanceof Error ? error.message : String(error) }, true);
        scheduleLive();
        return;
      }
    }
    renderCharts();
    scheduleLive();
  }

  /** Relative ranges follow the clock: new readings are fetched and the window slides. */
  function scheduleLive(): void {
    clearTimeout(liveTimer);
    if (range.kind === 'custom' || destroyed) return;
    liveTimer = setTimeout(() => void live(), LIVE_MS);
  }

  async function live(): Promise<void> {
    if (range.kind === 'custom' || destroyed) return;
    if (document.visibilityState === 'hidden' || !loaded) return scheduleLive();
    const [from, to] = windowOf(range);
    const since = Math.max(loaded.from, loaded.to - OVERLAP_MS);
    try {
      const [fresh] = await Promise.all([api.readings(deviceId, since, to, () => undefined), fetchAlerts()]);
      if (destroyed || !loaded) return;
      const { t: times } = loaded.columns;
      const kept = loaded.readings.slice(lowerBound(times, from), lowerBound(times, since));
      const readings = kept.concat(fresh);
      loaded = { from, to, readings, columns: columnsOf(readings) };
      renderCharts();
    } catch (error) {
      if (!(error instanceof ApiError && error.status >= 500)) classify(error);
    }
    scheduleLive();
  }

  renderHeader();
  void reload();

  return {
    // A change of language rebuilds the view (main.mts): only the shared data changes here.
    update: renderHeader,
    destroy: () => {
      destroyed = true;
      silences.stop();
      abort?.abort();
      clearTimeout(liveTimer);
      for (const chart of charts.values()) chart.destroy();
      charts.clear();
    },
    focus: () => heading.focus(),
  };
}
