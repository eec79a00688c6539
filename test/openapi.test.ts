import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/adapters/http/route-table.js';
import { functionFor } from '../src/adapters/http/routes.js';
import { appRoutes, openApiDocument, operationStatuses } from '../src/docs/openapi.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON
const doc = openApiDocument() as any;

describe('the published API document', () => {
  it('is current: docs/openapi.json equals what the route table and the valibot schemas give (run `node build.mjs docs`)', () => {
    expect(readFileSync('docs/openapi.json', 'utf8')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('is a valid OpenAPI 3.1 document (checked by a maintained validator, against the official schema)', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(readFileSync('docs/openapi.json', 'utf8')));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the contract, each with an operationId, a tag and a defined security scheme', () => {
    const ids = new Set<string>();
    for (const path of ['/healthz', '/v1/devices', '/v1/devices/{deviceId}', '/v1/devices/{deviceId}/keys', '/v1/devices/{deviceId}/readings', '/v1/readings', '/v1/alerts', '/v1/alerts/{alertId}/ack']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.servers.length).toBeGreaterThan(0);
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      expect(op.tags).toEqual([route.tag]);
      for (const requirement of op.security) for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(name);
    }
  });

  it('lists 401 and 403 wherever auth applies, 400/413/415 with a body, 503 with Retry-After, 429 everywhere', () => {
    for (const route of API_ROUTES) {
      const statuses = Object.keys(doc.paths[route.path][route.method.toLowerCase()].responses).map(Number);
      expect(statuses).toEqual(operationStatuses(route));
      if (route.access !== 'anyone') expect(statuses).toEqual(expect.arrayContaining([400, 401, 403, 503]));
      if (route.body) expect(statuses).toEqual(expect.arrayContaining([400, 413, 415]));
      expect(statuses).toContain(429);
    }
    expect(doc.paths['/v1/readings'].post.responses[503].headers).toHaveProperty('Retry-After');
  });
});

describe('the route table drives Terraform and the Lambda dispatch', () => {
  it('terraform/app-routes.json is current (run `node build.mjs docs`)', () => {
    expect(readFileSync('terraform/app-routes.json', 'utf8')).toBe(`${JSON.stringify(appRoutes(), null, 2)}\n`);
    const routes = appRoutes().routes;
    expect(routes).toContainEqual({ method: 'POST', path: '/v1/readings', function: 'ingest' });
    expect(routes.filter((r) => r.function === 'ingest')).toHaveLength(1);
    const keys = routes.map((r) => `${r.path} ${r.method}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('dispatches each route to its function, and anything else to api (as $default)', () => {
    expect(functionFor('POST', '/v1/readings')).toBe('ingest');
    for (const method of ['GET', 'PUT', 'DELETE', 'HEAD']) expect(functionFor(method, '/v1/readings')).toBe('api');
    expect(functionFor('GET', '/v1/devices/a.b/readings')).toBe('api');
    expect(functionFor('GET', '/nothing')).toBe('api');
    // The dashboard's paths, any method (API Gateway: ANY / and ANY /assets/{proxy+}), go to web.
    for (const method of ['GET', 'HEAD', 'POST']) for (const path of ['/', '/assets/app-X.js']) expect(functionFor(method, path)).toBe('web');
    expect(functionFor('GET', '/assetsx')).toBe('api');
  });
});
