import { ApiError } from '../../domain/errors.js';
import type { HttpRequest, HttpResponse } from './types.js';

export type RouteHandler = (request: HttpRequest, params: Readonly<Record<string, string>>) => Promise<HttpResponse>;

export interface Route {
  method: string;
  /** e.g. `/v1/devices/{deviceId}/readings` */
  pattern: string;
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  segments: readonly string[];
}

function split(path: string): string[] {
  return path.split('/').slice(1);
}

/** Whether a raw path fits a pattern, segment by segment (no decoding: for dispatch, not for params). */
export function pathMatches(pattern: string, path: string): boolean {
  const want = split(pattern);
  const got = split(path);
  return want.length === got.length && want.every((w, i) => (isParam(w) ? got[i] !== '' : w === got[i]));
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/** The methods a path answers: HEAD wherever GET is. */
export function allowedMethods(methods: readonly string[]): string[] {
  const allowed = [...new Set(methods)];
  if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.splice(allowed.indexOf('GET') + 1, 0, 'HEAD');
  return allowed;
}

/**
 * Matches method and path: 404 for an unknown path, 405 (with Allow) for a
 * known path with another method, HEAD answered as GET without the body.
 */
export function createRouter(routes: readonly Route[]): (request: HttpRequest) => Promise<HttpResponse> {
  const compiled: CompiledRoute[] = routes.map((r) => ({ ...r, segments: split(r.pattern) }));
  return async (request) => {
    const segments = split(request.path);
    const head = request.method === 'HEAD';
    const methods: string[] = [];
    for (const route of compiled) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === request.method) return route.handler(request, params);
      if (head && route.method === 'GET') return withoutBody(await route.handler({ ...request, method: 'GET' }, params));
      methods.push(route.method);
    }
    if (methods.length > 0) {
      throw new ApiError('method_not_allowed', `${request.method} is not allowed here`, [], { allow: allowedMethods(methods).join(', ') });
    }
    throw new ApiError('not_found', `no route for ${request.method} ${request.path}`);
  };
}

/** HEAD: the GET's status and headers, its length, no body. */
export function withoutBody(response: HttpResponse): HttpResponse {
  const headers = { ...response.headers };
  if (response.body !== undefined) headers['content-length'] = String(Buffer.byteLength(response.body));
  return { status: response.status, headers };
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = actual[i] as string;
    if (isParam(want)) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(got);
      } catch {
        throw new ApiError('validation_failed', 'the path is not valid percent-encoding', [{ path: want.slice(1, -1), message: 'invalid encoding' }]);
      }
      if (decoded === '') return undefined;
      params[want.slice(1, -1)] = decoded;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
