import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, unexpectedErrors, watchedPage } from './browser.js';

/**
 * The states a facilities person must not misread, in headless Chromium
 * against the real local stack: values of a silent board greyed with their
 * age and "offline" before the sweep raises the alert, the tab title and
 * favicon during a fire, an unknown board, the French words, and the wall
 * view at 1920×1080. Screenshots go to test-artifacts/web/.
 */
const skip = chromiumMissing();
const MIN = 60_000;
/** One fleet poll (5 s) plus the time to post and draw. */
const ONE_REFRESH_MS = 8_000;
/** The stack's clock, moved back to post a reading 40 minutes ago. */
const offset = { ms: 0 };
const clock = { now: () => Date.now() + offset.ms };

/** Chrome logs every 4xx as a console error: the 404 of the unknown board is expected. */
const unexpected = (errors: readonly string[]) => unexpectedErrors(errors).filter((e) => !/status of 404/.test(e));

describe.skipIf(skip)('dashboard states (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    // The sweep never runs during the test: offline must be shown from lastSeenAt alone.
    [stack, browser] = await Promise.all([startTestStack({ PUBLIC_READ: 'true', SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off' }, { clock }), launchChromium()]);
    const api = stack.api;
    keys.salle = await api.registerDevice('st-salle-101', { name: 'Salle 101', location: 'Bâtiment A, 1er étage' });
    keys.cantine = await api.registerDevice('st-cantine', { name: 'Cantine', location: 'Bâtiment A, rez-de-chaussée' });
    keys.labo = await api.registerDevice('st-labo', { name: 'Labo chimie', location: 'Bâtiment B, salle 12' });
    keys.reserve = await api.registerDevice('st-reserve', { name: 'Réserve', location: 'Bâtiment B, sous-sol' });
    keys.cdi = await api.registerDevice('st-cdi', { name: 'CDI', location: 'Bâtiment C' });
    offset.ms = -40 * MIN;
    await api.post('st-reserve', keys.reserve, [{ ts: isoNow(-40 * MIN - 1000), co2: 468, temperature: 18.2, humidity: 55, smoke: 0.01, flame: false }]);
    offset.ms = 0;
    await api.post('st-salle-101', keys.salle, [{ ts: isoNow(-2000), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false }]);
    await api.post('st-cantine', keys.cantine, [{ ts: isoNow(-3000), co2: 690, temperature: 21.0, humidity: 45, smoke: 0.02, flame: false }]);
    await api.post('st-labo', keys.labo, [{ ts: isoNow(-4000), co2: 640, temperature: 20.1, humidity: 38, smoke: 0.01, flame: false }]);
    await api.post('st-cdi', keys.cdi, [{ ts: isoNow(-5000), co2: 590, temperature: 20.5, humidity: 40, smoke: 0.01, flame: false }]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('greys the values of a board silent for 40 minutes with their age, and says offline (not "No alert") before the sweep', async () => {
    const w = await watchedPage(browser);
    await w.page.goto(`${stack.api.url}/`);
    const card = w.page.locator('.card[data-device="st-reserve"]');
    await card.waitFor();
    expect((await stack.api.request('GET', '/v1/alerts?status=all&deviceId=st-reserve')).body.items).toEqual([]); // no offline alert yet
    expect(await card.getAttribute('data-state')).toBe('offline');
    const text = await card.innerText();
    expect(text).toMatch(/Offline/);
    expect(text).toMatch(/No data for 4[01]\smin/);
    expect(text).not.toMatch(/No alert/);
    expect(text).toMatch(/Old values \(4[01]\smin\.? ago\), not live/);
    expect(await card.locator('.metrics-box[data-stale="true"] .metrics-stale').count()).toBe(1);
    // A live board's values are not greyed.
    expect(await w.page.locator('.card[data-device="st-salle-101"] .metrics-stale').count()).toBe(0);
    const colourOf = (device: string) => w.page.evaluate(`getComputedStyle(document.querySelector('.card[data-device="${device}"] .metric-co2 dd')).color`);
    const grey = await colourOf('st-reserve');
    const live = await colourOf('st-salle-101');
    expect(grey).not.toBe(live);
    await screenshot(w.page, 'stale-offline');
    expect(unexpected(w.errors)).toEqual([]);
    await w.context.close();
  });

  it('puts the worst active alert in the tab title and favicon during a fire, and takes it out when it clears', async () => {
    const w = await watchedPage(browser);
    await w.page.goto(`${stack.api.url}/`);
    await w.page.locator('.card[data-device="st-salle-101"]').waitFor();
    expect(await w.page.title()).toBe('Fire & CO₂ monitor');
    const normalIcon = await w.page.locator('link[rel="icon"]').getAttribute('href');
    await stack.api.post('st-labo', keys.labo as string, [{ ts: isoNow(-1000), co2: 1300, temperature: 21, flame: false }]); // a CO2 warning first
    await stack.api.post('st-salle-101', keys.salle as string, [{ ts: isoNow(-500), co2: 830, temperature: 26, smoke: 0.12, flame: true }]);
    await w.page.locator('body[data-worst="critical:fire"]').waitFor({ state: 'attached', timeout: ONE_REFRESH_MS });
    expect(await w.page.title()).toBe('✖ Fire — Salle 101 (+1 more) · Fire & CO₂ monitor');
    expect(await w.page.locator('body').getAttribute('data-worst')).toBe('critical:fire');
    const icon = await w.page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).not.toBe(normalIcon);
    expect(decodeURIComponent(icon ?? '')).toMatch(/^data:image\/svg\+xml,.*#dc2626.*>2</);
    await screenshot(w.page, 'title-fire', false);
    // The opt-in alarm switch is there, off until clicked.
    expect(await w.page.locator('button.alarm').getAttribute('aria-pressed')).toBe('false');
    await stack.api.post('st-salle-101', keys.salle as string, [{ ts: isoNow(-100), co2: 820, temperature: 23, smoke: 0.02, flame: false }]);
    await w.page.locator('body[data-worst="warning:co2"]').waitFor({ state: 'attached', timeout: ONE_REFRESH_MS });
    expect(await w.page.title()).toBe('⚠ CO₂ — Labo chimie · Fire & CO₂ monitor');
    expect(unexpected(w.errors)).toEqual([]);
    await w.context.close();
  });

  it('with the alarm switched on, notifies each new alert once in the browser (and not the alerts already there)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', permissions: ['notifications'] });
    // Records what the page hands to the browser's Notification (headless Chromium shows none).
    await context.addInitScript(`window.__notified = []; const Real = window.Notification;
      window.Notification = class extends Real { constructor(title, options) { super(title, options); window.__notified.push(title); } };`);
    const page = await context.newPage();
    await page.goto(`${stack.api.url}/`);
    await page.locator('.card[data-device="st-labo"][data-state="warning"]').waitFor();
    await page.locator('button.alarm').click();
    expect(await page.locator('button.alarm').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('button.alarm').innerText()).toBe('Alarm sound: on');
    await stack.api.post('st-cantine', keys.cantine as string, [{ ts: isoNow(-100), co2: 700, temperature: 21, smoke: 0.5 }]);
    await page.locator('.card[data-device="st-cantine"][data-state="critical"]').waitFor({ timeout: ONE_REFRESH_MS });
    await page.locator('.card[data-device="st-cantine"]').waitFor();
    expect(await page.evaluate('window.__notified')).toEqual(['Critical: Smoke — Cantine']);
    // Smoke in words on the card: a share of the sensor's range, and what the alert means.
    expect(await page.locator('.card[data-device="st-cantine"] [data-metric="smoke"] dd').innerText()).toMatch(/50\.0 ?% of range: smoke suspected/);
    await stack.api.post('st-cantine', keys.cantine as string, [{ ts: isoNow(-50), co2: 700, temperature: 21, smoke: 0.02 }]);
    await page.locator('.card[data-device="st-cantine"][data-state="ok"]').waitFor({ timeout: ONE_REFRESH_MS });
    expect(await page.evaluate('window.__notified')).toEqual(['Critical: Smoke — Cantine']); // a resolution is not a new alert
    expect(await page.locator('.card[data-device="st-cantine"] [data-metric="smoke"] dd').innerText()).toMatch(/2\.0 ?% of range$/);
    await context.close();
  });

  it('shows an unknown board as one clear "no such board" page', async () => {
    const w = await watchedPage(browser);
    await w.page.goto(`${stack.api.url}/#/board/does-not-exist`);
    const page = w.page.locator('[data-not-found="does-not-exist"]');
    await page.waitFor();
    expect(await w.page.locator('main h1').innerText()).toBe('No such board');
    expect(await page.innerText()).toMatch(/There is no board “does-not-exist”/);
    const main = await w.page.locator('main').innerText();
    expect(main).not.toMatch(/Something went wrong|Charts|Last hour/);
    expect(await w.page.locator('.problem').isVisible()).toBe(false);
    expect(await w.page.locator('.charts, .range').count()).toBe(0);
    // A known board still opens.
    await w.page.goto(`${stack.api.url}/#/board/st-cdi`);
    await w.page.locator('.charts[data-ready="true"]').waitFor();
    expect(await w.page.locator('[data-not-found]').count()).toBe(0);
    await w.page.goto(`${stack.api.url}/#/board/does-not-exist`);
    await page.waitFor();
    await screenshot(w.page, 'unknown-board');
    expect(unexpected(w.errors)).toEqual([]);
    await w.context.close();
  });

  it('speaks French safety usage: "Déclenchée", not "Levée", and no English left on the pages', async () => {
    const w = await watchedPage(browser, { locale: 'fr-FR' });
    await w.page.goto(`${stack.api.url}/#/alerts`);
    await w.page.locator('.alert-item').first().waitFor();
    const alerts = await w.page.locator('main').innerText();
    expect(alerts).toMatch(/Déclenchée/);
    expect(alerts).toMatch(/Terminée/); // the fire that cleared
    expect(alerts).not.toMatch(/Levée|Résolue|Raised|Resolved/);
    await w.page.goto(`${stack.api.url}/#/`);
    const reserve = w.page.locator('.card[data-device="st-reserve"]');
    await reserve.waitFor();
    const fleet = await w.page.locator('#app').innerText();
    expect(fleet).toMatch(/Dernier contact il y a/);
    expect(await reserve.innerText()).toMatch(/Valeurs anciennes \(il y a 4[01]\smin\), pas en direct/);
    expect(await reserve.innerText()).toMatch(/Aucune donnée depuis 4[01]\smin/);
    expect(fleet).toMatch(/alertes? en cours/);
    expect(fleet).toMatch(/Alarme sonore : coupée/);
    expect(fleet).not.toMatch(/Last seen|Old values|No alert|No data|Alarm sound|Online|Offline|Warning/);
    await w.page.goto(`${stack.api.url}/#/board/does-not-exist`);
    await w.page.locator('[data-not-found]').waitFor();
    expect(await w.page.locator('main').innerText()).toMatch(/Boîtier inconnu[\s\S]*Il n’y a pas de boîtier « does-not-exist »/);
    await screenshot(w.page, 'fleet-fr');
    expect(unexpected(w.errors)).toEqual([]);
    await w.context.close();
  });

  it('shows the wall view at 1920×1080: tiles by building, worst first, no navigation, large type, refreshing itself', async () => {
    const w = await watchedPage(browser, { viewport: { width: 1920, height: 1080 } });
    await w.page.goto(`${stack.api.url}/#/wall`);
    await w.page.locator('.tile[data-device="st-labo"]').waitFor();
    expect(await w.page.locator('.topbar').isVisible()).toBe(false);
    expect(await w.page.locator('nav').isVisible()).toBe(false);
    // Bâtiment B holds the CO2 warning (and the silent board): it comes first; within it the warning before the offline board.
    const buildings = await w.page.locator('.wall-group').evaluateAll((els) => els.map((el) => el.getAttribute('data-building')));
    expect(buildings).toEqual(['Bâtiment B', 'Bâtiment A', 'Bâtiment C']);
    const inB = await w.page.locator('.wall-group[data-building="Bâtiment B"] .tile').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-device')}:${el.getAttribute('data-state')}`));
    expect(inB).toEqual(['st-labo:warning', 'st-reserve:offline']);
    expect(await w.page.locator('.tile[data-device="st-labo"] .tile-headline').innerText()).toBe('⚠ CO₂');
    expect(await w.page.locator('.tile[data-device="st-reserve"]').innerText()).toMatch(/Offline[\s\S]*Last seen 4[01]\smin\.? ago/);
    // Readable at 3 m: names and states at 32 px or more on a 1080p screen, and every tile on the screen.
    const sizes = (await w.page.evaluate("[...document.querySelectorAll('.tile-name, .tile-headline')].map((el) => parseFloat(getComputedStyle(el).fontSize))")) as number[];
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(32);
    const bottom = await w.page.locator('.tile').evaluateAll((els) => Math.max(...els.map((el) => el.getBoundingClientRect().bottom)));
    expect(bottom).toBeLessThanOrEqual(1080);
    await screenshot(w.page, 'wall-1920x1080', false);
    // A fire in Bâtiment C reaches the wall by itself, and takes the top.
    await stack.api.post('st-cdi', keys.cdi as string, [{ ts: isoNow(-200), co2: 700, temperature: 24, flame: true }]);
    await w.page.locator('.tile[data-device="st-cdi"][data-state="critical"]').waitFor({ timeout: ONE_REFRESH_MS });
    expect(await w.page.locator('.wall-group').first().getAttribute('data-building')).toBe('Bâtiment C');
    expect(await w.page.locator('.tile[data-device="st-cdi"] .tile-headline').innerText()).toBe('✖ Fire');
    await screenshot(w.page, 'wall-1920x1080-fire', false);
    expect(unexpected(w.errors)).toEqual([]);
    expect(w.foreign).toEqual([]);
    await w.context.close();
  });
});
