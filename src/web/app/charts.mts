import uPlot from 'uplot';
import './charts.css';
import type { Span } from './aggregates.mjs';
import { currentLocale, formatDateTime, formatNumber, t } from './i18n.mjs';
import type { Series } from './downsample.mjs';

export type Level = 'warning' | 'critical' | 'offline';

export interface ThresholdLine {
  value: number;
  label: string;
  level: 'warning' | 'critical';
  /** Kept inside the y range even when the data stays far below it; otherwise marked at the chart's edge when off the scale. */
  alwaysVisible: boolean;
}

/** A period of alert, in seconds. */
export interface AlertBand {
  from: number;
  to: number;
  level: Level;
}

export interface ChartData {
  /** x and the line: every reading (reduced) or each bucket's average. */
  series: Series;
  /** Each bucket's lowest and highest value, shaded around the average (aggregates only). */
  band?: { min: (number | null)[]; max: (number | null)[] };
  /** The visible time range, in seconds. */
  range: [number, number];
  lines: ThresholdLine[];
  bands: AlertBand[];
  /** Spans shaded as events (flame), in seconds. */
  events?: Span[];
}

export interface ChartOptions {
  label: string;
  unit: string;
  digits: number;
  /** Cursor and hover sync between the charts of one board. */
  syncKey: string;
  onZoom: (fromSec: number, toSec: number) => void;
  /** The y axis spans at least this much (sensor noise is not blown up to the chart's height). */
  minSpan?: number;
  /** The y axis never goes below this (a measurement that cannot be negative). */
  floor?: number;
  /** An event strip (flame): values 1 or 0 told in words, no y axis. */
  events?: { yes: string; no: string };
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Time ticks in the reader's locale: hours (with the date where the day changes), or days. */
function timeTicks(splits: number[], incrSeconds: number): string[] {
  const locale = currentLocale();
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  let previous = '';
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const date = day.format(d);
    if (incrSeconds >= 86_400) return date;
    const label = date !== previous ? `${time.format(d)}\n${date}` : time.format(d);
    previous = date;
    return label;
  });
}

/** As many decimals as the tick step needs (steps of 2.5: one), no more. */
function valueTicks(splits: number[]): string[] {
  const step = splits.length > 1 ? Math.abs((splits[1] as number) - (splits[0] as number)) : 1;
  let digits = 0;
  while (digits < 3 && Math.abs(step * 10 ** digits - Math.round(step * 10 ** digits)) > 1e-6) digits++;
  return splits.map((v) => formatNumber(v, digits));
}

/** CSS pixels kept free above and below the data: an off-scale threshold's mark is written there, never over the line. */
const EDGE_PX = 16;

/**
 * One measurement over time: a uPlot line (or a bucket average inside its
 * min–max band) with the alert thresholds drawn as dashed lines and the
 * alert periods shaded behind it. A `null` breaks the line: a gap is never
 * drawn across. The y axis fits the data; a threshold off the scale is
 * marked at the top or bottom edge ("critical 57 °C ↑"). Threshold names
 * are not written on the plot (they would cover the curve): the board lists
 * them under each chart.
 */
