import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ReadingsPageSchema } from '../../src/domain/responses.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
const base = Date.now() - 3_600_000;
const at = (s: number) => new Date(base + s * 1000).toISOString();

beforeAll(async () => {
  t = await startTestStack();
  const key = await t.api.registerDevice('q-1');
  // 250 readings, posted out of order, several sharing a ts.
  const readings = Array.from({ length: 250 }, (_, i) => ({ id: `q${String(i).padStart(3, '0')}`, ts: at(Math.floor(i / 2)), co2: 400 + i }));
  for (let i = 0; i < readings.length; i += 100) {
    const answer = await t.api.post('q-1', key, readings.slice(i, i + 100).reverse());
    expect(answer.body.accepted).toBe(readings.slice(i, i + 100).length);
  }
});
afterAll(async () => t?.stop());

describe('GET /v1/devices/{deviceId}/readings', () => {
  it('defaults to 100 items ascending by ts with a cursor, and the last page has none', async () => {
    const first = await t.api.request('GET', '/v1/devices/q-1/readings');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(100);
    v.parse(ReadingsPageSchema, first.body);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const ts = first.body.items.map((r: { ts: string }) => r.ts);
    expect(ts).toEqual([...ts].sort());
  });

  it.each([3, 7, 100, 250, 1000])('pages with limit %i without skipping or repeating', async (limit) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await t.api.request('GET', `/v1/devices/q-1/readings?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(answer.status).toBe(200);
      ids.push(...answer.body.items.map((r: { id: string }) => r.id));
      cursor = answer.body.nextCursor;
      if (cursor) expect('nextCursor' in answer.body).toBe(true);
      else expect('nextCursor' in answer.body).toBe(false);
      pages++;
    } while (cursor);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(pages).toBe(Math.ceil(250 / limit));
  });

  it('bounds by from (inclusive) and to (exclusive), in any offset', async () => {
    const from = at(10);
    const to = new Date(Date.parse(at(20)) + 3_600_000).toISOString().replace('Z', '+01:00').replace('.000', '');
    const items = await t.api.allReadings('q-1', `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(items).toHaveLength(20);
    expect(items[0]?.ts).toBe(at(10));
    expect(items.at(-1)?.ts).toBe(at(19));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['from=yesterday', 'from'],
    ['to=2026-11-29', 'to'],
    [`from=${encodeURIComponent('2026-11-29T10:00:00Z')}&to=${encodeURIComponent('2026-11-29T09:00:00Z')}`, 'from'],
  ])('answers 400 for %s', async (query, path) => {
    const answer = await t.api.request('GET', `/v1/devices/q-1/readings?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details[0].path).toBe(path);
  });

  it('answers 400 invalid_cursor for a forged cursor or one from another range', async () => {
    for (const cursor of ['garbage!', 'eyJ2IjoxfQ', Buffer.from('{"v":1,"t":"zzz"}').toString('base64url')]) {
      const answer = await t.api.request('GET', `/v1/devices/q-1/readings?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_cursor');
    }
    const page = await t.api.request('GET', '/v1/devices/q-1/readings?limit=5');
    const outside = await t.api.request('GET', `/v1/devices/q-1/readings?cursor=${page.body.nextCursor}&from=${encodeURIComponent(at(100))}`);
    expect(outside.status).toBe(400);
  });

  it('answers 404 for an unknown device and an empty page for a device without readings', async () => {
    expect((await t.api.request('GET', '/v1/devices/nobody/readings')).status).toBe(404);
    await t.api.registerDevice('q-empty');
    const empty = await t.api.request('GET', '/v1/devices/q-empty/readings');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [] });
  });
});
