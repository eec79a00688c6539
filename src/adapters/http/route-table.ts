import { authenticate, requireAdmin, requireDevice, requireReader, type AuthDeps, type Principal } from '../../app/auth.js';
import { getDevice, listDevices, registerDevice, revokeDevice, rotateDeviceKey, updateDevice, type DeviceDeps } from '../../app/devices.js';
import { ingestBatch, type IngestDeps } from '../../app/ingest.js';
import { acknowledgeAlert, listAlerts } from '../../app/alerts/queries.js';
import { listReadings, type ReadingsDeps } from '../../app/readings.js';
import { deviceAggregates } from '../../app/aggregates.js';
import { airQualityReport } from '../../app/air-quality-report.js';
import { formatError, readingsCsvResponse } from './history-routes.js';
import { createSilence, endSilence, listSilences } from '../../app/silences/silences.js';
import { CreateSilenceSchema } from '../../domain/alerts/silence.js';
import { RegisterDeviceSchema, UpdateDeviceSchema } from '../../domain/device.js';
import { ApiError } from '../../domain/errors.js';
import { IngestEnvelopeSchema } from '../../domain/reading.js';
import { addRequestContext } from '../observability/request-context.js';
import { json, noContent } from './responses.js';
import type { HttpRequest, HttpResponse } from './types.js';
import { deviceIdParam, parseBody } from './validate.js';

export type ApiDeps = AuthDeps & DeviceDeps & IngestDeps & ReadingsDeps;

/** Who may call a route: the contract's "who" column. */
export type Access = 'anyone' | 'reader' | 'admin' | 'device';
/** The Lambda function that serves a route (the Node edge dispatches the same way). */
export type LambdaFunction = 'api' | 'ingest';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteContext {
  deps: ApiDeps;
  request: HttpRequest;
  params: Readonly<Record<string, string>>;
  principal: Principal;
}

/**
 * One route of the API. This table is the only place routes are written:
 * it drives the router (auth, 404/405 with Allow, HEAD), the Lambda
 * dispatch, the OpenAPI document and terraform/app-routes.json.
 */
export interface ApiRoute {
  method: Method;
  /** e.g. `/v1/devices/{deviceId}/readings` */
  path: string;
  operationId: string;
  function: LambdaFunction;
  access: Access;
  tag: 'health' | 'devices' | 'readings' | 'reports' | 'alerts' | 'silences';
  summary: string;
  /** Component schema of the JSON body (the route then also answers 400/413/415). */
  body?: string;
  /** Query parameters it takes (defined in src/docs/openapi.ts); any other is a 400. */
  query?: readonly string[];
  /** The success answer: status, component schema (none for 204), description. */
  ok: readonly [status: number, schema: string | undefined, description: string];
  /** The success answer may also be `text/csv` (`format=csv`). */
  csv?: true;
  /** Statuses beyond the ones derived from access, body, path and query (404, 409, 503 of the store...). */
  errors?: Readonly<Partial<Record<number, string>>>;
  handle(context: RouteContext): Promise<HttpResponse>;
}

