import { routesFor, type ApiDeps } from './routes.js';
import type { Route } from './router.js';
import { webRoutes } from './web-routes.js';

/** The api function's routes: health, devices, readings, alerts, silences, and the dashboard (`GET /`, `/assets/...`). */
export const managementRoutes = (deps: ApiDeps): Route[] => [...webRoutes(), ...routesFor('api', deps)];
