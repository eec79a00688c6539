import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/adapters/http/api.js';
import type { HttpRequest } from '../../src/adapters/http/types.js';
import { CONTENT_SECURITY_POLICY, webRoutes } from '../../src/adapters/http/web-routes.js';
import { loadWebAssets, type WebAsset } from '../../src/web/assets.js';
import { spawnStack } from '../helpers/stack-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'fire-co2-web-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as never;
const request = (path: string, headers: Record<string, string> = {}, method = 'GET'): HttpRequest => ({ method, path, query: {}, headers, body: undefined, requestId: 'r-1' });

/** The built dashboard (dist/web/assets.json): vitest's global setup runs `node build.mjs lambda server`, which builds it first. */
const built = loadWebAssets();
const page = built.find((a) => a.path === '/') as WebAsset;
const script = built.find((a) => a.path.endsWith('.js')) as WebAsset;
const sheet = built.find((a) => a.path.endsWith('.css')) as WebAsset;

describe('the built dashboard', () => {
  it('is a page, one script, one style sheet and an icon, each fingerprinted but the page', () => {
    expect(built.map((a) => a.path.replace(/-[A-Za-z0-9]{8,}\./, '-HASH.')).sort()).toEqual(['/', '/assets/app-HASH.css', '/assets/app-HASH.js', '/assets/icon-HASH.svg']);
    expect(built.filter((a) => a.immutable).length).toBe(3);
    for (const asset of built.filter((a) => a.path !== '/')) expect(page.body).toContain(`"${asset.path.slice(1)}"`);
  });

  it('stays under its size budget: 150 KB gzipped in all', () => {
    const sizes = Object.fromEntries(built.map((a) => [a.path, gzipSync(Buffer.from(a.body, a.encoding), { level: 9 }).length]));
    const total = Object.values(sizes).reduce((sum, n) => sum + n, 0);
    console.log(`dashboard: ${(total / 1024).toFixed(1)} KiB gzipped`, sizes);
    expect(total).toBeLessThan(150_000);
  });

  it('fetches nothing from elsewhere and runs no inline code', () => {
    for (const asset of built) expect(asset.body, asset.path).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i); // no inline style or handler
    expect(script.body).not.toMatch(/\beval\(|new Function\(/);
  });
});

describe('webRoutes', () => {
  const app = createApi(webRoutes(built), silent);

  it('serves the page with a strict CSP, no-cache and an ETag', async () => {
    const answer = await app(request('/'));
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(String(answer.body)).toBe(page.body);
    expect(answer.headers.etag).toMatch(/^"[\w-]+"$/);
    const again = await app(request('/', { 'if-none-match': `W/${answer.headers.etag}` }));
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
  });

  it('serves fingerprinted assets with their type and a year of immutable cache, gzipped when asked', async () => {
    const js = await app(request(script.path));
    expect(js.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(js.headers['content-encoding']).toBeUndefined();
    expect(Buffer.from(js.body as Buffer).toString('utf8')).toBe(script.body);
    const css = await app(request(sheet.path, { 'accept-encoding': 'gzip, deflate, br' }));
    expect(css.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8', 'content-encoding': 'gzip', vary: 'accept-encoding' });
    expect(gunzipSync(css.body as Buffer).toString('utf8')).toBe(sheet.body);
    const refused = await app(request(sheet.path, { 'accept-encoding': 'gzip;q=0, identity' }));
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers unknown assets 404 and other methods 405, in the API error shape', async () => {
    const missing = await app(request('/assets/app-NOPE.js'));
    expect(missing.status).toBe(404);
    expect(JSON.parse(String(missing.body)).error.code).toBe('not_found');
    const post = await app(request('/', {}, 'POST'));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('says the dashboard is not built rather than failing the API', async () => {
    const answer = await createApi(webRoutes([]), silent)(request('/'));
    expect(answer.status).toBe(503);
    expect(JSON.parse(String(answer.body)).error.message).toMatch(/node build\.mjs web/);
  });
});

describe('the dashboard inside the bundles (no S3, nothing beside them)', () => {
  it('the web Lambda zip serves it through API Gateway payload 2.0 events', () => {
    const dir = join(scratch, 'web');
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', 'dist/lambda/web.zip', dir]);
    const event = (path: string, headers: Record<string, string>) => ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers,
      requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: `req-${path}`, routeKey: '$default', stage: '$default', timeEpoch: 0 },
      isBase64Encoded: false,
    });
    writeFileSync(
      join(dir, 'serve.mjs'),
      `const { handler } = await import('./index.mjs');
const context = { awsRequestId: 'local', functionName: 'web', getRemainingTimeInMillis: () => 30000 };
const out = [];
for (const e of JSON.parse(process.argv[2])) out.push(await handler(e, context));
console.log(JSON.stringify(out));\n`,
    );
    const events = [event('/', {}), event(script.path, { 'accept-encoding': 'gzip' })];
    const stdout = execFileSync(process.execPath, [join(dir, 'serve.mjs'), JSON.stringify(events)], {
      cwd: dir,
      env: {
        // No table, token or region: the web function needs no setting.
        PATH: process.env.PATH,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    const [html, js] = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(html).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(html.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(Buffer.from(html.body, 'base64').toString('utf8')).toBe(page.body);
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(js.body, 'base64')).toString('utf8')).toBe(script.body);
  });

  it('the local stack bundle (dist/server/local.mjs) serves it', async () => {
    const dataDir = join(scratch, 'local');
    const stack = await spawnStack(dataDir);
    try {
      const html = await fetch(`${stack.url}/`);
      expect(html.status).toBe(200);
      expect(html.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await html.text()).toBe(page.body);
      for (const asset of built.filter((a) => a.path !== '/')) {
        const answer = await fetch(`${stack.url}${asset.path}`);
        expect(answer.headers.get('content-type')).toBe(asset.contentType);
        expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(await answer.text()).toBe(asset.body);
      }
    } finally {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
  });
});
