import type * as v from 'valibot';
import type { AlertSchema, DeviceViewSchema, StoredReadingSchema } from '../../domain/responses.js';

/** The API's answers, typed from the same valibot schemas the API is checked against. */
export type Device = v.InferOutput<typeof DeviceViewSchema>;
export type Reading = v.InferOutput<typeof StoredReadingSchema>;
export type Alert = v.InferOutput<typeof AlertSchema>;
export type AlertKind = Alert['kind'];
export type Severity = Alert['severity'];

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The measurements a reading may carry (contract, "Ingest"). */
export type Metric = 'co2' | 'temperature' | 'humidity' | 'smoke' | 'flame';
export const METRICS: readonly Metric[] = ['co2', 'temperature', 'humidity', 'smoke', 'flame'];

/** Which alert kind a measurement raises. */
export const KIND_OF_METRIC: Readonly<Record<Metric, AlertKind | undefined>> = {
  co2: 'co2',
  temperature: 'heat',
  humidity: undefined,
  smoke: 'smoke',
  flame: 'fire',
};

export const ALERT_KINDS: readonly AlertKind[] = ['fire', 'smoke', 'heat', 'co2', 'offline'];
