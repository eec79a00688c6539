/** What one sample can carry: the measurement fields of the API contract. */
export interface Measurements {
  co2?: number;
  temperature?: number;
  humidity?: number;
  smoke?: number;
  flame?: boolean;
}

export type Field = keyof Measurements;
export const FIELDS: readonly Field[] = ['co2', 'temperature', 'humidity', 'smoke', 'flame'];

/**
 * One sensor driver. `read` resolves with what it measured now (possibly
 * nothing, e.g. while warming up) or rejects; the sampler logs the failure,
 * leaves the fields out of that sample and tries again at the next sample.
 * A driver sets itself up lazily in `read` and again after a failure, so an
 * unplugged sensor that comes back is picked up without a restart.
 */
export interface Sensor {
  readonly name: string;
  read(): Promise<Measurements>;
  /** Starts background work (e.g. polling a flame input); `alarm` asks for a sample now. */
  start?(alarm: () => void): void;
  close?(): Promise<void> | void;
}

/** The contract's valid ranges; a value outside is left out of the sample (it would make the server reject the whole reading). */
export const RANGES: Record<Exclude<Field, 'flame'>, [number, number]> = {
  co2: [0, 100_000],
  temperature: [-55, 150],
  humidity: [0, 100],
  smoke: [0, 1],
};

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
