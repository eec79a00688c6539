import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ApiError } from '../../domain/errors.js';
import { loadWebAssets, type WebAsset } from '../../web/assets.js';
import type { Route } from './router.js';
import type { HttpRequest, HttpResponse } from './types.js';

/**
 * The dashboard may load its own script, style sheet and icon and call its
 * own origin's API: nothing else, no inline code, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
} as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page names the current assets: always revalidated (cheap with its ETag). */
const REVALIDATE = 'no-cache';

/** `If-None-Match` holds this entity tag (or `*`); weak tags compare equal. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function assetRoute(asset: WebAsset): Route {
  const body = Buffer.from(asset.body, asset.encoding);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const compressible = asset.contentType.startsWith('text/') || asset.contentType === 'image/svg+xml';
  let gzipped: Buffer | undefined; // compressed on first use, then kept for the life of the process
  const headers = {
    ...SECURITY_HEADERS,
    'cache-control': asset.immutable ? IMMUTABLE : REVALIDATE,
    etag,
    ...(compressible ? { vary: 'accept-encoding' } : {}),
  };
  return {
    method: 'GET',
    pattern: asset.path,
    handler: async (request: HttpRequest): Promise<HttpResponse> => {
      if (matchesEtag(request.headers['if-none-match'], etag)) return { status: 304, headers: { ...headers } };
      if (compressible && acceptsGzip(request.headers['accept-encoding'])) {
        gzipped ??= gzipSync(body, { level: 9 });
        return { status: 200, headers: { ...headers, 'content-type': asset.contentType, 'content-encoding': 'gzip' }, body: gzipped };
      }
      return { status: 200, headers: { ...headers, 'content-type': asset.contentType }, body };
    },
  };
}

/**
 * `GET /` (the dashboard) and `GET /assets/...` (its fingerprinted files),
 * served by the web function (and the Node edge) from the files embedded in its bundle. Without
 * them (run from source before `node build.mjs web`, or a bundle made without
 * build.mjs's plugin) `GET /` answers `503` saying so; the API itself runs.
 */
export function webRoutes(assets: readonly WebAsset[] = loadWebAssets()): Route[] {
  if (!assets.some((asset) => asset.path === '/')) {
    return [
      {
        method: 'GET',
        pattern: '/',
        handler: async () => {
          throw new ApiError('unavailable', 'the dashboard is not in this build: run `node build.mjs web` (bundles need its embed-web-assets plugin)');
        },
      },
    ];
  }
  return assets.map(assetRoute);
}
