import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, watchedPage, type WatchedPage } from './browser.js';

/**
 * The board's long-range charts in headless Chromium against the real local
 * stack: 30 days of 3-minute readings (two days missing, one flame) seeded
 * through POST /v1/readings and drawn through the aggregates route; the
 * axes fitted to indoor data (19–24 °C, a few % of smoke) with the
 * thresholds marked at the edge; the flame strip; the French words; and the
 * CSV download (two pages of 10,000 rows, joined).
 */
const skip = chromiumMissing();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP_MS = 3 * MIN;
const BATCH = 480;
const DEVICE = 'hist-30d';

// Whole seconds, so that the page's range, its file name and the test's own reads agree.
const TO = Math.floor(Date.now() / 1000) * 1000 - MIN;
const FROM = TO - 30 * DAY;
const START = FROM + 30 * MIN;
/** Two days without any reading: 48 hourly buckets absent. */
const GAP: [number, number] = [FROM + 10 * DAY, FROM + 12 * DAY];
/** Six minutes of flame (two readings), 20 days in. */
const FLAME_AT = FROM + 20 * DAY + 7 * HOUR;
/** Half an hour without readings two hours after the flame: a gap in the raw readings. */
const SHORT_GAP: [number, number] = [FLAME_AT + 2 * HOUR, FLAME_AT + 2 * HOUR + 30 * MIN];

function readings() {
  const out = [];
  for (let ts = START, i = 0; ts < TO - MIN; ts += STEP_MS, i++) {
    if ((ts >= GAP[0] && ts < GAP[1]) || (ts >= SHORT_GAP[0] && ts < SHORT_GAP[1])) continue;
    const hour = ts / HOUR;
    const flame = ts >= FLAME_AT && ts < FLAME_AT + 2 * STEP_MS;
    out.push({
      id: `h-${i}`,
      ts: new Date(ts).toISOString(),
      co2: Math.round(620 + 180 * Math.sin(hour / 5) + (i % 9) * 4),
      // 19 to 24 °C: far below the heat threshold (57 °C).
      temperature: Math.round((21.5 + 2.4 * Math.sin(hour / 7) + (i % 3) * 0.03) * 10) / 10,
      humidity: Math.round(44 + 6 * Math.cos(hour / 9)),
      // 2 to 5 % of the sensor's range: far below the smoke level (35 %).
      smoke: Math.round((0.035 + 0.015 * Math.sin(hour / 3)) * 1000) / 1000,
      flame,
    });
  }
  return out;
}

interface Figure {
  points: number;
  drawn: number;
  gaps: number;
  source: string | null;
  step: string | null;
  spans: number;
}

async function figure(page: Page, metric: string): Promise<Figure> {
  const f = page.locator(`figure[data-metric="${metric}"]`);
  return {
    points: Number(await f.getAttribute('data-points')),
    drawn: Number(await f.getAttribute('data-drawn')),
    gaps: Number(await f.getAttribute('data-gaps')),
    source: await f.getAttribute('data-source'),
    step: await f.getAttribute('data-step'),
    spans: Number(await f.getAttribute('data-spans')),
  };
}

async function axis(page: Page, metric: string): Promise<{ ymin: number; ymax: number; offscale: string | null }> {
  const host = page.locator(`figure[data-metric="${metric}"] .chart-host`);
  return { ymin: Number(await host.getAttribute('data-ymin')), ymax: Number(await host.getAttribute('data-ymax')), offscale: await host.getAttribute('data-offscale') };
}

/** The little of a canvas the pixel count uses (the root tsconfig has no DOM types). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

/**
 * Pixels of a chart's canvas near a colour and within an opacity range,
 * inside a box given as fractions of the plot area (u-over) in x and of the
 * canvas in y.
 */