export class TimeChart {
  /** The chart a drag started on: the others only mirror its selection (cursor sync) and must not zoom again. */
  private static dragged: TimeChart | undefined;
  private plot: uPlot | undefined;
  private data: ChartData;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly host: HTMLElement,
    private readonly options: ChartOptions,
    data: ChartData,
  ) {
    this.data = data;
    this.create();
    let pending = 0;
    this.resize = new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => this.plot?.setSize(this.size()));
    });
    this.resize.observe(host);
  }

  /** Width in CSS pixels: the number of buckets worth keeping. */
  static widthOf(host: HTMLElement): number {
    return Math.max(200, Math.floor(host.clientWidth || 600));
  }

  update(data: ChartData): void {
    const reshaped = Boolean(data.band) !== Boolean(this.data.band);
    this.data = data;
    if (reshaped) {
      // Raw readings and aggregates have different series: a new plot.
      this.plot?.destroy();
      this.create();
    } else this.plot?.setData(this.aligned(), true);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private create(): void {
    this.plot = new uPlot(this.uplotOptions(), this.aligned(), this.host);
    this.plot.over.addEventListener('mousedown', () => (TimeChart.dragged = this));
  }

  private size(): { width: number; height: number } {
    const width = TimeChart.widthOf(this.host);
    if (this.options.events) return { width, height: 96 };
    return { width, height: width < 500 ? 170 : 210 };
  }

  private aligned(): uPlot.AlignedData {
    const { series, band } = this.data;
    return band ? [series.x, series.y, band.min, band.max] : [series.x, series.y];
  }

  private yRange(dataMin: number | null, dataMax: number | null): uPlot.Range.MinMax {
    if (this.options.events) return [0, 1.15];
    let lo = dataMin ?? 0;
    let hi = dataMax ?? 1;
    for (const line of this.data.lines) {
      if (!line.alwaysVisible) continue;
      lo = Math.min(lo, line.value);
      hi = Math.max(hi, line.value);
    }
    const minSpan = this.options.minSpan ?? 1;
    if (hi - lo < minSpan) {
      const mid = (hi + lo) / 2;
      lo = mid - minSpan / 2;
      hi = mid + minSpan / 2;
    }
    const floor = this.options.floor;
    const floored = floor !== undefined && lo <= floor;
    if (floored) {
      hi += floor - lo;
      lo = floor;
    }
    // Value per pixel of the plot area (about the canvas height less the time axis), to keep EDGE_PX free.
    const plotPx = Math.max(60, this.size().height - 60);
    const pad = ((hi - lo) * EDGE_PX) / (plotPx - 2 * EDGE_PX);
    return [floored ? lo : lo - pad, hi + pad];
  }

  private uplotOptions(): uPlot.Options {
    const { label, unit, digits, events } = this.options;
    const lineColor = cssColor('--chart-line', '#1d4ed8');
    const fmt = (v: number | null | undefined) => {
      if (v === null || v === undefined) return '–';
      if (events) return v > 0 ? events.yes : events.no;
      return `${formatNumber(v, digits)} ${unit}`;
    };
    const axisStyle = { stroke: cssColor('--muted', '#555'), grid: { stroke: cssColor('--grid', '#e5e7eb'), width: 1 } };
    const series: uPlot.Series[] = [
      { label: t('chart.time'), value: (_u, v) => (v === null ? '–' : formatDateTime(v * 1000)) },
      events
        ? { label, paths: () => null, points: { show: false }, value: (_u, v) => fmt(v) }
        : { label: this.data.band ? `${label} (${t('chart.avg')})` : label, stroke: lineColor, width: 1.5, spanGaps: false, points: { show: false }, value: (_u, v) => fmt(v) },
    ];
    const options: uPlot.Options = {
      ...this.size(),
      scales: {
        x: { time: true, auto: false, range: () => this.data.range },
        y: { range: (_u, min, max) => this.yRange(min, max) },
      },
      series,
      axes: [
        { ...axisStyle, size: 48, values: (_u, splits, _axis, _space, incr) => timeTicks(splits, incr) },
        events ? { show: false } : { ...axisStyle, size: 56, values: (_u, splits) => valueTicks(splits) },
      ],
      cursor: { sync: { key: this.options.syncKey }, drag: { x: true, y: false, setScale: false } },
      legend: { show: true, live: true },
      hooks: {
        drawClear: [(u) => this.drawBands(u)],
        draw: [(u) => this.drawLines(u)],
        setSelect: [
          (u) => {
            if (TimeChart.dragged !== this || u.select.width < 4) return;
            TimeChart.dragged = undefined;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.options.onZoom(from, to);
          },
        ],
      },
    };
    if (this.data.band) {
      const edge = cssColor('--chart-band-edge', 'rgba(29,78,216,0.35)');
      series.push(
        { label: t('chart.min'), stroke: edge, width: 1, spanGaps: false, points: { show: false }, value: (_u, v) => fmt(v) },
        { label: t('chart.max'), stroke: edge, width: 1, spanGaps: false, points: { show: false }, value: (_u, v) => fmt(v) },
      );
      options.bands = [{ series: [3, 2], fill: cssColor('--chart-band', 'rgba(29,78,216,0.16)') }];
    }
    return options;
  }

  /** Alert periods and events behind the data; an event of a single reading is still 3 px wide. */
  private drawBands(u: uPlot): void {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const ratio = devicePixelRatio || 1;
    ctx.save();
    const shade = (from: number, to: number, color: string, minPx: number) => {
      let x0 = u.valToPos(from, 'x', true);
      let x1 = u.valToPos(to, 'x', true);
      if (x1 - x0 < minPx) {
        const mid = (x0 + x1) / 2;
        x0 = mid - minPx / 2;
        x1 = mid + minPx / 2;
      }
      x0 = Math.max(left, x0);
      x1 = Math.min(left + width, x1);
      if (x1 <= x0) return;
      ctx.fillStyle = color;
      ctx.fillRect(x0, top, x1 - x0, height);
    };
    for (const band of this.data.bands) shade(band.from, band.to, cssColor(`--band-${band.level}`, 'rgba(220,38,38,0.15)'), ratio);
    const flame = cssColor('--flame', '#dc2626');
    for (const span of this.data.events ?? []) shade(span.from, span.to, flame, 3 * ratio);
    ctx.restore();
  }

  private drawLines(u: uPlot): void {
    const ctx = u.ctx;
    const { left, width, top, height } = u.bbox;
    const ratio = devicePixelRatio || 1;
    const [ymin, ymax] = [u.scales.y?.min ?? 0, u.scales.y?.max ?? 1];
    const offscale: number[] = [];
    ctx.save();
    ctx.font = `${11 * ratio}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    for (const line of this.data.lines) {
      const color = cssColor(`--${line.level}`, line.level === 'critical' ? '#b91c1c' : '#a15c07');
      ctx.fillStyle = color;
      const text = `${line.label} ${formatNumber(line.value, this.options.digits)} ${this.options.unit}`;
      if (line.value > ymax || line.value < ymin) {
        // Off the scale: said at the edge it lies beyond, in the strip the data never reaches.
        offscale.push(line.value);
        const above = line.value > ymax;
        ctx.textBaseline = above ? 'top' : 'bottom';
        ctx.fillText(`${text} ${above ? '↑' : '↓'}`, left + width - 4 * ratio, above ? top + 2 * ratio : top + height - 2 * ratio);
        continue;
      }
      const y = Math.round(u.valToPos(line.value, 'y', true));
      ctx.strokeStyle = color;
      // Two whole pixels on a whole-pixel row: crisp, not smeared over three rows half transparent.
      ctx.lineWidth = Math.round(2 * ratio);
      ctx.setLineDash([6 * ratio, 4 * ratio]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    ctx.restore();
    // What is on screen, for the tests and for anyone inspecting the page.
    this.host.dataset.ymin = String(ymin);
    this.host.dataset.ymax = String(ymax);
    this.host.dataset.offscale = offscale.join(',');
  }
}
