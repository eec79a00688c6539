import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { toolMissing } from '../helpers/require-tool.js';

/** Debian's chromium package; a browser is never downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web');

/** True (after one loud `SKIPPED: chromium ...` line) when there is no browser; throws instead with REQUIRE_TOOLS=1. */
export function chromiumMissing(): boolean {
  if (existsSync(CHROMIUM)) return false;
  return toolMissing('chromium', `${CHROMIUM} not found; bash scripts/setup-chromium.sh installs it`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * A page that records what must never happen: console errors, uncaught
 * exceptions, and any request to a host other than 127.0.0.1.
 */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  foreign: string[];
  /** Every request URL, in order. */
  requests: string[];
}

export async function watchedPage(browser: Browser, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Paris',
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const watched: WatchedPage = { page, context, errors: [], foreign: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    watched.requests.push(request.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') watched.foreign.push(request.url());
  });
  return watched;
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Chrome logs every 4xx answer as a console error: the expected 401s of a refused or missing token are not faults. */
export function unexpectedErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of 401/.test(e));
}
