import { ApiError } from '../../domain/errors.js';
import { API_ROUTES, runRoute, type ApiDeps, type ApiRoute, type LambdaFunction } from './route-table.js';
import { isDashboardPath } from './dashboard-paths.js';
import { pathMatches, type Route } from './router.js';

export type { ApiDeps };

/** Every Lambda function behind the HTTP API: the route table's, and `web` (the dashboard). */
export type HttpFunction = LambdaFunction | 'web';

function servedElsewhere(route: ApiRoute): Route['handler'] {
  return async () => {
    // Only reached when a request is sent to the wrong function (API Gateway routes by the same table).
    throw new ApiError('not_found', `${route.method} ${route.path} is served by the ${route.function} function`);
  };
}

/**
 * The routes one function runs, built from the route table. Every function
 * knows every path of the table, so a wrong method answers 405 with the
 * right Allow wherever the request lands. The dashboard is the `web`
 * function's (web-routes.ts), so that neither bundle carries the page.
 */
export function routesFor(fn: LambdaFunction, deps: ApiDeps, table: readonly ApiRoute[] = API_ROUTES): Route[] {
  return table.map((r) => ({ method: r.method, pattern: r.path, handler: r.function === fn ? runRoute(r, deps) : servedElsewhere(r) }));
}

/** The function a request goes to: `web` for the dashboard's paths, the table's, else `api` (which answers 404/405, as API Gateway's `$default`). */
export function functionFor(method: string, path: string, table: readonly ApiRoute[] = API_ROUTES): HttpFunction {
  if (isDashboardPath(path)) return 'web';
  const wanted = method === 'HEAD' ? 'GET' : method;
  return table.find((r) => r.method === wanted && pathMatches(r.path, path))?.function ?? 'api';
}

/** `POST /v1/readings`: the ingest function's routes. */
export const ingestRoutes = (deps: ApiDeps): Route[] => routesFor('ingest', deps);
