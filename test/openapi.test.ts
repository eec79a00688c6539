import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/docs/openapi.js';

describe('the published API document', () => {
  it('is current: docs/openapi.json equals what the valibot schemas give (run `make docs` after changing a schema)', () => {
    const published = readFileSync('docs/openapi.json', 'utf8');
    expect(published).toBe(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
  });

  it('describes every route of the contract', () => {
    const paths = Object.keys((openApiDocument() as { paths: Record<string, unknown> }).paths);
    for (const path of ['/healthz', '/v1/devices', '/v1/devices/{deviceId}', '/v1/devices/{deviceId}/keys', '/v1/devices/{deviceId}/readings', '/v1/readings', '/v1/alerts', '/v1/alerts/{alertId}/ack']) {
      expect(paths).toContain(path);
    }
  });
});