async function pixelsLike(page: Page, metric: string, rgb: [number, number, number], tolerance: number, alpha: [number, number], box: { x0: number; x1: number; y0?: number; y1?: number } = { x0: 0, x1: 1 }): Promise<number> {
  const over = await page.locator(`figure[data-metric="${metric}"] .u-over`).boundingBox();
  const canvasBox = await page.locator(`figure[data-metric="${metric}"] canvas`).boundingBox();
  if (!over || !canvasBox) throw new Error(`no plot for ${metric}`);
  const args = { rgb, tolerance, alpha, over, canvasBox, box: { y0: 0, y1: 1, ...box } };
  return page.locator(`figure[data-metric="${metric}"] canvas`).evaluate((canvas, a) => {
    const c = canvas as unknown as CanvasLike;
    const scale = c.width / a.canvasBox.width;
    const x0 = Math.round((a.over.x - a.canvasBox.x + a.box.x0 * a.over.width) * scale);
    const x1 = Math.round((a.over.x - a.canvasBox.x + a.box.x1 * a.over.width) * scale);
    const y0 = Math.round((a.over.y - a.canvasBox.y + a.box.y0 * a.over.height) * scale);
    const y1 = Math.round((a.over.y - a.canvasBox.y + a.box.y1 * a.over.height) * scale);
    const data = c.getContext('2d').getImageData(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)).data;
    const [r, g, b] = a.rgb;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const alpha = data[i + 3] as number;
      if (alpha < a.alpha[0] || alpha > a.alpha[1]) continue;
      if (Math.abs((data[i] as number) - r) <= a.tolerance && Math.abs((data[i + 1] as number) - g) <= a.tolerance && Math.abs((data[i + 2] as number) - b) <= a.tolerance) n++;
    }
    return n;
  }, args);
}

/**
 * Opens a board URL through the fleet view: a change of the hash's query
 * alone keeps the board view as it is, a change of view builds it anew.
 */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(`${new URL(url).origin}/#/`);
  await page.locator('main h1').waitFor();
  await page.goto(url);
  await page.locator('.charts[data-ready="true"]').waitFor({ timeout: 30_000 });
}

/** Where a time falls across the plot, 0 to 1, for a range. */
function across(ms: number, from: number, to: number): number {
  return (ms - from) / (to - from);
}

