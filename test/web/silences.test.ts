import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN_TOKEN, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { chromiumMissing, launchChromium, screenshot, unexpectedErrors, watchedPage, type WatchedPage } from './browser.js';

/**
 * The silence banner and form (src/web/app/silences.mts) in Debian's
 * Chromium against the real local stack: an admin starts a drill from the
 * fleet view, the banner shows its reason and end on the fleet and on the
 * board, and ending it removes the banner.
 */
const skip = chromiumMissing();

describe.skipIf(skip)('silences on the dashboard (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let w: WatchedPage;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ SWEEP_INTERVAL_SECONDS: '3600', DEVICE_SERIES: 'off', PUBLIC_READ: 'true' }), launchChromium()]);
    await stack.api.registerDevice('web-sil-101', { name: 'Salle 101', location: 'Bâtiment A' });
    w = await watchedPage(browser);
  });

  afterAll(async () => {
    await w?.context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('an admin starts a drill from the fleet view; the banner shows it on the fleet and the board; ending it removes it', async () => {
    await w.page.goto(`${stack.api.url}/`);
    // Page code as text: the root tsconfig has no DOM types.
    await w.page.evaluate(`sessionStorage.setItem('fire-co2.admin-token', ${JSON.stringify(ADMIN_TOKEN)})`);
    await w.page.reload();
    await w.page.locator('.card[data-device="web-sil-101"]').waitFor();
    expect(await w.page.locator('.silence-banner').count()).toBe(0);
    await w.page.locator('.silence-form summary').click();
    await w.page.locator('.silence-form input[name="reason"]').fill('fire drill in Bâtiment A');
    await w.page.locator('.silence-form select[name="duration"]').selectOption('60');
    await w.page.locator('.silence-form button[type="submit"]').click();
    const banner = w.page.locator('.silence-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('Notifications silenced');
    expect(text).toContain('fire drill in Bâtiment A');
    expect(text).toContain('all boards');
    const [silence] = (await stack.api.request('GET', '/v1/silences')).body.items;
    expect(silence).toMatchObject({ reason: 'fire drill in Bâtiment A', deviceId: null, kinds: null, endedAt: null });
    const minutes = (Date.parse(silence.until) - Date.parse(silence.from)) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThanOrEqual(60.1);
    await screenshot(w.page, 'silence-fleet');

    // The board of a covered device shows it too, with an End button.
    await w.page.goto(`${stack.api.url}/#/board/web-sil-101`);
    await w.page.locator('.silence-banner .silence-reason', { hasText: 'fire drill in Bâtiment A' }).waitFor();
    await w.page.locator('.silence-banner .silence-end').click();
    await w.page.locator('.silence-banner').waitFor({ state: 'detached' });
    expect((await stack.api.request('GET', '/v1/silences')).body.items).toEqual([]);
    const all = (await stack.api.request('GET', '/v1/silences?status=all')).body.items;
    expect(all[0].endedAt).toEqual(expect.any(String));
    expect(unexpectedErrors(w.errors)).toEqual([]);
  });

  it('a silence of another board shows on the fleet view but not on this board', async () => {
    await stack.api.registerDevice('web-sil-other');
    const created = await stack.api.request('POST', '/v1/silences', { body: { deviceId: 'web-sil-other', until: new Date(Date.now() + 30 * 60_000).toISOString(), reason: 'maintenance labo' } });
    expect(created.status).toBe(201);
    await w.page.goto(`${stack.api.url}/#/`);
    await w.page.locator('.silence-banner .silence-reason', { hasText: 'maintenance labo' }).waitFor();
    await w.page.goto(`${stack.api.url}/#/board/web-sil-101`);
    await w.page.locator('.board-meta').waitFor();
    await w.page.waitForResponse((r) => r.url().includes('/v1/silences'));
    expect(await w.page.locator('.silence-banner').count()).toBe(0);
  });
});
