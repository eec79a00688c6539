import { describe, expect, it } from 'vitest';
import { recordPost, type PostSummary } from '../../src/app/ingest-telemetry.js';
import { parseSettings } from '../../src/app/settings.js';
import type { Log, Telemetry } from '../../src/app/ports.js';
import { contextualLog, requestLineFields, withRequestContext } from '../../src/adapters/observability/request-context.js';

/** Where a post's counts go: on the request's line inside a request, a `post` line of their own outside one. */
const written: { level: string; message: string; fields: Record<string, unknown> }[] = [];
const base: Log = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (message: string, ...extra: Record<string, unknown>[]) => void written.push({ level, message, fields: Object.assign({}, ...extra) })]),
) as unknown as Log;
const telemetry: Telemetry = { count: () => undefined, measure: () => undefined, series: () => undefined };
const settings = parseSettings({});
const post = (rejected: PostSummary['rejected']): PostSummary => ({ deviceId: 'd-1', batchSize: 3, accepted: 3 - rejected.length, duplicates: 0, rejected, stored: [], transitions: 1 });
const refusal = [{ index: 2, errors: [{ path: 'co2', message: 'must be >= 0' }] }];

describe('recordPost', () => {
  it('inside a request, attaches the counts to the request line (WARN with a refusal) and writes no line', async () => {
    written.length = 0;
    const log = contextualLog(base);
    const line = await withRequestContext({ requestId: 'r-1' }, async () => {
      recordPost({ log, telemetry, settings }, post([]));
      recordPost({ log, telemetry, settings }, post(refusal));
      return requestLineFields();
    });
    expect(written).toEqual([]);
    expect(line).toEqual({ warn: true, fields: { deviceId: 'd-1', readings: 3, accepted: 2, duplicates: 0, rejected: 1, transitions: 1, firstRejections: refusal } });
    // Another request starts with nothing attached.
    expect(await withRequestContext({ requestId: 'r-2' }, async () => requestLineFields())).toEqual({ fields: {}, warn: false });
  });

  it('outside a request (no edge to write a request line), writes its own post line', () => {
    written.length = 0;
    recordPost({ log: contextualLog(base), telemetry, settings }, post([]));
    recordPost({ log: base, telemetry, settings }, post(refusal));
    expect(written.map((w) => [w.level, w.message, w.fields.accepted])).toEqual([['info', 'post', 3], ['warn', 'post', 2]]);
  });
});