const PAGE = ['limit', 'cursor'] as const;

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/healthz', operationId: 'getHealth', function: 'api', access: 'anyone', tag: 'health', summary: 'Liveness (answers even when the server is busy)', ok: [200, 'Health', 'ok'], handle: async () => json(200, { status: 'ok' }) },
  { method: 'POST', path: '/v1/devices', operationId: 'registerDevice', function: 'api', access: 'admin', tag: 'devices', summary: 'Register a device', body: 'RegisterDevice', ok: [201, 'IssuedKey', 'Registered; the key is shown once'], errors: { 409: 'The id exists (revoked ids included)' }, handle: async ({ deps, request }) => json(201, await registerDevice(deps, parseBody(RegisterDeviceSchema, request))) },
  { method: 'GET', path: '/v1/devices', operationId: 'listDevices', function: 'api', access: 'reader', tag: 'devices', summary: 'List devices, ordered by deviceId', query: PAGE, ok: [200, 'DeviceList', 'One page'], handle: async ({ deps, request }) => json(200, await listDevices(deps, request.query)) },
  { method: 'GET', path: '/v1/devices/{deviceId}', operationId: 'getDevice', function: 'api', access: 'reader', tag: 'devices', summary: 'One device', ok: [200, 'Device', 'The device'], errors: { 404: 'Unknown device' }, handle: async ({ deps, params }) => json(200, await getDevice(deps, deviceIdParam(params))) },
  { method: 'PATCH', path: '/v1/devices/{deviceId}', operationId: 'updateDevice', function: 'api', access: 'admin', tag: 'devices', summary: 'Change name, location or thresholds (null clears; thresholds replaces the overrides)', body: 'UpdateDevice', ok: [200, 'Device', 'The device'], errors: { 404: 'Unknown device' }, handle: async ({ deps, request, params }) => json(200, await updateDevice(deps, deviceIdParam(params), parseBody(UpdateDeviceSchema, request))) },
  { method: 'DELETE', path: '/v1/devices/{deviceId}', operationId: 'revokeDevice', function: 'api', access: 'admin', tag: 'devices', summary: "Revoke the device's key; its data stays readable", ok: [204, undefined, 'Revoked'], errors: { 404: 'Unknown device' }, handle: async ({ deps, params }) => (await revokeDevice(deps, deviceIdParam(params)), noContent()) },
  { method: 'POST', path: '/v1/devices/{deviceId}/keys', operationId: 'rotateDeviceKey', function: 'api', access: 'admin', tag: 'devices', summary: 'Rotate the key (the old one fails at once; re-enables a revoked device)', ok: [201, 'IssuedKey', 'The new key, shown once'], errors: { 404: 'Unknown device' }, handle: async ({ deps, params }) => json(201, await rotateDeviceKey(deps, deviceIdParam(params))) },
  { method: 'GET', path: '/v1/devices/{deviceId}/readings', operationId: 'listReadings', function: 'api', access: 'reader', tag: 'readings', summary: "A device's readings, ascending by ts", query: ['from', 'to', ...PAGE, 'format'], ok: [200, 'ReadingsPage', 'One page'], csv: true, errors: { 404: 'Unknown device' }, handle: async ({ deps, request, params }) => {
    if (request.query.format === 'csv') return readingsCsvResponse(deps, request, deviceIdParam(params));
    if (request.query.format !== undefined && request.query.format !== 'json') throw formatError();
    return json(200, await listReadings(deps, deviceIdParam(params), request.query));
  } },
  { method: 'GET', path: '/v1/devices/{deviceId}/aggregates', operationId: 'listAggregates', function: 'api', access: 'reader', tag: 'readings', summary: 'Min/max/avg per measurement and flame.any per time bucket, ascending; empty buckets omitted', query: ['from', 'to', 'step'], ok: [200, 'AggregatesPage', 'The buckets'], errors: { 404: 'Unknown device' }, handle: async ({ deps, request, params }) => json(200, await deviceAggregates(deps, deviceIdParam(params), request.query)) },
  { method: 'GET', path: '/v1/reports/air-quality', operationId: 'airQualityReport', function: 'api', access: 'reader', tag: 'reports', summary: 'Per room over [from, to) (at most 366 days): readings, coverage, CO2 max/mean, hours above 800/1000/1500 ppm, ICONE over occupied hours; deviceId: that room only', query: ['from', 'to', 'deviceId'], ok: [200, 'AirQualityReport', 'One item per device, by deviceId'], errors: { 404: 'Unknown device (deviceId)' }, handle: async ({ deps, request }) => json(200, await airQualityReport(deps, request.query)) },
  { method: 'POST', path: '/v1/readings', operationId: 'ingestReadings', function: 'ingest', access: 'device', tag: 'readings', summary: 'Ingest a batch (device key); each reading is judged on its own', body: 'IngestEnvelope', ok: [200, 'IngestResult', 'Each reading judged on its own'], errors: { 403: 'A key for another device: nothing stored' }, handle: async ({ deps, request, principal }) => json(200, await ingestBatch(deps, requireDevice(principal), parseBody(IngestEnvelopeSchema, request))) },
  { method: 'GET', path: '/v1/alerts', operationId: 'listAlerts', function: 'api', access: 'reader', tag: 'alerts', summary: 'Alerts, newest first', query: ['status', 'deviceId', ...PAGE], ok: [200, 'AlertsPage', 'One page'], handle: async ({ deps, request }) => json(200, await listAlerts(deps, request.query)) },
  { method: 'POST', path: '/v1/alerts/{alertId}/ack', operationId: 'acknowledgeAlert', function: 'api', access: 'admin', tag: 'alerts', summary: 'Acknowledge: stops reminders, does not resolve (acknowledging again keeps the first time)', ok: [200, 'Alert', 'The alert, acknowledgedAt set'], errors: { 404: 'Unknown alert' }, handle: async ({ deps, params }) => json(200, await acknowledgeAlert(deps, params.alertId ?? '')) },
  { method: 'POST', path: '/v1/silences', operationId: 'createSilence', function: 'api', access: 'admin', tag: 'silences', summary: 'Silence notifications for a drill or maintenance (at most 24 h; transitions are still recorded)', body: 'CreateSilence', ok: [201, 'Silence', 'The silence; its start is notified'], errors: { 404: 'Unknown device' }, handle: async ({ deps, request }) => json(201, await createSilence(deps, parseBody(CreateSilenceSchema, request))) },
  { method: 'GET', path: '/v1/silences', operationId: 'listSilences', function: 'api', access: 'reader', tag: 'silences', summary: 'Silences, newest first', query: ['status', ...PAGE], ok: [200, 'SilencesPage', 'One page'], handle: async ({ deps, request }) => json(200, await listSilences(deps, request.query)) },
  { method: 'DELETE', path: '/v1/silences/{silenceId}', operationId: 'endSilence', function: 'api', access: 'admin', tag: 'silences', summary: 'End a silence now (ending an ended one again changes nothing)', ok: [204, undefined, 'Ended'], errors: { 404: 'Unknown silence' }, handle: async ({ deps, params }) => (await endSilence(deps, params.silenceId ?? ''), noContent()) },
];