describe.skipIf(skip)('board history: aggregates, axes, flame, French, CSV (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;
  let seeded: ReturnType<typeof readings>;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ PUBLIC_READ: 'true', SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off' }), launchChromium()]);
    const key = await stack.api.registerDevice(DEVICE, { name: 'Salle 204', location: 'Bâtiment D' });
    seeded = readings();
    const post = async (batch: ReturnType<typeof readings>) => {
      let answer = await stack.api.post(DEVICE, key, batch);
      // Like a board: a 503 (the server's bound on readings in flight) is retried after Retry-After.
      for (let tries = 0; answer.status === 503 && tries < 30; tries++) {
        await new Promise((r) => setTimeout(r, 1000 * Number(answer.headers.get('retry-after') ?? 1)));
        answer = await stack.api.post(DEVICE, key, batch);
      }
      if (answer.status !== 200 || answer.body.accepted !== batch.length) throw new Error(`seed: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    const batches = [];
    for (let i = 0; i < seeded.length; i += BATCH) batches.push(seeded.slice(i, i + BATCH));
    for (let i = 0; i < batches.length; i += 4) await Promise.all(batches.slice(i, i + 4).map(post));
    w = await watchedPage(browser);
  }, 300_000);

  afterAll(async () => {
    await w?.context.close();
    await browser?.close();
    await stack?.stop();
  });

  const range30 = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;

  it('draws 30 days through the aggregates route: hourly buckets, at most 2,000 points a chart, min–max bands, the missing days a gap', async () => {
    const before = w.requests.length;
    await open(w.page, `${stack.api.url}/#/board/${DEVICE}?${range30}`);
    const asked = w.requests.slice(before);
    const aggregates = asked.filter((u) => u.includes(`/v1/devices/${DEVICE}/aggregates?`));
    expect(aggregates).toHaveLength(1);
    expect(new URL(aggregates[0] as string).searchParams.get('step')).toBe('3600');
    expect(asked.filter((u) => u.includes('/readings'))).toEqual([]);
    for (const metric of ['co2', 'temperature', 'humidity', 'smoke', 'flame']) {
      const f = await figure(w.page, metric);
      expect(f.source, metric).toBe('aggregates');
      expect(f.drawn, metric).toBeLessThanOrEqual(2000);
      // 720 hours less the 48 missing (and the first and last, partly empty).
      expect(f.points, metric).toBeGreaterThanOrEqual(670);
      expect(f.points, metric).toBeLessThanOrEqual(675);
      expect(f.gaps, metric).toBe(1);
    }
    expect(await w.page.locator('.load-status').innerText()).toMatch(new RegExp(`${seeded.length.toLocaleString('en-GB')} readings .* one average per 1 hr`));

    // The gap is a gap: no line and no band in the middle of the two missing days, both on either side.
    const mid = across((GAP[0] + GAP[1]) / 2, FROM, TO);
    const line: [number, number, number] = [29, 78, 216];
    const inGap = { x0: mid - 0.015, x1: mid + 0.015 };
    expect(await pixelsLike(w.page, 'co2', line, 30, [200, 255], inGap)).toBe(0);
    expect(await pixelsLike(w.page, 'co2', line, 40, [20, 90], inGap)).toBe(0);
    for (const side of [across(GAP[0] - DAY, FROM, TO), across(GAP[1] + DAY, FROM, TO)]) {
      expect(await pixelsLike(w.page, 'co2', line, 30, [200, 255], { x0: side - 0.015, x1: side + 0.015 })).toBeGreaterThan(10);
      // The band (each hour's lowest to highest), shaded in the line's colour.
      expect(await pixelsLike(w.page, 'co2', line, 40, [20, 90], { x0: side - 0.015, x1: side + 0.015 })).toBeGreaterThan(10);
    }
    expect(await w.page.locator('figure[data-metric="co2"] .u-legend').innerText()).toMatch(/CO₂ \(average\)[\s\S]*min[\s\S]*max/);
    await screenshot(w.page, 'board-30d');
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });

  it('fits temperature and smoke to the data and marks their thresholds at the top edge, not inside the range', async () => {
    const temperature = await axis(w.page, 'temperature');
    expect(temperature.ymin).toBeGreaterThan(15);
    expect(temperature.ymin).toBeLessThan(19.2);
    expect(temperature.ymax).toBeGreaterThan(23.8);
    expect(temperature.ymax).toBeLessThan(28);
    expect(temperature.offscale).toBe('57');
    const smoke = await axis(w.page, 'smoke');
    expect(smoke.ymax).toBeLessThan(10);
    expect(smoke.offscale).toBe('35');
    // The mark is drawn in the critical colour in the top strip of the plot, where the data never goes.
    const critical: [number, number, number] = [185, 28, 28];
    expect(await pixelsLike(w.page, 'temperature', critical, 40, [120, 255], { x0: 0.5, x1: 1, y0: 0, y1: 0.12 })).toBeGreaterThan(15);
    expect(await pixelsLike(w.page, 'temperature', critical, 40, [120, 255], { x0: 0, x1: 1, y0: 0.2, y1: 1 })).toBe(0);
    // The names of the lines are under the charts, never over the curve.
    const key = w.page.locator('figure[data-metric="co2"] .chart-key');
    expect(await key.innerText()).toMatch(/warning 1,000 ppm[\s\S]*critical 5,000 ppm/);
    const over = await w.page.locator('figure[data-metric="co2"] .u-over').boundingBox();
    const keyBox = await key.boundingBox();
    expect(keyBox && over && keyBox.y >= over.y + over.height).toBe(true);
    // Smoke in words: what the number is, and what the level means.
    expect(await w.page.locator('figure[data-metric="smoke"] figcaption').innerText()).toMatch(/Smoke \(share of the sensor’s range, %\)/);
    expect(await w.page.locator('figure[data-metric="smoke"] .chart-key').innerText()).toContain('smoke suspected above 35.0 %');
  });

  it('draws flame as an event band, from aggregates and from raw readings', async () => {
    const f = await figure(w.page, 'flame');
    expect(f.spans).toBe(1);
    expect(await w.page.locator('figure[data-metric="flame"] figcaption').innerText()).toMatch(/flame seen, last at .* \(1 in this range\)/);
    const flame: [number, number, number] = [220, 38, 38];
    const at = across(FLAME_AT, FROM, TO);
    expect(await pixelsLike(w.page, 'flame', flame, 12, [240, 255], { x0: at - 0.01, x1: at + 0.01 })).toBeGreaterThan(20);
    expect(await pixelsLike(w.page, 'flame', flame, 12, [240, 255], { x0: 0, x1: at - 0.05 })).toBe(0);

    // Three hours around it: every reading, the two flame readings one span, the half hour without readings a gap.
    const from = FLAME_AT - HOUR;
    const to = FLAME_AT + 3 * HOUR;
    const before = w.requests.length;
    await open(w.page, `${stack.api.url}/#/board/${DEVICE}?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect(await w.page.locator('.charts').getAttribute('data-source')).toBe('raw');
    expect(w.requests.slice(before).some((u) => u.includes(`/v1/devices/${DEVICE}/readings?`))).toBe(true);
    const raw = await figure(w.page, 'flame');
    expect(raw.source).toBe('raw');
    expect(raw.spans).toBe(1);
    expect(raw.points).toBe(seeded.filter((r) => Date.parse(r.ts) >= from && Date.parse(r.ts) < to).length);
    expect((await figure(w.page, 'co2')).gaps).toBe(1);
    const x = across(FLAME_AT + STEP_MS, from, to);
    expect(await pixelsLike(w.page, 'flame', flame, 12, [240, 255], { x0: x - 0.01, x1: x + 0.01 })).toBeGreaterThan(20);
    await screenshot(w.page, 'board-flame');
    expect(w.errors).toEqual([]);
  });

  it('says everything on the charts in French, never “Time:”', async () => {
    await open(w.page, `${stack.api.url}/#/board/${DEVICE}?${range30}`);
    await w.page.locator('button.lang').click();
    await w.page.locator('h2#charts-title', { hasText: 'Graphiques' }).waitFor();
    await w.page.locator('.charts[data-ready="true"]').waitFor();
    // Hover a chart so the legends show values.
    const over = await w.page.locator('figure[data-metric="co2"] .u-over').boundingBox();
    if (!over) throw new Error('no plot');
    await w.page.mouse.move(over.x + over.width * 0.8, over.y + over.height / 2);
    const charts = await w.page.locator('section.board-charts').innerText();
    expect(charts).not.toMatch(/\bTime\b/);
    expect(await w.page.locator('figure[data-metric="co2"] .u-legend').innerText()).toMatch(/Date et heure[\s\S]*CO₂ \(moyenne\)/);
    expect(charts).toContain('Fumée (part de la plage du capteur, %)');
    expect(charts).toContain('fumée suspectée au-dessus de 35,0 %');
    expect(charts).toMatch(/seuil d’avertissement 1\s000 ppm/);
    expect(charts).toContain('Détecteur de flamme');
    expect(charts).toMatch(/flamme détectée, la dernière fois le/);
    expect(charts).toContain('30 derniers jours');
    expect(charts).toContain('Télécharger en CSV');
    expect(charts).toMatch(/une moyenne par 1\sh/);
    for (const english of ['average', 'Smoke', 'warning', 'critical', 'Download', 'flame seen', 'readings', 'lowest']) expect(charts, english).not.toContain(english);
    await screenshot(w.page, 'board-30d-fr');
    await w.page.locator('button.lang').click();
    await w.page.locator('h2#charts-title', { hasText: 'Charts' }).waitFor();
    expect(w.errors).toEqual([]);
  });

  it('downloads the range as one CSV file whose rows are the readings, following the pages', async () => {
    await open(w.page, `${stack.api.url}/#/board/${DEVICE}?${range30}`);
    const before = w.requests.length;
    const [download] = await Promise.all([w.page.waitForEvent('download', { timeout: 60_000 }), w.page.locator('button[data-csv]').click()]);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
    expect(download.suggestedFilename()).toBe(`${DEVICE}_${stamp(FROM)}_${stamp(TO)}.csv`);
    const text = readFileSync(await download.path(), 'utf8');
    const pages = w.requests.slice(before).filter((u) => u.includes('format=csv'));
    expect(pages.length).toBe(Math.ceil(seeded.length / 10_000));
    expect(pages.some((u) => u.includes('cursor='))).toBe(true);

    // The JSON pages of the same range, read by the test itself.
    const expected: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const q = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await stack.api.request('GET', `/v1/devices/${DEVICE}/readings?${q}`);
      expected.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(expected).toHaveLength(seeded.length);

    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,ts,receivedAt,co2,temperature,humidity,smoke,flame');
    expect(lines[lines.length - 1]).toBe('');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const r = expected[i] as Record<string, string | number | boolean>;
      expect(row, `row ${i}`).toEqual([r.id, r.ts, r.receivedAt, String(r.co2), String(r.temperature), String(r.humidity), String(r.smoke), String(r.flame)]);
    });
    expect(await w.page.locator('.export-status').innerText()).toContain(`${seeded.length.toLocaleString('en-GB')} readings`);
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });
});
