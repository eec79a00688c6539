import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN_TOKEN, isoNow, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, unexpectedErrors, watchedPage, type WatchedPage } from './browser.js';

/**
 * The dashboard in real headless Chromium against the real local stack:
 * fleet, a fire alert appearing within one refresh, acknowledging (refused
 * without the admin token), a private deployment asking for the token, an
 * unreachable API, French, a phone, the keyboard. Charts: board-charts.test.ts.
 */
const skip = chromiumMissing();
const STACK_ENV = { SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off' };
/** Evaluated in the page (the root tsconfig has no DOM types, so page code is given as text). */
const TOKEN_IN_SESSION = "sessionStorage.getItem('fire-co2.admin-token')";
/** One fleet poll (5 s) plus the time to post and draw. */
const ONE_REFRESH_MS = 8_000;

describe.skipIf(skip)('dashboard (headless Chromium, public_read on)', () => {
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ ...STACK_ENV, PUBLIC_READ: 'true' }), launchChromium()]);
    keys.salle = await stack.api.registerDevice('web-salle-101', { name: 'Salle 101', location: 'Bâtiment A, 1er étage' });
    keys.labo = await stack.api.registerDevice('web-labo', { name: 'Labo chimie', location: 'Bâtiment B' });
    await stack.api.registerDevice('web-new', { name: 'Réserve', location: 'Sous-sol' });
    await stack.api.post('web-salle-101', keys.salle, [{ ts: isoNow(-1000), co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false }]);
    await stack.api.post('web-labo', keys.labo, [{ ts: isoNow(-20_000), co2: 640, temperature: 20.1, humidity: 38, smoke: 0.01, flame: false }]);
    w = await watchedPage(browser);
  });

  afterAll(async () => {
    await w?.context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('serves the page with its CSP and lists every board with its latest values, without a token', async () => {
    const response = await w.page.goto(`${stack.api.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    const card = w.page.locator('.card[data-device="web-salle-101"]');
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain('Salle 101');
    expect(text).toContain('Bâtiment A, 1er étage');
    expect(text).toMatch(/Online/);
    expect(text).toMatch(/Last seen/);
    expect(text).toContain('812 ppm');
    expect(text).toContain('22.4 °C');
    expect(text).toContain('41 % RH');
    expect(text).toContain('3.0 %');
    expect(text).toMatch(/Flame\s*None/i);
    expect(await w.page.locator('.card[data-device="web-new"]').innerText()).toMatch(/Never seen[\s\S]*No reading yet/);
    expect(await w.page.locator('.card').count()).toBe(3);
    expect(await w.page.locator('.live').innerText()).toMatch(/Live, updated/);
    await screenshot(w.page, 'fleet');
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  });

  it('shows a fire alert within one refresh of a flame reading, board first, in words as well as colour', async () => {
    const answer = await stack.api.post('web-labo', keys.labo as string, [
      { ts: isoNow(-500), co2: 700, temperature: 24, humidity: 37, smoke: 0.12, flame: true },
    ]);
    expect(answer.body.accepted).toBe(1);
    const card = w.page.locator('.card[data-device="web-labo"]');
    await card.locator('.badge-critical', { hasText: 'Fire' }).waitFor({ timeout: ONE_REFRESH_MS });
    expect(await card.getAttribute('data-state')).toBe('critical');
    expect(await card.locator('.metric-flame').innerText()).toMatch(/FLAME[\s\S]*Critical, in alert/);
    // Boards in alert come first.
    expect(await w.page.locator('.card').first().getAttribute('data-device')).toBe('web-labo');
    expect(await w.page.locator('.nav .count').innerText()).toBe('1');
    await screenshot(w.page, 'fleet-fire');
    expect(w.errors).toEqual([]);
  });

  it('acknowledges with the admin token, refuses without it, and keeps the token in sessionStorage only', async () => {
    const [fire] = (await stack.api.request('GET', '/v1/alerts?deviceId=web-labo')).body.items;
    expect(fire).toMatchObject({ kind: 'fire', status: 'active' });
    await w.page.locator('.nav a[href="#/alerts"]').click();
    const item = w.page.locator(`.alert-item[data-alert="${fire.alertId}"]`);
    await item.waitFor();
    expect(await item.innerText()).toMatch(/Critical[\s\S]*Fire[\s\S]*Labo chimie[\s\S]*Not acknowledged/);

    // Without a token the API refuses, from the page's own origin too.
    const status = await w.page.evaluate(async (id) => (await fetch(`v1/alerts/${id}/ack`, { method: 'POST' })).status, fire.alertId);
    expect(status).toBe(401);

    await item.getByRole('button', { name: /Acknowledge/ }).click();
    const dialog = w.page.locator('dialog.token-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('needs the admin token');
    await dialog.locator('input[type="password"]').fill('not-the-admin-token');
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.locator('.form-error', { hasText: 'This token was refused.' }).waitFor();
    expect((await stack.api.request('GET', `/v1/alerts?deviceId=web-labo`)).body.items[0].acknowledgedAt).toBeUndefined();
    expect(await w.page.evaluate(TOKEN_IN_SESSION)).toBeNull();

    await dialog.locator('input[type="password"]').fill(ADMIN_TOKEN);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await w.page.locator('.message', { hasText: 'Alert acknowledged.' }).waitFor();
    await item.locator('.acked').waitFor({ timeout: ONE_REFRESH_MS });
    expect(await item.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    const acked = (await stack.api.request('GET', `/v1/alerts?deviceId=web-labo`)).body.items[0];
    expect(acked.acknowledgedAt).toEqual(expect.any(String));
    expect(acked.status).toBe('active'); // acknowledging does not resolve
    expect(await w.page.evaluate(TOKEN_IN_SESSION)).toBe(ADMIN_TOKEN);
    expect(await w.page.evaluate('JSON.stringify(localStorage)')).not.toContain(ADMIN_TOKEN);
    expect(await w.page.locator('header .auth').innerText()).toBe('Sign out');
    await screenshot(w.page, 'alerts');
    // The refused attempts are the only errors Chrome logged.
    expect(unexpectedErrors(w.errors)).toEqual([]);
    expect(w.foreign).toEqual([]);
  });

  it('filters alerts by board and kind', async () => {
    await stack.api.post('web-salle-101', keys.salle as string, [{ ts: isoNow(-200), co2: 1500 }]);
    await w.page.goto(`${stack.api.url}/#/alerts`);
    await w.page.locator('.alert-item[data-kind="co2"]').waitFor();
    expect(await w.page.locator('section[aria-labelledby="active-title"] .alert-item').count()).toBe(2);
    await w.page.selectOption('#filter-kind', 'fire');
    expect(await w.page.locator('section[aria-labelledby="active-title"] .alert-item').count()).toBe(1);
    await w.page.selectOption('#filter-kind', '');
    await w.page.selectOption('#filter-board', 'web-salle-101');
    await w.page.locator('section[aria-labelledby="active-title"] .alert-item[data-kind="fire"]').waitFor({ state: 'detached' });
    expect(await w.page.locator('section[aria-labelledby="active-title"] .alert-item').count()).toBe(1);
    expect(w.page.url()).toContain('board=web-salle-101');
  });

  it('says so when the API cannot be reached, and recovers', async () => {
    await w.page.goto(`${stack.api.url}/#/`);
    await w.page.locator('.card').first().waitFor();
    await w.page.route('**/v1/**', (route) => route.abort('connectionrefused'));
    const problem = w.page.locator('.problem-error');
    await problem.waitFor({ timeout: ONE_REFRESH_MS });
    expect(await problem.innerText()).toMatch(/cannot be reached; retrying/);
    // What was shown stays on screen.
    expect(await w.page.locator('.card').count()).toBe(3);
    await w.page.unroute('**/v1/**');
    await problem.waitFor({ state: 'detached', timeout: ONE_REFRESH_MS }).catch(async () => {
      await w.page.locator('.problem[hidden]').waitFor({ state: 'attached', timeout: ONE_REFRESH_MS });
    });
    expect(await w.page.locator('.live').innerText()).toMatch(/Live, updated/);
  });

  it('works from the keyboard, in French, and on a phone', async () => {
    const phone = await watchedPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    try {
      await phone.page.goto(`${stack.api.url}/`);
      await phone.page.locator('.card').first().waitFor();
      expect(await phone.page.getAttribute('html', 'lang')).toBe('fr');
      expect(await phone.page.locator('h1').innerText()).toBe('Boîtiers');
      expect(await phone.page.locator('.card[data-device="web-labo"]').innerText()).toMatch(/Critique[\s\S]*Feu/);
      // Nothing wider than the screen.
      expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await screenshot(phone.page, 'phone-fr');
      // Keyboard only: tab to the first board's link and open it.
      let reached = '';
      for (let i = 0; i < 12 && !reached.startsWith('#/board/'); i++) {
        await phone.page.keyboard.press('Tab');
        reached = await phone.page.evaluate<string>("document.activeElement?.getAttribute('href') ?? ''");
      }
      expect(reached).toMatch(/^#\/board\//);
      await phone.page.keyboard.press('Enter');
      await phone.page.locator('.charts[data-ready="true"]').waitFor();
      expect(await phone.page.evaluate('document.activeElement?.tagName')).toBe('H1');
      // The switch goes back to English and is remembered.
      await phone.page.locator('header .lang').click();
      await phone.page.locator('h2#charts-title', { hasText: 'Charts' }).waitFor();
      expect(await phone.page.getAttribute('html', 'lang')).toBe('en');
      expect(await phone.page.evaluate("localStorage.getItem('fire-co2.lang')")).toBe('en');
      expect(phone.errors).toEqual([]);
      expect(phone.foreign).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});

describe.skipIf(skip)('dashboard (headless Chromium, public_read off)', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(STACK_ENV), launchChromium()]);
    const key = await stack.api.registerDevice('web-private', { name: 'Bureau' });
    await stack.api.post('web-private', key, [{ ts: isoNow(-1000), co2: 555 }]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for the admin token, refuses a wrong one, and keeps the right one for the tab', async () => {
    const w = await watchedPage(browser);
    try {
      await w.page.goto(`${stack.api.url}/`);
      const form = w.page.locator('main form.token-form');
      await form.waitFor();
      expect(await form.innerText()).toContain('not public');
      expect(await w.page.locator('.card').count()).toBe(0);
      await form.locator('input').fill('wrong-token');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await w.page.locator('main .form-error', { hasText: 'This token was refused.' }).waitFor();
      await w.page.locator('main form.token-form input').fill(ADMIN_TOKEN);
      await w.page.locator('main form.token-form').getByRole('button', { name: 'Sign in' }).click();
      const card = w.page.locator('.card[data-device="web-private"]');
      await card.waitFor();
      expect(await card.innerText()).toContain('555 ppm');
      // A reload in the same tab keeps the token (sessionStorage); a new tab does not have it.
      await w.page.reload();
      await card.waitFor();
      const other = await w.context.newPage();
      await other.goto(`${stack.api.url}/`);
      await other.locator('main form.token-form').waitFor();
      await other.close();
      // Signing out forgets it.
      await w.page.locator('header .auth', { hasText: 'Sign out' }).click();
      await w.page.locator('main form.token-form').waitFor({ timeout: ONE_REFRESH_MS });
      expect(await w.page.evaluate(TOKEN_IN_SESSION)).toBeNull();
      await screenshot(w.page, 'sign-in');
      expect(unexpectedErrors(w.errors)).toEqual([]);
      expect(w.foreign).toEqual([]);
    } finally {
      await w.context.close();
    }
  });
});
