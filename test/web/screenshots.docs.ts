import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, watchedPage } from './browser.js';

/**
 * Regenerates docs/screenshots/*.png (the README's pictures) from the real
 * local stack in headless Chromium: `make screenshots`. Not part of
 * `make test` (it writes into the work tree), so it lives outside the
 * test include (vitest.docs.config.ts).
 */
if (chromiumMissing()) throw new Error('make screenshots needs Chromium (bash scripts/setup-chromium.sh)');
const OUT = join(process.cwd(), 'docs', 'screenshots');
const MIN = 60_000;

describe('docs screenshots', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ PUBLIC_READ: 'true', SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off' }), launchChromium()]);
    const api = stack.api;
    // A day of one-minute readings for the board shown with its charts, a CO2 episode in the afternoon.
    const amphi = await api.registerDevice('amphi-2', { name: 'Amphi 2', location: 'Bâtiment C, rez-de-chaussée' });
    const start = Date.now() - 24 * 60 * MIN + MIN;
    const day = Array.from({ length: 24 * 60 - 1 }, (_, i) => {
      const at = new Date(start + i * MIN);
      const h = (at.getUTCHours() + 1 + at.getUTCMinutes() / 60) % 24; // the hour in Paris (the page's time zone), winter time
      const occupied = (h > 9 && h < 12) || (h > 14 && h < 18.5);
      const episode = h > 15.8 && h < 16.6;
      return {
        id: `d-${i}`,
        ts: at.toISOString(),
        co2: Math.round((occupied ? 780 + 160 * Math.sin((h - 9) * 1.3) : 470) + (episode ? 520 : 0) + ((i * 37) % 23)),
        temperature: Math.round((20.2 + (occupied ? 1.6 : 0) + 0.6 * Math.sin(i / 240) + ((i * 13) % 7) * 0.03) * 10) / 10,
        humidity: Math.round((42 + 6 * Math.sin(i / 300) + (occupied ? 3 : 0) + ((i * 11) % 9) * 0.05) * 10) / 10,
        smoke: Math.round((0.015 + 0.006 * Math.sin(h * 2) + ((i * 7) % 5) * 0.001) * 1000) / 1000,
        flame: false,
      };
    });
    for (let i = 0; i < day.length; i += 480) await api.post('amphi-2', amphi, day.slice(i, i + 480));
    const salle = await api.registerDevice('salle-101', { name: 'Salle 101', location: 'Bâtiment A, 1er étage' });
    await api.post('salle-101', salle, [{ ts: isoNow(-40_000), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false }]);
    const cantine = await api.registerDevice('cantine', { name: 'Cantine', location: 'Bâtiment A, rez-de-chaussée' });
    await api.post('cantine', cantine, [{ ts: isoNow(-30_000), co2: 1240, temperature: 21.6, humidity: 47, smoke: 0.02, flame: false }]);
    const cdi = await api.registerDevice('cdi', { name: 'CDI', location: 'Bâtiment C, 1er étage' });
    await api.post('cdi', cdi, [{ ts: isoNow(-50_000), co2: 640, temperature: 20.8, humidity: 43, smoke: 0.01, flame: false }]);
    const labo = await api.registerDevice('labo-chimie', { name: 'Labo chimie', location: 'Bâtiment B, salle 12' });
    await api.post('labo-chimie', labo, [
      { ts: isoNow(-3 * MIN), co2: 690, temperature: 23.1, humidity: 38, smoke: 0.04, flame: false },
      { ts: isoNow(-2 * MIN), co2: 720, temperature: 26.8, humidity: 36, smoke: 0.18, flame: true },
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('fleet, board and wall', async () => {
    mkdirSync(OUT, { recursive: true });
    const w = await watchedPage(browser, { viewport: { width: 1200, height: 700 } });
    await w.page.goto(`${stack.api.url}/`);
    await w.page.locator('.card[data-state="critical"]').waitFor();
    await w.page.screenshot({ path: join(OUT, 'fleet.png') });
    await w.page.setViewportSize({ width: 1200, height: 1080 });
    await w.page.goto(`${stack.api.url}/#/board/amphi-2?range=24h`);
    await w.page.locator('.charts[data-ready="true"]').waitFor();
    await w.page.screenshot({ path: join(OUT, 'board.png'), fullPage: true });
    // The wall view on a 1080p reception screen.
    await w.page.setViewportSize({ width: 1920, height: 1080 });
    await w.page.goto(`${stack.api.url}/#/wall`);
    await w.page.locator('.tile[data-state="critical"]').waitFor();
    await w.page.screenshot({ path: join(OUT, 'wall.png') });
    if (w.errors.length > 0 || w.foreign.length > 0) throw new Error(`console errors or foreign requests: ${[...w.errors, ...w.foreign].join('\n')}`);
    await w.context.close();
  });
});
