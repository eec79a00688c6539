import { judgeBatch } from '../domain/batch.js';
import { effectiveUploadInterval } from '../domain/device.js';
import { ApiError, type ErrorDetail } from '../domain/errors.js';
import type { IngestEnvelope } from '../domain/reading.js';
import { mergeThresholds, type Thresholds } from '../domain/thresholds.js';
import { formatUtc } from '../domain/time.js';
import type { AlertDeps } from './alerts/deps.js';
import { evaluateAfterPost } from './alerts/evaluate.js';
import { recordPost } from './ingest-telemetry.js';
import type { DeviceSnapshot, ReadingStore, StoreBatchResult } from './ports.js';

export { rejectionReason } from './ingest-telemetry.js';

export interface IngestDeps extends AlertDeps {
  readings: ReadingStore;
}

/** Shape: IngestResultSchema. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; errors: ErrorDetail[] }[];
  /** How the board should behave (contract v1.1). */
  policy: { thresholds: Thresholds; uploadIntervalSeconds: number; uploadPhaseSeconds: number };
}

/**
 * Store a device's batch: judge each reading on its own (src/domain/batch.ts),
 * store the valid ones in one call to the store (idempotent per reading, so
 * a retried or concurrent batch is stored once and counted as duplicates),
 * then one device write with the alert evaluation (alerts/evaluate.ts).
 */
export async function ingestBatch(deps: IngestDeps, device: DeviceSnapshot, envelope: IngestEnvelope): Promise<IngestResult> {
  if (envelope.deviceId !== device.deviceId) {
    throw new ApiError('forbidden', `this key belongs to device ${device.deviceId}, not ${envelope.deviceId}`);
  }
  const nowMs = deps.clock.now();
  const receivedAt = formatUtc(nowMs);
  const verdict = judgeBatch(envelope.readings, { nowMs, retentionDays: deps.settings.retentionDays });

  let outcome: StoreBatchResult = { stored: [], duplicates: [], refused: [] };
  if (verdict.valid.length > 0) {
    try {
      outcome = await deps.readings.storeBatch(device.deviceId, verdict.valid.map((v) => v.reading), receivedAt, deps.settings.retentionDays);
    } catch (error) {
      deps.log.error('storing a batch failed; the device will retry it', { deviceId: device.deviceId, error });
      throw new ApiError('unavailable', 'the store is unavailable; retry the batch (readings already stored count as duplicates)', [], { 'retry-after': '1' });
    }
  }
  const rejected = [...verdict.rejected];
  for (const refusal of outcome.refused) {
    const index = verdict.valid.find((v) => v.reading === refusal.reading)?.index ?? -1;
    rejected.push({ index, errors: [{ path: '', message: refusal.message }] });
  }
  rejected.sort((a, b) => a.index - b.index);

  // Every valid post is evaluated, even when all its readings were duplicates: it ends an offline alert,
  // and a reading stored by an attempt that died before evaluating it is evaluated now.
  const stored = outcome.stored.map((reading) => ({ reading, tsMs: Date.parse(reading.ts) }));
  const duplicates = outcome.duplicates.map(({ receivedAt: _receivedAt, ...reading }) => ({ reading, tsMs: Date.parse(reading.ts) }));
  const evaluation = await evaluateAfterPost(deps, device, { receivedAtMs: nowMs, stored, duplicates });

  const thresholds = mergeThresholds(deps.settings.thresholds, device.thresholds);
  const uploadIntervalSeconds = effectiveUploadInterval(device.uploadIntervalSeconds, deps.settings.uploadIntervalSeconds, thresholds.offlineAfterSeconds);
  const result: IngestResult = {
    accepted: outcome.stored.length,
    duplicates: verdict.inBatchDuplicates + outcome.duplicates.length,
    rejected,
    policy: { thresholds, uploadIntervalSeconds, uploadPhaseSeconds: deps.readings.uploadPhaseSeconds(device.deviceId, uploadIntervalSeconds) },
  };
  const newest = stored.reduce((max, s) => Math.max(max, s.tsMs), -Infinity);
  recordPost(deps, {
    deviceId: device.deviceId,
    batchSize: envelope.readings.length,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected,
    stored: outcome.stored,
    ...(stored.length > 0 ? { newestLagMs: Math.max(0, nowMs - newest) } : {}),
    transitions: evaluation.queued.length,
  });
  return result;
}
