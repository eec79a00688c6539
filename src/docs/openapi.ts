import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { API_ROUTES, type ApiRoute } from '../adapters/http/route-table.js';
import { allowedMethods } from '../adapters/http/router.js';
import { MAX_CSV_PAGE_SIZE } from '../app/query-params.js';
import { AirQualityReportSchema } from '../domain/air-quality.js';
import { AggregatesPageSchema, AGGREGATE_STEPS, MAX_AGGREGATE_BUCKETS } from '../domain/aggregates.js';
import { CreateSilenceSchema, SilenceSchema, SilencesPageSchema } from '../domain/alerts/silence.js';
import { RegisterDeviceSchema, UpdateDeviceSchema } from '../domain/device.js';
import { MAX_BODY_BYTES, MAX_READINGS_PER_BATCH, IngestEnvelopeSchema, ReadingInputSchema } from '../domain/reading.js';
import {
  AlertSchema,
  AlertsPageSchema,
  DeviceListSchema,
  DeviceViewSchema,
  ErrorSchema,
  HealthSchema,
  IngestResultSchema,
  IssuedKeySchema,
  ReadingsPageSchema,
} from '../domain/responses.js';
import { ThresholdsOverrideSchema } from '../domain/thresholds.js';

type Json = Record<string, unknown>;

