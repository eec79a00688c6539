import { ApiError, type ErrorDetail } from '../domain/errors.js';
import { judgeReading, readingKey, type IngestEnvelope, type Reading } from '../domain/reading.js';
import { formatUtc } from '../domain/time.js';
import { forEachLimited } from './concurrency.js';
import type { AlertDeps } from './alerts/deps.js';
import { evaluateAfterPost } from './alerts/evaluate.js';
import type { DeviceSnapshot, ReadingStore } from './ports.js';

export interface IngestDeps extends AlertDeps {
  readings: ReadingStore;
}

export interface StoredForEvaluation {
  reading: Reading;
  tsMs: number;
}

/** Shape: IngestResultSchema. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; errors: ErrorDetail[] }[];
}

/** Writes in flight per batch: enough to hide latency, few enough to stay polite to the table. */
const WRITE_CONCURRENCY = 16;

/**
 * Store a device's batch. Each reading is judged on its own; a reading's
 * identity makes every write idempotent, so a retried or concurrent batch is
 * stored once and counted as duplicates.
 */
export async function ingestBatch(deps: IngestDeps, device: DeviceSnapshot, envelope: IngestEnvelope): Promise<IngestResult> {
  if (envelope.deviceId !== device.deviceId) {
    throw new ApiError('forbidden', `this key belongs to device ${device.deviceId}, not ${envelope.deviceId}`);
  }
  const nowMs = deps.clock.now();
  const receivedAt = formatUtc(nowMs);
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };

  const valid: { reading: Reading; tsMs: number }[] = [];
  const seen = new Set<string>();
  envelope.readings.forEach((raw, index) => {
    const verdict = judgeReading(raw, { nowMs, retentionDays: deps.settings.retentionDays });
    if (!verdict.ok) {
      result.rejected.push({ index, errors: verdict.errors });
      return;
    }
    const key = readingKey(verdict.reading);
    if (seen.has(key)) {
      result.duplicates++; // the same reading twice in one batch
      return;
    }
    seen.add(key);
    valid.push({ reading: verdict.reading, tsMs: verdict.tsMs });
  });

  const stored: StoredForEvaluation[] = [];
  const duplicates: StoredForEvaluation[] = [];
  try {
    await forEachLimited(valid, WRITE_CONCURRENCY, async (item) => {
      const expiresAt = Math.floor(item.tsMs / 1000) + deps.settings.retentionDays * 86_400;
      if (await deps.readings.put(device.deviceId, item.reading, receivedAt, expiresAt)) stored.push(item);
      else duplicates.push(item);
    });
  } catch (error) {
    deps.log.error('storing a batch failed; the device will retry it', { deviceId: device.deviceId, error });
    throw new ApiError('unavailable', 'the store is unavailable; retry the batch (readings already stored count as duplicates)', [], { 'retry-after': '1' });
  }
  result.accepted = stored.length;
  result.duplicates += duplicates.length;

  await deps.devices.recordContact(device.deviceId, receivedAt, await latestCandidate(deps, device, stored, duplicates));
  // Every valid post is evaluated, even when all its readings were duplicates: it ends an offline alert,
  // and a reading stored by an attempt that died before evaluating it is evaluated now.
  await evaluateAfterPost(deps, device, [...stored, ...(await unevaluatedDuplicates(deps, device, duplicates))], nowMs);

  recordTelemetry(deps, device.deviceId, envelope.readings.length, result, stored, nowMs);
  return result;
}

/** Why a reading was refused, as a small set of metric dimension values. */
export function rejectionReason(errors: readonly ErrorDetail[]): 'clock' | 'range' | 'shape' {
  if (errors.some((e) => e.path === 'ts' && /ahead|retention/.test(e.message))) return 'clock';
  if (errors.some((e) => /must be [<>]=/.test(e.message))) return 'range';
  return 'shape';
}

const SERIES_NAMES = { co2: 'CO2', temperature: 'Temperature', humidity: 'Humidity', smoke: 'Smoke' } as const;

function recordTelemetry(deps: IngestDeps, deviceId: string, batchSize: number, result: IngestResult, stored: readonly StoredForEvaluation[], nowMs: number): void {
  const t = deps.telemetry;
  t.count('ReadingsAccepted', result.accepted);
  t.count('ReadingsDuplicate', result.duplicates);
  t.measure('BatchSize', 'Count', batchSize);
  const reasons = new Map<string, number>();
  for (const r of result.rejected) reasons.set(rejectionReason(r.errors), (reasons.get(rejectionReason(r.errors)) ?? 0) + 1);
  for (const [reason, n] of reasons) t.count('ReadingsRejected', n, { reason });
  for (const item of stored) t.measure('IngestLag', 'Milliseconds', Math.max(0, nowMs - item.tsMs));
  if (result.rejected.length > 0) deps.log.warn('readings rejected', { deviceId, rejected: result.rejected.slice(0, 10) });
  if (deps.settings.deviceSeries === 'off') return;
  for (const { reading } of stored) {
    if (deps.settings.deviceSeries === 'logs') {
      // One line a reading: the fleet dashboard's Logs Insights widgets read these.
      deps.log.info('reading', { deviceId, ...reading });
      continue;
    }
    for (const [field, name] of Object.entries(SERIES_NAMES) as [keyof typeof SERIES_NAMES, string][]) {
      const value = reading[field];
      if (value !== undefined) t.series(name, value, { deviceId });
    }
    if (reading.flame !== undefined) t.series('Flame', reading.flame ? 1 : 0, { deviceId });
  }
}

/** Duplicates newer than what the alert state has evaluated, as first stored (the first one stands). */
async function unevaluatedDuplicates(deps: IngestDeps, device: DeviceSnapshot, duplicates: readonly StoredForEvaluation[]): Promise<StoredForEvaluation[]> {
  const evaluatedTs = device.alertState.evaluatedTs;
  const candidates = duplicates.filter((d) => evaluatedTs === null || d.reading.ts > evaluatedTs);
  const found: StoredForEvaluation[] = [];
  await forEachLimited(candidates, WRITE_CONCURRENCY, async (candidate) => {
    const first = await deps.readings.get(device.deviceId, readingKey(candidate.reading));
    if (!first) return;
    const { receivedAt: _receivedAt, ...reading } = first;
    found.push({ reading, tsMs: Date.parse(reading.ts) });
  });
  return found;
}

/**
 * The newest reading of the batch, if newer than the device's `latest`.
 * A duplicate can be the newest when an earlier attempt stored it but died
 * before updating `latest`; then the stored version (the first one stands) is used.
 */
async function latestCandidate(
  deps: IngestDeps,
  device: DeviceSnapshot,
  stored: readonly StoredForEvaluation[],
  duplicates: readonly StoredForEvaluation[],
): Promise<Reading | undefined> {
  const newest = (items: readonly StoredForEvaluation[]) =>
    items.reduce<StoredForEvaluation | undefined>((best, item) => (best === undefined || item.tsMs > best.tsMs ? item : best), undefined);
  const newStored = newest(stored);
  const newDuplicate = newest(duplicates);
  const currentMs = device.latest ? Date.parse(device.latest.ts) : -Infinity;
  if (newDuplicate && newDuplicate.tsMs > currentMs && (!newStored || newDuplicate.tsMs > newStored.tsMs)) {
    const first = await deps.readings.get(device.deviceId, readingKey(newDuplicate.reading));
    if (first) {
      const { receivedAt: _receivedAt, ...reading } = first;
      return reading;
    }
  }
  return newStored && newStored.tsMs > currentMs ? newStored.reading : undefined;
}
