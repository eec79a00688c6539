/** What one sample can carry: the measurement fields of the API contract. */
export interface Measurements {
  co2?: number;
  temperature?: number;
  humidity?: number;
  smoke?: number;
  flame?: boolean;
}

export type Field = keyof Measurements;

/** What a driver gives: measurements, and the faults it sees (`<field>:<code>`, contract v1.1 "Sensor faults"). */
export type SensorReading = Measurements & { faults?: string[] };

export const SENSOR_FAULTS = ['disconnected', 'stuck', 'out_of_range', 'warming_up', 'calibration'] as const;
export type SensorFault = (typeof SENSOR_FAULTS)[number];
export const fault = (field: Field, code: SensorFault): string => `${field}:${code}`;
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
  /** The fields it measures (a failed read makes each of them `disconnected`). */
  readonly fields?: readonly Field[];
  read(): Promise<SensorReading>;
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

/**
 * The same raw value for longer than a sensor's noise allows: stuck (a
 * frozen ADC, a sensor that stopped measuring but still answers).
 */
export class StuckDetector {
  private last: number | undefined;
  private same = 0;
  constructor(private readonly limit: number) {}
  /** Feeds one raw value; true when it has not changed for `limit` reads in a row. */
  stuck(raw: number): boolean {
    if (raw === this.last) this.same++;
    else {
      this.last = raw;
      this.same = 1;
    }
    return this.limit > 0 && this.same >= this.limit;
  }
}
