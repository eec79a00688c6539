import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, watchedPage, type WatchedPage } from './browser.js';

/**
 * The board view's charts in headless Chromium: 24 h of 10-second readings
 * seeded through POST /v1/readings, drawn over 24 h and 7 days from the
 * aggregates route (one request each), and zoomed into a few hours drawn
 * from every raw reading (the paged readings route). Longer ranges, gaps,
 * flame and CSV: board-history.test.ts.
 */
const skip = chromiumMissing();
const STEP_MS = 10_000;
const BATCH = 480; // under the contract's 500 a batch
const SEEDED = 8_500; // 23.6 h: all of it stays inside "last 24 h" however long the test takes

/** Indoor air over a day, a CO2 episode near the end (above this board's own warning level, 1200 ppm). */
function reading(i: number, ts: number) {
  const hour = (i * STEP_MS) / 3600_000;
  const episode = i >= SEEDED - 500 && i < SEEDED - 380; // 20 minutes, then back below the clear level
  return {
    id: `r-${i}`,
    ts: new Date(ts).toISOString(),
    co2: Math.round(episode ? 1400 + (i % 7) * 10 : 600 + 150 * Math.sin(hour / 3) + (i % 11) * 3),
    temperature: Math.round((21 + 1.5 * Math.sin(hour / 4) + (i % 5) * 0.05) * 10) / 10,
    humidity: Math.round(40 + 5 * Math.cos(hour / 5)),
    smoke: Math.round((0.02 + 0.01 * Math.sin(hour)) * 1000) / 1000,
    flame: false,
  };
}

async function chart(page: Page, metric: string) {
  const figure = page.locator(`figure[data-metric="${metric}"]`);
  return {
    points: Number(await figure.getAttribute('data-points')),
    drawn: Number(await figure.getAttribute('data-drawn')),
    lines: await figure.getAttribute('data-lines'),
    canvases: await figure.locator('canvas').count(),
  };
}

/** The little of a canvas the pixel count uses (the root tsconfig has no DOM types). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

/** Pixels of the chart's (transparent) canvas near a colour and within an opacity range: the line, a threshold line, an alert band. */
async function pixelsLike(page: Page, metric: string, rgb: [number, number, number], tolerance: number, alpha: [number, number]): Promise<number> {
  return page.locator(`figure[data-metric="${metric}"] canvas`).evaluate(
    (canvas, [r, g, b, tol, aMin, aMax]) => {
      const c = canvas as unknown as CanvasLike;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3] as number;
        if (a < aMin || a > aMax) continue;
        if (Math.abs((data[i] as number) - r) <= tol && Math.abs((data[i + 1] as number) - g) <= tol && Math.abs((data[i + 2] as number) - b) <= tol) n++;
      }
      return n;
    },
    [...rgb, tolerance, ...alpha] as [number, number, number, number, number, number],
  );
}