// Custom checks (time windows, "at least one measurement") cannot be expressed
// in JSON Schema; the document's descriptions say them in words instead.
const schema = (s: v.GenericSchema): Json => {
  const json = toJsonSchema(s, { errorMode: 'ignore' }) as Json;
  delete json.$schema;
  return json;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ID_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

/** Query parameters the route table names. */
const QUERY_PARAMETERS: Record<string, Json> = {
  from: { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Inclusive, RFC 3339 with an offset', example: '2026-11-29T00:00:00Z' },
  to: { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Exclusive, RFC 3339 with an offset', example: '2026-11-30T00:00:00Z' },
  limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  cursor: { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page (opaque; a forged or foreign one is 400 invalid_cursor)' },
  status: { name: 'status', in: 'query', description: 'alerts: active, resolved or all; silences: active or all', schema: { type: 'string', enum: ['active', 'resolved', 'all'], default: 'active' } },
  deviceId: { name: 'deviceId', in: 'query', schema: { type: 'string', pattern: ID_PATTERN } },
  format: { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'], default: 'json' }, description: `csv: RFC 4180 text (CRLF), header id,ts,receivedAt,co2,temperature,humidity,smoke,flame on each page, limit up to ${MAX_CSV_PAGE_SIZE}, the next page in a Link header (rel="next")` },
  step: { name: 'step', in: 'query', required: true, schema: { type: 'integer', enum: [...AGGREGATE_STEPS] }, description: `Bucket width in seconds, buckets aligned to multiples of it in UTC epoch seconds; (to - from) / step at most ${MAX_AGGREGATE_BUCKETS}` },
};

const PATH_PARAMETERS: Record<string, Json> = {
  deviceId: { name: 'deviceId', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN }, example: 'bbb-salle-101' },
  silenceId: { name: 'silenceId', in: 'path', required: true, schema: { type: 'string', pattern: '^sl_[A-Za-z0-9_-]{1,64}$' }, example: 'sl_3kTq9Zb1xQe7LmP2' },
  alertId: { name: 'alertId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, example: 'al_3kTq9Zb1xQe7LmP2' },
};

const errorExample = (code: string, message: string, details?: { path: string; message: string }[]) => ({ error: { code, message, ...(details ? { details } : {}) } });

/** Every error status the API answers, with its codes and an example body. */
const ERRORS: Record<number, { description: string; example: Json }> = {
  400: { description: 'Invalid body, path or query (validation_failed, invalid_json, invalid_cursor): nothing changed', example: errorExample('validation_failed', 'the body does not match the schema', [{ path: 'thresholds.smoke.clear', message: 'must be 0 or a magnitude between 1e-130 and 1e125 (the store cannot hold it)' }]) },
  401: { description: 'No, malformed, unknown or revoked token (unauthorized); WWW-Authenticate: Bearer', example: errorExample('unauthorized', 'unknown token') },
  403: { description: 'A valid token without the right (forbidden): a device key or a read token on an admin route, an admin or read token on ingest', example: errorExample('forbidden', 'this route needs the admin token') },
  404: { description: 'Unknown resource (not_found)', example: errorExample('not_found', 'no device bbb-salle-101') },
  409: { description: 'Conflict', example: errorExample('conflict', 'device bbb-salle-101 exists') },
  413: { description: `Body over ${MAX_BODY_BYTES / 1024} KiB (payload_too_large): nothing stored`, example: errorExample('payload_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`) },
  415: { description: 'Body not application/json (unsupported_media_type): nothing stored', example: errorExample('unsupported_media_type', 'the body must be JSON with Content-Type: application/json') },
  500: { description: 'Unexpected error (internal): logged with the request id, no details', example: errorExample('internal', 'internal error; it has been logged') },
  503: { description: 'Unavailable (unavailable): the store or the admin-token parameter cannot be reached, or the server is at its bound of work in flight. Retry after Retry-After seconds; a retried batch stores nothing twice', example: errorExample('unavailable', 'the server is busy; retry after 1 s') },
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } };

function errorResponse(status: number, description?: string): Json {
  const base = ERRORS[status];
  if (!base) throw new Error(`no error description for ${status}`);
  return {
    description: description ?? base.description,
    ...(status === 503 ? { headers: retryAfter } : {}),
    ...(status === 401 ? { headers: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } } } } : {}),
    content: { 'application/json': { schema: ref('Error'), example: base.example } },
  };
}

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

/** Every status one operation can answer, derived from its row in the route table. */
export function operationStatuses(route: ApiRoute): number[] {
  const statuses = new Set<number>([route.ok[0], 500]);
  // API Gateway's throttling (serverless mode) answers 429 before the app.
  statuses.add(429);
  if (route.access !== 'anyone') {
    statuses.add(401).add(403).add(503).add(400); // 400: unknown query parameters
  }
  if (route.body) statuses.add(400).add(413).add(415);
  if (pathParams(route.path).length > 0 || route.query?.length) statuses.add(400);
  for (const status of Object.keys(route.errors ?? {})) statuses.add(Number(status));
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: ApiRoute): Json {
  const responses: Json = {};
  for (const status of operationStatuses(route)) {
    if (status === route.ok[0]) {
      const [, okSchema, description] = route.ok;
      const csv = route.csv ? { 'text/csv': { schema: { type: 'string' }, example: 'id,ts,receivedAt,co2,temperature,humidity,smoke,flame\r\n' } } : {};
      responses[status] = okSchema ? { description, content: { 'application/json': { schema: ref(okSchema) }, ...csv } } : { description };
    } else if (status === 429) {
      responses[status] = {
        description: "Throttled by API Gateway (serverless mode; its own body, not the API's error shape)",
        content: { 'application/json': { schema: ref('GatewayMessage'), example: { message: 'Too Many Requests' } } },
      };
    } else {
      responses[status] = errorResponse(status, route.errors?.[status]);
    }
  }
  const security = { anyone: [], device: [{ deviceKey: [] }], admin: [{ adminToken: [] }], reader: [{ adminToken: [] }, { readToken: [] }] }[route.access];
  const access = {
    anyone: 'Anyone.',
    admin: 'Admin token (a read token is 403).',
    reader: 'Admin token or a read token, or anyone when the deployment sets public_read (a presented invalid token is still 401).',
    device: "The device's own key.",
  }[route.access];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: access,
    security,
    ...(route.query?.length ? { parameters: route.query.map((name) => QUERY_PARAMETERS[name]) } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body), ...(REQUEST_EXAMPLES[route.body] ? { example: REQUEST_EXAMPLES[route.body] } : {}) } } } } : {}),
    responses,
  };
}

