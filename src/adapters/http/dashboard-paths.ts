/**
 * The dashboard's paths: the page at `/` and its fingerprinted files under
 * `/assets/`. They belong to the `web` function (API Gateway routes
 * `ANY /` and `ANY /assets/{proxy+}` to it, terraform/main.tf), so the api
 * function does not carry the page; the Node edge dispatches the same way.
 */
export const DASHBOARD_ROUTE_KEYS = ['ANY /', 'ANY /assets/{proxy+}'] as const;

export const isDashboardPath = (path: string): boolean => path === '/' || path.startsWith('/assets/');
