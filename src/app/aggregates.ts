import { AGGREGATE_STEPS, Bucketer, MAX_AGGREGATE_BUCKETS, type Bucket } from '../domain/aggregates.js';
import { ApiError } from '../domain/errors.js';
import type { DeviceStore, ReadingStore } from './ports.js';
import { timeParam } from './query-params.js';

export interface AggregatesDeps {
  devices: DeviceStore;
  readings: ReadingStore;
}

const invalid = (path: string, message: string) => new ApiError('validation_failed', 'invalid query', [{ path, message }]);

/** `from`, `to` (required) and `step`, checked: at most MAX_AGGREGATE_BUCKETS steps between them. */
export function aggregateQuery(query: Readonly<Record<string, string | undefined>>): { from: string; to: string; step: number } {
  const from = timeParam(query, 'from');
  const to = timeParam(query, 'to');
  if (from === undefined) throw invalid('from', 'is required');
  if (to === undefined) throw invalid('to', 'is required');
  if (from >= to) throw invalid('from', 'must be before to');
  const step = Number(query.step);
  if (!(AGGREGATE_STEPS as readonly number[]).includes(step) || !/^\d+$/.test(query.step ?? '')) {
    throw invalid('step', `must be one of ${AGGREGATE_STEPS.join(', ')} (seconds)`);
  }
  if ((Date.parse(to) - Date.parse(from)) / 1000 / step > MAX_AGGREGATE_BUCKETS) {
    throw invalid('step', `(to - from) / step must be at most ${MAX_AGGREGATE_BUCKETS}; use a larger step or a shorter range`);
  }
  return { from, to, step };
}

/** Min/max/avg per measurement and flame.any per bucket over [from, to). */
export async function deviceAggregates(deps: AggregatesDeps, deviceId: string, query: Readonly<Record<string, string | undefined>>): Promise<{ items: Bucket[] }> {
  const { from, to, step } = aggregateQuery(query);
  if (!(await deps.devices.get(deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
  const bucketer = new Bucketer(step);
  for await (const minute of deps.readings.summarizeRange(deviceId, from, to)) bucketer.addSummary(minute);
  return { items: bucketer.result() };
}
