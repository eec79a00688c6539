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

/** Matches method and path; 404 for an unknown path, 405 (with Allow) for a known path with another method. */
export function createRouter(routes: readonly Route[]): (request: HttpRequest) => Promise<HttpResponse> {
  const compiled: CompiledRoute[] = routes.map((r) => ({ ...r, segments: split(r.pattern) }));
  return async (request) => {
    const segments = split(request.path);
    const allowed: string[] = [];
    for (const route of compiled) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === request.method) return route.handler(request, params);
      allowed.push(route.method);
    }
    if (allowed.length > 0) {
      throw new ApiError('method_not_allowed', `${request.method} is not allowed here`, [], { allow: allowed.join(', ') });
    }
    throw new ApiError('not_found', `no route for ${request.method} ${request.path}`);
  };
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = actual[i] as string;
    if (want.startsWith('{') && want.endsWith('}')) {
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
