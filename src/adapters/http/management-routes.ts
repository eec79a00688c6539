import { routesFor, type ApiDeps } from './routes.js';
import type { Route } from './router.js';

/** The api function's routes: health, devices, readings, alerts, silences (the dashboard is the web function's, web-routes.ts). */
export const managementRoutes = (deps: ApiDeps): Route[] => routesFor('api', deps);
