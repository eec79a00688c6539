import { ApiError } from '../domain/errors.js';
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

/**
 * One page of a device's readings, ascending by ts; `from` inclusive, `to`
 * exclusive. The cursor is the store's own, bound to this device and range:
 * any other is `400 invalid_cursor`.
 */
export async function listReadings(
  deps: ReadingsDeps,
  deviceId: string,
  query: Readonly<Record<string, string | undefined>>,
  maxLimit?: number,
): Promise<ReadingsPage> {
  const limit = pageLimit(query, maxLimit);
  const from = timeParam(query, 'from');
  const to = timeParam(query, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new ApiError('validation_failed', 'invalid query', [{ path: 'from', message: 'must be before to' }]);
  if (!(await deps.devices.get(deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
  const cursor = query.cursor !== undefined && query.cursor !== '' ? query.cursor : undefined;
  const page = await deps.readings.query(deviceId, { limit, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor ? { cursor } : {}) });
  return { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
