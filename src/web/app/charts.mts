import uPlot from 'uplot';
import { currentLocale, formatDateTime, formatNumber } from './i18n.mjs';
import type { Series } from './downsample.mjs';

export type Level = 'warning' | 'critical' | 'offline';

export interface ThresholdLine {
  value: number;
  label: string;
  level: 'warning' | 'critical';
  /** Kept inside the y range even when the data stays far below it. */
  alwaysVisible: boolean;
}

/** A period of alert, in seconds. */
export interface AlertBand {
  from: number;
  to: number;
  level: Level;
}

export interface ChartData {
  series: Series;
  /** The visible time range, in seconds. */
  range: [number, number];
  lines: ThresholdLine[];
  bands: AlertBand[];
}

export interface ChartOptions {
  label: string;
  unit: string;
  digits: number;
  /** Cursor and hover sync between the charts of one board. */
  syncKey: string;
  onZoom: (fromSec: number, toSec: number) => void;
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

/**
 * One measurement over time: a uPlot line with the alert thresholds drawn
 * as dashed lines and the alert periods shaded behind it. Its data is
 * already reduced to the chart's width (downsample.mts).
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
    this.plot = new uPlot(this.uplotOptions(), this.aligned(), host);
    this.plot.over.addEventListener('mousedown', () => (TimeChart.dragged = this));
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
    this.data = data;
    this.plot?.setData(this.aligned(), true);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private size(): { width: number; height: number } {
    const width = TimeChart.widthOf(this.host);
    return { width, height: width < 500 ? 170 : 210 };
  }

  private aligned(): uPlot.AlignedData {
    return [this.data.series.x, this.data.series.y];
  }

  private uplotOptions(): uPlot.Options {
    const { label, unit, digits } = this.options;
    const lineColor = cssColor('--chart-line', '#2563eb');
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${formatNumber(v, digits)} ${unit}`);
    return {
      ...this.size(),
      scales: {
        x: { time: true, auto: false, range: () => this.data.range },
        y: {
          range: (_u, min, max) => {
            let lo = min ?? 0;
            let hi = max ?? 1;
            for (const line of this.data.lines) {
              if (line.alwaysVisible || (line.value >= lo && line.value <= hi)) {
                lo = Math.min(lo, line.value);
                hi = Math.max(hi, line.value);
              }
            }
            if (hi === lo) {
              hi += 1;
              lo -= 1;
            }
            const pad = (hi - lo) * 0.08;
            return [lo - pad, hi + pad];
          },
        },
      },
      series: [
        { value: (_u, v) => (v === null ? '–' : formatDateTime(v * 1000)) },
        { label, stroke: lineColor, width: 1.5, spanGaps: false, points: { show: false }, value: (_u, v) => fmt(v) },
      ],
      axes: [
        { stroke: cssColor('--muted', '#555'), grid: { stroke: cssColor('--grid', '#e5e7eb'), width: 1 }, size: 48, values: (_u, splits, _axis, _space, incr) => timeTicks(splits, incr) },
        { stroke: cssColor('--muted', '#555'), grid: { stroke: cssColor('--grid', '#e5e7eb'), width: 1 }, size: 56, values: (_u, splits) => valueTicks(splits) },
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
  }

  private drawBands(u: uPlot): void {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    ctx.save();
    for (const band of this.data.bands) {
      const x0 = Math.max(left, u.valToPos(band.from, 'x', true));
      const x1 = Math.min(left + width, u.valToPos(band.to, 'x', true));
      if (x1 <= x0) continue;
      ctx.fillStyle = cssColor(`--band-${band.level}`, 'rgba(220,38,38,0.15)');
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  }

  private drawLines(u: uPlot): void {
    const ctx = u.ctx;
    const { left, width, top, height } = u.bbox;
    const ratio = devicePixelRatio || 1;
    ctx.save();
    ctx.font = `${11 * ratio}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    for (const line of this.data.lines) {
      const y = Math.round(u.valToPos(line.value, 'y', true));
      if (y < top || y > top + height) continue;
      const color = cssColor(`--${line.level}`, line.level === 'critical' ? '#b91c1c' : '#b45309');
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5 * ratio;
      ctx.setLineDash([6 * ratio, 4 * ratio]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.fillStyle = color;
      ctx.fillText(`${line.label} ${formatNumber(line.value, this.options.digits)} ${this.options.unit}`, left + width - 4 * ratio, y - 2 * ratio);
    }
    ctx.restore();
  }
}
