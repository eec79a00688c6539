import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN_TOKEN, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, unexpectedErrors, watchedPage, type WatchedPage } from './browser.js';

/**
 * The printable air-quality report (src/web/app/report.mts) in Debian's
 * Chromium against the real local stack: reached from the header, one table
 * per room with the API's figures, French, another range from the form, and
 * the print style without the page's chrome.
 */
const skip = chromiumMissing();

describe.skipIf(skip)('air-quality report page (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const from = new Date(now - 86_400_000).toISOString();
  const to = new Date(now + 3_600_000).toISOString();

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off', OCCUPIED_HOURS: 'Mon-Sun 00:00-24:00', TIMEZONE: 'Europe/Paris' }),
      launchChromium(),
    ]);
    const key = await stack.api.registerDevice('web-rep-101', { name: 'Salle 101', location: 'Bâtiment A' });
    await stack.api.registerDevice('web-rep-102', { name: 'Salle 102' });
    // Two hours of Salle 101, one reading a minute, every other one above 1700 ppm (ICONE 3), with a 30-minute gap.
    const readings = Array.from({ length: 120 }, (_, i) => ({ id: `r${i}`, ts: new Date(now - (150 - i) * 60_000).toISOString(), co2: i % 2 === 0 ? 600 : 1800 })).filter((_, i) => i < 50 || i >= 80);
    expect((await stack.api.post('web-rep-101', key, readings)).status).toBe(200);
    w = await watchedPage(browser);
  });

  afterAll(async () => {
    await w?.context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('shows one table per room with the figures of the API, in English and French, and prints without the chrome', async () => {
    await w.page.goto(`${stack.api.url}/`);
    await w.page.evaluate(`sessionStorage.setItem('fire-co2.admin-token', ${JSON.stringify(ADMIN_TOKEN)}); localStorage.setItem('fire-co2.lang', 'en')`);
    await w.page.reload();
    await w.page.locator('.card[data-device="web-rep-101"]').waitFor();
    // The header links to it; the default range is the last 30 days.
    await w.page.locator('nav a[href="#/report"]').click();
    await w.page.locator('.report-room[data-device="web-rep-101"]').waitFor();
    expect(await w.page.locator('nav a[href="#/report"]').getAttribute('aria-current')).toBe('page');
    expect(await w.page.locator('.report-room').count()).toBe(2);

    // An explicit range in the address, as a bookmark would carry it.
    await w.page.goto(`${stack.api.url}/#/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const room = w.page.locator('.report-room[data-device="web-rep-101"]');
    await room.waitFor();
    const api = (await stack.api.request('GET', `/v1/reports/air-quality?from=${from}&to=${to}`)).body.items[0];
    expect(api).toMatchObject({ deviceId: 'web-rep-101', readings: 90, icone: 3, co2: { max: 1800, avg: 1200 } });
    expect(await room.locator('caption').innerText()).toContain('Salle 101');
    expect(await room.locator('caption').innerText()).toContain('Bâtiment A');
    const cell = (row: string) => room.locator(`tr[data-row="${row}"] td`).innerText();
    expect(await cell('readings')).toBe('90');
    expect(await cell('co2-max')).toBe('1,800 ppm');
    expect(await cell('co2-avg')).toBe('1,200 ppm');
    expect(await cell('coverage')).toBe(`${(api.coverage * 100).toFixed(1)} %`);
    expect(await cell('above-1500')).toBe(`${api.co2.hoursAbove['1500'].toFixed(1)} h`);
    expect(await cell('icone')).toBe('3 — high confinement');
    const other = w.page.locator('.report-room[data-device="web-rep-102"]');
    expect(await other.locator('tr[data-row="icone"] td').innerText()).toContain('not computed');
    expect(await other.locator('tr[data-row="co2-max"] td').innerText()).toBe('—');
    expect(await w.page.locator('.report-intro').innerText()).toContain('Mon-Sun 00:00-24:00, Europe/Paris');
    await screenshot(w.page, 'report');

    // Printed: the tables, not the header, the form or the buttons.
    await w.page.emulateMedia({ media: 'print' });
    expect(await w.page.locator('header.topbar').isVisible()).toBe(false);
    expect(await w.page.locator('.report-form').isVisible()).toBe(false);
    expect(await room.isVisible()).toBe(true);
    await w.page.emulateMedia({ media: 'screen' });

    // French.
    await w.page.locator('button.lang').click();
    await w.page.locator('.report-room[data-device="web-rep-101"] tr[data-row="icone"] td', { hasText: 'confinement élevé' }).waitFor();
    expect(await w.page.locator('h1').innerText()).toBe('Rapport qualité de l’air');
    expect(await cell('co2-max')).toMatch(/^1\s800 ppm$/);

    // Another range from the form: a day with no reading (30 days ago) empties the figures, and the address follows.
    const day = new Date(now - 30 * 86_400_000);
    const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    await w.page.locator('.report-form input[name="from"]').fill(ymd);
    await w.page.locator('.report-form input[name="to"]').fill(ymd);
    const answered = w.page.waitForResponse((r) => r.url().includes('/v1/reports/air-quality'));
    await w.page.locator('.report-form button[type="submit"]').click();
    await answered;
    await w.page.locator('.report-room[data-device="web-rep-101"] tr[data-row="readings"] td', { hasText: /^0$/ }).waitFor();
    expect(await w.page.evaluate('location.hash')).toMatch(/^#\/report\?from=.+&to=.+/);
    expect(unexpectedErrors(w.errors)).toEqual([]);
  });
});