describe.skipIf(skip)('board charts (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;
  let key: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ PUBLIC_READ: 'true', SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off' }), launchChromium()]);
    key = await stack.api.registerDevice('web-chart', { name: 'Amphi 2', location: 'Bâtiment C', thresholds: { co2: { warning: 1200 } } });
    const start = Date.now() - 10_000 - (SEEDED - 1) * STEP_MS;
    const batches: ReturnType<typeof reading>[][] = [];
    for (let i = 0; i < SEEDED; i += BATCH) {
      batches.push(Array.from({ length: Math.min(BATCH, SEEDED - i) }, (_, j) => reading(i + j, start + (i + j) * STEP_MS)));
    }
    const post = async (batch: ReturnType<typeof reading>[]) => {
      let answer = await stack.api.post('web-chart', key, batch);
      // Like a board: a 503 (the server's bound on readings in flight) is retried after Retry-After.
      for (let tries = 0; answer.status === 503 && tries < 30; tries++) {
        await new Promise((r) => setTimeout(r, 1000 * Number(answer.headers.get('retry-after') ?? 1)));
        answer = await stack.api.post('web-chart', key, batch);
      }
      if (answer.status !== 200 || answer.body.accepted !== batch.length) throw new Error(`seed: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    // The quiet part four batches at a time; the last two hours (the CO2 episode) in order, so that it raises and clears an alert.
    const quiet = batches.slice(0, -2);
    for (let i = 0; i < quiet.length; i += 4) await Promise.all(quiet.slice(i, i + 4).map(post));
    for (const batch of batches.slice(-2)) await post(batch);
    w = await watchedPage(browser);
  }, 240_000); // about 20 s on an idle 2-core machine; the store's own cost (dynalite), several times that under load

  afterAll(async () => {
    await w?.context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('draws CO2, temperature, humidity and smoke over 24 h from one-minute aggregates, with thresholds and the alert period', async () => {
    const alerts = (await stack.api.request('GET', '/v1/alerts?deviceId=web-chart&status=all')).body.items;
    expect(alerts.map((a: { kind: string; status: string }) => `${a.kind}:${a.status}`)).toEqual(['co2:resolved']);

    await w.page.goto(`${stack.api.url}/#/board/web-chart?range=24h`);
    await w.page.locator('.charts[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await w.page.locator('button[data-range="24h"]').getAttribute('aria-pressed')).toBe('true');
    for (const metric of ['co2', 'temperature', 'humidity', 'smoke']) {
      const c = await chart(w.page, metric);
      // 8,500 readings of 10 s: 1,417 minutes (or one more where a minute is split by the range's edge).
      expect(c.points, metric).toBeGreaterThanOrEqual(1416);
      expect(c.points, metric).toBeLessThanOrEqual(1419);
      expect(c.canvases, metric).toBe(1);
      expect(c.drawn, metric).toBeLessThanOrEqual(2000);
    }
    // The device's own warning level over the contract's defaults.
    expect((await chart(w.page, 'co2')).lines).toBe('1200,5000');
    expect((await chart(w.page, 'temperature')).lines).toBe('57');
    expect((await chart(w.page, 'smoke')).lines).toBe('35');
    expect((await chart(w.page, 'humidity')).lines).toBe('');
    // One request for the whole day: the aggregates route at one-minute steps, no readings pages.
    const aggregates = w.requests.filter((u) => u.includes('/v1/devices/web-chart/aggregates?'));
    expect(aggregates).toHaveLength(1);
    expect(new URL(aggregates[0] as string).searchParams.get('step')).toBe('60');
    expect(w.requests.filter((u) => u.includes('/v1/devices/web-chart/readings'))).toEqual([]);
    expect(await w.page.locator('.load-status').innerText()).toMatch(/^8,500 readings from .* one average per 1 min/);

    // Drawn, not just laid out: the line (--chart-line), the dashed warning level (--warning) and the shaded alert period.
    expect(await pixelsLike(w.page, 'co2', [29, 78, 216], 30, [200, 255])).toBeGreaterThan(300);
    expect(await pixelsLike(w.page, 'co2', [161, 92, 7], 30, [200, 255])).toBeGreaterThan(50);
    expect(await pixelsLike(w.page, 'co2', [217, 119, 6], 6, [20, 80])).toBeGreaterThan(200);
    expect(await w.page.locator('figure[data-metric="co2"] .chart-summary').innerText()).toMatch(/max 1,4\d0 ppm/);
    expect(await w.page.locator('.board-alerts').innerText()).toMatch(/Warning: CO₂[\s\S]*1,4\d0 ppm \(threshold 1,200 ppm\)/);
    await screenshot(w.page, 'board-24h');
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });

  it('zooms into a dragged span of a few hours, drawn from every raw reading, then zooms again from memory', async () => {
    const drag = async (from: number, to: number) => {
      // In view first: the mouse can only drag what is on the screen.
      await w.page.locator('figure[data-metric="co2"] .u-over').scrollIntoViewIfNeeded();
      const box = await w.page.locator('figure[data-metric="co2"] .u-over').boundingBox();
      if (!box) throw new Error('no plot area');
      await w.page.mouse.move(box.x + box.width * from, box.y + box.height / 2);
      await w.page.mouse.down();
      await w.page.mouse.move(box.x + box.width * to, box.y + box.height / 2, { steps: 5 });
      await w.page.mouse.up();
    };
    const before = w.requests.length;
    await drag(0.6, 0.8);
    await w.page.locator('button[data-range="custom"][aria-pressed="true"]').waitFor();
    await w.page.locator('#range-from').waitFor();
    await w.page.locator('.charts[data-ready="true"][data-source="raw"]').waitFor();
    expect(w.page.url()).toMatch(/#\/board\/web-chart\?from=.*&to=/);
    const zoomed = await chart(w.page, 'co2');
    expect(zoomed.points).toBeGreaterThan(SEEDED * 0.15);
    expect(zoomed.points).toBeLessThan(SEEDED * 0.25);
    const width = await w.page.locator('figure[data-metric="co2"] .chart-host').evaluate((el) => el.clientWidth);
    expect(zoomed.drawn).toBeLessThanOrEqual(4 * width + 10); // reduced to the chart's width
    const pages = w.requests.slice(before).filter((u) => u.includes('/v1/devices/web-chart/readings'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.every((u) => u.includes('limit=1000'))).toBe(true);
    // A zoom inside what is held is drawn from memory.
    const held = w.requests.length;
    await drag(0.3, 0.6);
    // Polled from here, not with a string predicate in the page (the dashboard's CSP forbids evaluating strings).
    await expect.poll(async () => Number(await w.page.locator('figure[data-metric="co2"]').getAttribute('data-points')), { timeout: 10_000 }).toBeLessThan(zoomed.points);
    expect((await chart(w.page, 'co2')).points).toBeGreaterThan(zoomed.points * 0.2);
    expect(w.requests.slice(held).filter((u) => u.includes('/readings') || u.includes('/aggregates'))).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('draws a week from quarter-hour aggregates in one request', async () => {
    const before = w.requests.length;
    await w.page.locator('button[data-range="7d"]').click();
    await w.page.locator('button[data-range="7d"][aria-pressed="true"]').waitFor();
    await w.page.locator('.charts[data-ready="true"][data-source="aggregates"]').waitFor();
    const asked = w.requests.slice(before).filter((u) => u.includes('/v1/devices/web-chart/'));
    expect(asked).toHaveLength(1);
    expect(new URL(asked[0] as string).searchParams.get('step')).toBe('900');
    const co2 = await chart(w.page, 'co2');
    // 23.6 h of readings in quarter hours: 95 or 96 buckets of the 672 of a week.
    expect(co2.points).toBeGreaterThanOrEqual(94);
    expect(co2.points).toBeLessThanOrEqual(97);
    expect(co2.drawn).toBeLessThanOrEqual(672);
    expect(await w.page.locator('figure[data-metric="co2"] .chart-summary').innerText()).toMatch(/max 1,4\d0 ppm/);
    await screenshot(w.page, 'board-week');
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });

  it('follows the clock: a reading posted now shows at the next refresh, which reads only the last buckets again', async () => {
    const before = w.requests.length;
    const posted = await stack.api.post('web-chart', key, [{ id: 'live-1', ts: new Date().toISOString(), co2: 1900, temperature: 21, humidity: 40, smoke: 0.02, flame: false }]);
    expect(posted.status).toBe(200);
    await w.page.locator('figure[data-metric="co2"] .chart-summary', { hasText: 'max 1,900 ppm' }).waitFor({ timeout: 40_000 });
    const refresh = w.requests.slice(before).filter((u) => u.includes('/v1/devices/web-chart/aggregates?'));
    expect(refresh.length).toBeGreaterThanOrEqual(1);
    const q = new URL(refresh[0] as string).searchParams;
    expect(q.get('step')).toBe('900');
    // From the quarter hour holding the time 5 minutes back: two buckets at most, not the week.
    expect(Date.now() - Date.parse(q.get('from') as string)).toBeLessThan(45 * 60_000);
    expect(Date.parse(q.get('from') as string) % (900 * 1000)).toBe(0);
    expect(w.requests.slice(before).filter((u) => u.includes('/readings'))).toEqual([]);
    expect(w.errors).toEqual([]);
  }, 60_000);
});
