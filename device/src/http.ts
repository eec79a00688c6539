import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type PostFn = (path: string, body: string, headers: Record<string, string>) => Promise<HttpResponse>;

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * A small JSON-over-HTTP(S) client on node:http/node:https with a keep-alive
 * agent (a TLS handshake costs the BeagleBone's CPU far more than a request).
 * Certificates are always verified; `caFile` adds CAs to the system's.
 */
export function createPoster(baseUrl: string, opts: { timeoutMs: number; caFile?: string }): { post: PostFn; close(): void } {
  const base = new URL(baseUrl);
  const isHttps = base.protocol === 'https:';
  const ca = opts.caFile ? [...rootCertificates, readFileSync(opts.caFile, 'utf8')] : undefined;
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 30_000, rejectUnauthorized: true, ...(ca ? { ca } : {}) })
    : new http.Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 30_000 });
  const prefix = base.pathname.replace(/\/+$/, '');

  const post: PostFn = (path, body, headers) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const payload = Buffer.from(body);
      const req = (isHttps ? https : http).request(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || (isHttps ? 443 : 80),
          path: prefix + path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': String(payload.length), accept: 'application/json', ...headers },
          ...(isHttps ? { rejectUnauthorized: true, ...(ca ? { ca } : {}) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
          });
        },
      );
      // One deadline for the whole exchange (connect, TLS, upload, answer).
      const timer = setTimeout(() => req.destroy(new Error(`request timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });

  return { post, close: () => agent.destroy() };
}

/** Retry-After: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const d = Date.parse(t);
  if (Number.isFinite(d)) return Math.max(0, d - nowMs);
  return undefined;
}