/** Who is calling, checked against the route's access before its handler runs. */
async function authorize(route: ApiRoute, deps: ApiDeps, request: HttpRequest): Promise<Principal> {
  if (route.access === 'anyone') return { kind: 'anonymous' };
  const principal = await authenticate(request.headers.authorization, deps);
  if (route.access === 'admin') requireAdmin(principal);
  else if (route.access === 'reader') requireReader(principal, deps.settings.publicRead);
  else requireDevice(principal);
  if (principal.kind === 'device') addRequestContext({ deviceId: principal.device.deviceId });
  return principal;
}

/** Unknown query parameters are a 400: a typo (`?limt=5`) must not be ignored silently. */
function checkQuery(route: ApiRoute, request: HttpRequest): void {
  // Health checkers add cache-busting parameters: /healthz ignores its query.
  if (route.access === 'anyone') return;
  const known = new Set(route.query ?? []);
  const unknown = Object.keys(request.query).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ApiError(
      'validation_failed',
      'invalid query',
      unknown.map((name) => ({ path: name, message: known.size > 0 ? `unknown query parameter (known: ${[...known].join(', ')})` : 'this route takes no query parameters' })),
    );
  }
}

/** The route as the router runs it: query checked, caller authorized, then the handler. */
export function runRoute(route: ApiRoute, deps: ApiDeps): (request: HttpRequest, params: Readonly<Record<string, string>>) => Promise<HttpResponse> {
  return async (request, params) => {
    if (params.deviceId !== undefined) addRequestContext({ deviceId: params.deviceId });
    const principal = await authorize(route, deps, request);
    checkQuery(route, request);
    return route.handle({ deps, request, params, principal });
  };
}
