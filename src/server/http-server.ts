import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../domain/errors.js';
import type { Log } from '../app/ports.js';
import { errorResponse } from '../adapters/http/responses.js';
import type { HttpRequest, HttpResponse } from '../adapters/http/types.js';

export interface HttpServerOptions {
  port: number;
  host: string;
  /** Bodies larger than this are answered 413 without being buffered. */
  maxBodyBytes: number;
  /** Whole-request limit (slow clients). */
  requestTimeoutMs?: number;
  /** How long shutdown waits for requests in flight before cutting connections. */
  shutdownGraceMs?: number;
  /** Idle keep-alive connections are closed after this (default 5 s; behind a load balancer: above its idle timeout). */
  keepAliveTimeoutMs?: number;
  /** Requests handled at once; beyond it `503` + Retry-After at once, before the body is read (default 32). */
  maxRequestsInFlight?: number;
  /** Work units (readings) in flight, as `weigh` counts them; beyond it `503` + Retry-After (default 1,000: two full batches). */
  maxReadingsInFlight?: number;
  /** How many readings a request carries (0 for anything but ingest). */
  weigh?: (request: HttpRequest) => number;
  log: Log;
}

export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 32;
export const DEFAULT_MAX_READINGS_IN_FLIGHT = 1000;
/** Never refused for load: a load balancer or a supervisor must see the process alive while it is busy. */
const UNBOUNDED_PATHS = new Set(['/healthz']);

const busy = (what: string) => new ApiError('unavailable', `the server is busy (${what} in flight); retry after 1 s`, [], { 'retry-after': '1' });

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stop accepting, finish what is in flight, then close every connection. */
  close(): Promise<void>;
}

type Handle = (request: HttpRequest, sourceIp: string) => Promise<HttpResponse>;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 && !req.headers['content-length'] && !req.headers['transfer-encoding'] ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The request-target split by hand: `new URL` would collapse `.` and `..`
 * segments, so `/v1/devices/..` would reach the router as `/v1/` and such a
 * device could never be revoked. The router sees the path exactly as sent.
 */
export function splitTarget(target: string): { path: string; search: string } {
  // Absolute form (`http://host/path`), which proxies may send: keep only the path.
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) : target;
  const hash = rest.indexOf('#');
  const noFragment = hash === -1 ? rest : rest.slice(0, hash);
  const q = noFragment.indexOf('?');
  const path = q === -1 ? noFragment : noFragment.slice(0, q);
  return { path: path === '' ? '/' : path, search: q === -1 ? '' : noFragment.slice(q + 1) };
}

function toRequest(req: IncomingMessage, body: Buffer | undefined, requestId: string): HttpRequest {
  const { path, search } = splitTarget(req.url ?? '/');
  const query: Record<string, string> = {};
  // Repeated parameters are joined with commas, as API Gateway does.
  for (const [name, value] of new URLSearchParams(search)) query[name] = name in query ? `${query[name]},${value}` : value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: (req.method ?? 'GET').toUpperCase(), path, query, headers, body, requestId };
}

function send(res: ServerResponse, response: HttpResponse, close: boolean): void {
  const headers: Record<string, string> = { ...response.headers };
  if (close) headers.connection = 'close';
  const body = response.body === undefined ? undefined : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body, 'utf8');
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * The Node edge shared by the local stack and the server variant: a small,
 * strict HTTP/1.1 server (body limit, timeouts, graceful shutdown, one JSON
 * request line for what it answers itself: the handlers behind it log the
 * rest, once; headers and bodies are never logged).
 */
export async function startHttpServer(handle: Handle, options: HttpServerOptions): Promise<RunningHttpServer> {
  let inFlight = 0;
  // What the bounds count: requests past admission (healthz excluded) and the readings they carry.
  let admitted = 0;
  let readingsInFlight = 0;
  const maxRequests = options.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_IN_FLIGHT;
  const maxReadings = options.maxReadingsInFlight ?? DEFAULT_MAX_READINGS_IN_FLIGHT;
  let closing = false;
  let idle: (() => void) | undefined;
  const server = createServer(
    { requestTimeout: options.requestTimeoutMs ?? 30_000, headersTimeout: 10_000, keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000 },
    (req, res) => {
      inFlight++;
      const started = performance.now();
      const requestId = randomUUID();
      // Set when this edge answers without the handlers (413, 503 busy, 500): they log every other request.
      let answeredHere: number | undefined;
      let counted = false;
      let weight = 0;
      const done = () => {
        if (answeredHere !== undefined) {
          options.log.info('request', { method: req.method, path: req.url?.split('?')[0], status: answeredHere, durationMs: Math.round(performance.now() - started), requestId });
        }
        if (counted) admitted--;
        readingsInFlight -= weight;
        if (--inFlight === 0 && idle) idle();
      };
      res.once('close', done);
      const answerHere = (apiError: ApiError, close: boolean) => {
        answeredHere = apiError.status;
        const response = errorResponse(apiError);
        response.headers['x-request-id'] = requestId;
        if (!res.headersSent) send(res, response, close);
        else res.destroy();
      };
      const bounded = !UNBOUNDED_PATHS.has(splitTarget(req.url ?? '/').path);
      if (bounded && admitted >= maxRequests) {
        // At once, without buffering the body: it is read and dropped, so the client sees the answer, not a reset.
        req.resume();
        answerHere(busy('requests'), closing);
        return;
      }
      if (bounded) {
        admitted++;
        counted = true;
      }
      readBody(req, options.maxBodyBytes)
        .then(async (body) => {
          const request = toRequest(req, body, requestId);
          const readings = bounded && options.weigh ? options.weigh(request) : 0;
          if (readings > 0 && readingsInFlight > 0 && readingsInFlight + readings > maxReadings) {
            answerHere(busy('readings'), closing);
            return;
          }
          weight = readings;
          readingsInFlight += readings;
          send(res, await handle(request, req.socket.remoteAddress ?? ''), closing);
        })
        .catch((error: unknown) => {
          const tooLarge = error instanceof BodyTooLarge;
          if (!tooLarge) options.log.error('request failed', { error, requestId });
          // The rest of an oversized body is not read: close the connection after answering.
          answerHere(tooLarge ? new ApiError('payload_too_large', `the body must be at most ${options.maxBodyBytes} bytes`) : new ApiError('internal', 'internal error; it has been logged'), true);
        });
    },
  );
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs ?? 10_000).unref()),
        ]);
      }
      server.closeAllConnections();
      await stopped;
    },
  };
}