const REQUEST_EXAMPLES: Record<string, Json> = {
  RegisterDevice: { deviceId: 'bbb-salle-101', name: 'Salle 101', location: 'Bâtiment A', thresholds: { co2: { warning: 1200 } } },
  UpdateDevice: { location: 'Bâtiment B', thresholds: null },
  IngestEnvelope: { deviceId: 'bbb-salle-101', readings: [{ id: '01JDX3V8R6T0', ts: '2026-11-29T18:00:00Z', co2: 812, temperature: 22.4, humidity: 41, smoke: 0.03, flame: false }] },
};

/** The OpenAPI 3.1 document of the API, from the route table and the valibot schemas. */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Json {
  const reading = schema(ReadingInputSchema);
  reading.description = 'One reading: ts and at least one measurement (or faults). ts may be at most 5 minutes ahead of the server clock and no older than the retention period. Numbers must be finite and storable (0 or a magnitude between 1e-130 and 1e125).';
  const envelope = schema(IngestEnvelopeSchema);
  envelope.description = `At most ${MAX_READINGS_PER_BATCH} readings and ${MAX_BODY_BYTES / 1024} KiB. A bad envelope stores nothing; otherwise each reading is judged on its own.`;
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    const params = pathParams(route.path);
    if (params.length > 0) item.parameters = params.map((p) => PATH_PARAMETERS[p]);
    item[route.method.toLowerCase()] = operation(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fire and CO2 monitoring API',
      version: '1.1',
      description: [
        'Generated from the route table (src/adapters/http/route-table.ts) and the valibot schemas by `node build.mjs docs`; docs/api.md says the behaviour in words.',
        'On every path, a method the path does not list answers 405 method_not_allowed with an Allow header; HEAD works wherever GET does (same status and headers, no body).',
      ].join('\n\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'Local stack (`npm start`; PORT, default 3000)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'Serverless or server variant behind API Gateway (terraform output api_url)',
        variables: { apiId: { default: 'abc123', description: 'API Gateway id' }, region: { default: 'eu-west-3' } },
      },
    ],
    tags,
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (ADMIN_TOKEN locally, an SSM parameter in AWS)' },
        readToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A read token (READ_TOKEN locally, an SSM parameter in AWS; optional, none by default): the read routes only, e.g. for a wall screen; 403 on admin routes and on ingest',
        },
        deviceKey: { type: 'http', scheme: 'bearer', description: 'A device key, dk.<deviceId>.<secret>, returned once at registration or rotation' },
      },
      schemas: {
        Error: schema(ErrorSchema),
        GatewayMessage: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
        Reading: reading,
        IngestEnvelope: envelope,
        IngestResult: schema(IngestResultSchema),
        RegisterDevice: schema(RegisterDeviceSchema),
        UpdateDevice: schema(UpdateDeviceSchema),
        Thresholds: schema(ThresholdsOverrideSchema),
        Device: schema(DeviceViewSchema),
        DeviceList: schema(DeviceListSchema),
        IssuedKey: schema(IssuedKeySchema),
        ReadingsPage: schema(ReadingsPageSchema),
        AggregatesPage: schema(AggregatesPageSchema),
        AirQualityReport: schema(AirQualityReportSchema),
        Health: schema(HealthSchema),
        Alert: schema(AlertSchema),
        AlertsPage: schema(AlertsPageSchema),
        CreateSilence: schema(CreateSilenceSchema),
        Silence: schema(SilenceSchema),
        SilencesPage: schema(SilencesPageSchema),
      },
    },
    paths,
  };
}

/** The methods each documented path answers (405 lists them in Allow). */
export function pathMethods(routes: readonly ApiRoute[] = API_ROUTES): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of routes) (out[r.path] ??= []).push(r.method);
  return Object.fromEntries(Object.entries(out).map(([path, methods]) => [path, allowedMethods(methods)]));
}

/** terraform/app-routes.json: every API route and the function serving it, sorted by path then method (Terraform reads it). */
export function appRoutes(routes: readonly ApiRoute[] = API_ROUTES): { routes: { method: string; path: string; function: string }[] } {
  const sorted = [...routes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  return { routes: sorted.map((r) => ({ method: r.method, path: r.path, function: r.function })) };
}
