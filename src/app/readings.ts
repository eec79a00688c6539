import { ApiError } from '../domain/errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { DeviceStore, ReadingStore, StoredReading } from './ports.js';
import { pageLimit, timeParam } from './query-params.js';

export interface ReadingsDeps {
  devices: DeviceStore;
  readings: ReadingStore;
}

export interface ReadingsPage {
  items: StoredReading[];
  nextCursor?: string;
}

// Time keys start with a UTC timestamp; these bound every possible one.
const EARLIEST = '0000';
const LATEST = '9999';

/** One page of a device's readings, ascending by ts; `from` inclusive, `to` exclusive. */
export async function listReadings(
  deps: ReadingsDeps,
  deviceId: string,
  query: Readonly<Record<string, string | undefined>>,
  maxLimit?: number,
): Promise<ReadingsPage> {
  const limit = pageLimit(query, maxLimit);
  const from = timeParam(query, 'from') ?? EARLIEST;
  const to = timeParam(query, 'to') ?? LATEST;
  if (from >= to) throw new ApiError('validation_failed', 'invalid query', [{ path: 'from', message: 'must be before to' }]);
  let after: string | undefined;
  if (query.cursor !== undefined && query.cursor !== '') {
    after = decodeCursor(query.cursor, ['t']).t;
    // A cursor from another range would point outside this query's bounds.
    if (!(after !== undefined && after >= from && after < to && after.includes('#'))) {
      throw new ApiError('invalid_cursor', 'cursor does not belong to this query', [{ path: 'cursor', message: 'invalid cursor' }]);
    }
  }
  if (!(await deps.devices.get(deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
  const page = await deps.readings.query(deviceId, { from, to, limit, ...(after ? { after } : {}) });
  return { items: page.items, ...(page.lastTimeKey ? { nextCursor: encodeCursor({ t: page.lastTimeKey }) } : {}) };
}
