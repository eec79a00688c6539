import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, READINGS_CSV_COLUMNS } from '../../src/domain/csv.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';

let t: TestStack;
const base = Date.now() - 3_600_000;
const at = (s: number) => new Date(base + s * 1000).toISOString();

beforeAll(async () => {
  t = await startTestStack();
  const key = await t.api.registerDevice('csv-1');
  // Mixed measurements, some without id, some absent values, booleans both ways.
  const readings = Array.from({ length: 230 }, (_, i) => ({
    ...(i % 3 === 0 ? {} : { id: `c${i}` }),
    ts: at(i),
    ...(i % 2 === 0 ? { co2: 400 + i } : { temperature: 20 + i / 10 }),
    ...(i % 5 === 0 ? { flame: i % 10 === 0 } : {}),
    ...(i % 7 === 0 ? { smoke: 0.01, humidity: 41.5 } : {}),
  }));
  for (let i = 0; i < readings.length; i += 100) expect((await t.api.post('csv-1', key, readings.slice(i, i + 100))).status).toBe(200);
});
afterAll(async () => t?.stop());

/** A JSON item as the CSV writes it. */
const asRow = (r: Record<string, unknown>) => READINGS_CSV_COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c])));

describe('GET /v1/devices/{deviceId}/readings?format=csv', () => {
  it.each([7, 100, 1000])('pages of %i concatenate to exactly the JSON pages, following Link rel=next', async (limit) => {
    const json = await t.api.allReadings('csv-1');
    expect(json).toHaveLength(230);
    const rows: string[][] = [];
    let next: string | undefined = `/v1/devices/csv-1/readings?format=csv&limit=${limit}`;
    let pages = 0;
    while (next) {
      const answer = await t.api.request('GET', next);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = answer.body as string;
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
      const [header, ...body] = parseCsv(text);
      expect(header).toEqual([...READINGS_CSV_COLUMNS]);
      rows.push(...body);
      const link = answer.headers.get('link');
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (link) expect(next).toBeDefined();
      pages++;
    }
    expect(pages).toBe(Math.ceil(230 / limit));
    expect(rows).toEqual(json.map(asRow));
  });

  it('keeps the range in the next link and allows 10,000 a page only in CSV', async () => {
    const from = encodeURIComponent(at(10));
    const first = await t.api.request('GET', `/v1/devices/csv-1/readings?format=csv&limit=5&from=${from}`);
    expect(first.headers.get('link')).toContain(`from=${from}`);
    const big = await t.api.request('GET', '/v1/devices/csv-1/readings?format=csv&limit=10000');
    expect(big.status).toBe(200);
    expect(big.headers.get('link')).toBeNull();
    expect(parseCsv(big.body as string)).toHaveLength(231);
    expect((await t.api.request('GET', '/v1/devices/csv-1/readings?format=csv&limit=10001')).body.error.details[0].path).toBe('limit');
    expect((await t.api.request('GET', '/v1/devices/csv-1/readings?limit=10000')).status).toBe(400);
    expect((await t.api.request('GET', '/v1/devices/csv-1/readings?format=xml')).body.error.details[0].path).toBe('format');
    expect((await t.api.request('GET', '/v1/devices/csv-1/readings?format=csv', { token: null })).status).toBe(401);
  });
});
