import { api, ApiError } from './api.mjs';
import { alignDown, RAW_MAX_MS, stepFor } from './aggregates.mjs';
import { BoardCharts, bucketsIn, columnsOf, lowerBound, type History } from './board-charts.mjs';
import { silencesPanel } from './silences.mjs';
import { h } from './dom.mjs';
import { formatAlertValue } from './format.mjs';
import { csvFileName, fetchAggregates, readingsCsv, saveFile } from './history-api.mjs';
import { formatDateTime, formatDuration, formatNumber, formatShortDateTime, t, type MessageKey } from './i18n.mjs';
import { classify, store } from './store.mjs';
import { thresholdsOf, type Thresholds } from './thresholds.mjs';
import type { Alert, Device } from './types.mjs';
import type { View } from './view.mjs';
import { lastSeen, metricsList, severityBadge, statusLabel } from './widgets.mjs';

const PRESETS = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
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

/** The board's charts over a chosen range, its latest values and its alerts. */
export function boardView(main: HTMLElement, deviceId: string, params: URLSearchParams): View {
  let range = parseRange(params);
  let loaded: History | undefined;
  let alerts: Alert[] = [];
  let abort: AbortController | undefined;
  let csvAbort: AbortController | undefined;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  const back = h('p', { class: 'back' }, h('a', { href: '#/' }, h('span', { 'aria-hidden': 'true' }, '← '), t('board.back')));
  const heading = h('h1', { tabindex: '-1' }, deviceId);
  const meta = h('p', { class: 'board-meta' });
  const latest = h('section', { class: 'board-latest', 'aria-labelledby': 'latest-title' });
  const rangeBox = h('div', { class: 'range' });
  const status = h('p', { class: 'load-status', role: 'status' });
  const chartsBox = h('div', { class: 'charts' });
  const charts = new BoardCharts(chartsBox, deviceId, zoom);
  const csvButton = h('button', { type: 'button', 'data-csv': 'true', title: t('csv.help'), onclick: () => void downloadCsv() }, t('csv.download'));
  const csvStatus = h('span', { class: 'export-status', role: 'status' });
  const exportBox = h('div', { class: 'export' }, csvButton, csvStatus);
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
      h('div', { class: 'segmented', role: 'group', 'aria-label': t('board.range') }, (['1h', '24h', '7d', '30d', 'custom'] as const).map(button)),
      ...(range.kind === 'custom' ? [custom] : []),
      exportBox,
    );
  }

  function remember(): void {
    const q = range.kind === 'custom' ? `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}` : `range=${range.kind}`;
    history.replaceState(null, '', `#/board/${encodeURIComponent(deviceId)}?${q}`);
  }

  function renderCharts(): void {
    if (!loaded) return;
    const [from, to] = windowOf(range);
    const th = thresholdsOf(device());
    const n = charts.render(loaded, from, to, th, alerts, Date.now());
    const p = { n: formatNumber(n, 0), from: formatShortDateTime(from), to: formatShortDateTime(to) };
    if (n === 0) setStatus('board.noData');
    else if (loaded.kind === 'aggregates') setStatus('board.loadedAggregates', { ...p, step: formatDuration(loaded.step) });
    else setStatus('board.loaded', p);
    chartsBox.dataset.ready = 'true';
    renderAlerts(from, to, th);
  }

  /** The readings of the range shown, as one CSV file saved by the browser. */
  async function downloadCsv(): Promise<void> {
    const [from, to] = windowOf(range);
    csvAbort?.abort();
    const controller = new AbortController();
    csvAbort = controller;
    csvButton.disabled = true;
    const progress = (rows: number) => (csvStatus.textContent = t('csv.preparing', { n: formatNumber(rows, 0) }));
    progress(0);
    try {
      const { blob, rows } = await readingsCsv(deviceId, from, to, progress, controller.signal);
      if (destroyed) return;
      const name = csvFileName(deviceId, from, to);
      saveFile(blob, name);
      csvStatus.textContent = t('csv.saved', { name, n: formatNumber(rows, 0) });
    } catch (error) {
      if (controller.signal.aborted || destroyed) return;
      classify(error);
      csvStatus.textContent = t('error.generic', { message: error instanceof Error ? error.message : String(error) });
    } finally {
      csvButton.disabled = false;
    }
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

  /** Loads [from, to): every reading up to RAW_MAX_MS, else the buckets of the finest step that keeps a chart under 2,000 points. */
  async function load(from: number, to: number, signal: AbortSignal): Promise<History> {
    const step = to - from > RAW_MAX_MS ? stepFor(from, to) : undefined;
    if (step === undefined) {
      const readings = await api.readings(deviceId, from, to, (n) => setStatus('board.loading', { n: formatNumber(n, 0) }), signal);
      return { kind: 'raw', from, to, readings, columns: columnsOf(readings) };
    }
    const start = alignDown(from, step);
    return { kind: 'aggregates', from: start, to, step, buckets: await fetchAggregates(deviceId, start, to, step, signal) };
  }

  /** Whether what is held already draws [from, to) as a fresh load would. */
  function holds(history: History | undefined, from: number, to: number): boolean {
    if (!history || history.from > from || history.to < to) return false;
    return to - from > RAW_MAX_MS ? history.kind === 'aggregates' && history.step === stepFor(from, to) : history.kind === 'raw';
  }

  /** Shows the current range: from what is already held when it covers it, else from the API. */
  async function reload(): Promise<void> {
    remember();
    renderRange();
    clearTimeout(liveTimer);
    abort?.abort();
    const [from, to] = windowOf(range);
    if (to - from > RAW_MAX_MS && stepFor(from, to) === undefined) {
      setStatus('range.tooLong', {}, true);
      return;
    }
    if (!holds(loaded, from, to)) {
      const controller = new AbortController();
      abort = controller;
      chartsBox.dataset.ready = 'false';
      setStatus('board.loading', { n: '' });
      try {
        const [history] = await Promise.all([load(from, to, controller.signal), fetchAlerts()]);
        if (controller.signal.aborted || destroyed) return;
        loaded = history;
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
    try {
      const held = loaded;
      if (held.kind === 'raw') {
        const since = Math.max(held.from, held.to - OVERLAP_MS);
        const [fresh] = await Promise.all([api.readings(deviceId, since, to, () => undefined), fetchAlerts()]);
        if (destroyed || loaded !== held) return;
        const { t: times } = held.columns;
        const readings = held.readings.slice(lowerBound(times, from), lowerBound(times, since)).concat(fresh);
        loaded = { kind: 'raw', from, to, readings, columns: columnsOf(readings) };
      } else {
        // Only the last buckets change: they are read again whole (aligned), the older ones kept.
        const since = Math.max(held.from, alignDown(held.to - OVERLAP_MS, held.step));
        const [fresh] = await Promise.all([fetchAggregates(deviceId, since, to, held.step), fetchAlerts()]);
        if (destroyed || loaded !== held) return;
        const start = alignDown(from, held.step);
        const kept = bucketsIn(held, start, since).filter((b) => Date.parse(b.ts) >= start && Date.parse(b.ts) < since);
        loaded = { kind: 'aggregates', from: start, to, step: held.step, buckets: kept.concat(fresh) };
      }
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
      csvAbort?.abort();
      clearTimeout(liveTimer);
      charts.destroy();
    },
    focus: () => heading.focus(),
  };
}
