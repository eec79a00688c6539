import { join } from 'node:path';
import type { Logger } from '../log.js';
import { findIioDevice, IIO_ROOT, readNumber, readOptionalNumber } from './sysfs.js';
import { fault, round, StuckDetector, type Field, type Measurements, type Sensor, type SensorReading } from './types.js';

/** Names the AM335x ADC's IIO device has had across kernels. */
export const AM335X_ADC_NAMES = ['TI-am335x-adc', 'TI-am335x-adc.0.auto'];
/** The AM335x ADC: 12 bits over 0..1.8 V, when the driver gives no scale. */
export const DEFAULT_MV_PER_LSB = 1800 / 4096;

export type AdcConverter = 'tmp36' | 'lm35' | 'mq2';

export interface AdcOptions {
  name: string;
  channel: number;
  converter: AdcConverter;
  /**
   * Voltage divider between the sensor and the ADC pin, as sensor volts per
   * ADC volt ((R1 + R2) / R2; 1 for a direct connection).
   */
  divider: number;
  /** MQ-2: the module output (after no divider) that means "full scale" (its supply, normally 5000 mV). */
  fullScaleMv: number;
  /** Readings averaged per sample (the AM335x ADC is noisy). */
  samples: number;
  iioNames: string[];
  iioRoot: string;
  log: Logger;
  /** MQ-2: no smoke value for this long after power-on (counted from boot): its heater burns in (`smoke:warming_up`). */
  warmupMs?: number;
  /** The same averaged raw value this many samples in a row is `stuck` (the ADC always has some noise); 0 = never. */
  stuckAfter?: number;
  /** Monotonic ms since boot. */
  monoMs?: () => number;
}

export const DEFAULT_ADC = { divider: 1, fullScaleMv: 5000, samples: 4, iioNames: AM335X_ADC_NAMES, iioRoot: IIO_ROOT, mq2WarmupMs: 180_000, stuckAfter: 60 };

/** Converts the sensor's output voltage (after undoing the divider) into measurements. */
export function convert(converter: AdcConverter, sensorMv: number, fullScaleMv: number): Measurements {
  switch (converter) {
    case 'tmp36':
      // 750 mV at 25 C, 10 mV per degree (500 mV offset).
      return { temperature: round((sensorMv - 500) / 10, 2) };
    case 'lm35':
      // 10 mV per degree from 0 mV at 0 C.
      return { temperature: round(sensorMv / 10, 2) };
    case 'mq2':
      // The contract's smoke: fraction of the sensor's full scale, 0..1.
      return { smoke: round(Math.min(1, Math.max(0, sensorMv / fullScaleMv)), 4) };
  }
}

/** An analog sensor on one input of an IIO ADC (the BeagleBone's AIN0..AIN6). */
export class AdcSensor implements Sensor {
  readonly name: string;
  readonly fields: readonly Field[];
  private dir: string | undefined;
  private atRail = false;
  private railLow = false;
  private railHigh = false;
  private lastRaw = 0;
  private readonly stuck: StuckDetector;

  constructor(private readonly o: AdcOptions) {
    this.name = o.name;
    this.fields = o.converter === 'mq2' ? ['smoke'] : ['temperature'];
    this.stuck = new StuckDetector(o.stuckAfter ?? DEFAULT_ADC.stuckAfter);
    if (!Number.isInteger(o.channel) || o.channel < 0 || o.channel > 15) throw new Error(`${o.name}: channel must be 0..15`);
    if (!(o.divider >= 1)) throw new Error(`${o.name}: divider must be >= 1 (sensor volts per ADC volt)`);
  }

  async read(): Promise<SensorReading> {
    const field = this.fields[0]!;
    try {
      this.dir ??= await findIioDevice(this.o.iioRoot, this.o.iioNames);
      const mv = await this.readMillivolts(this.dir);
      // Low rail: an open input (TMP36 and MQ-2 never give 0 V when wired; an LM35 does at 0 C): no value, the fault says why.
      if (this.railLow && this.o.converter !== 'lm35') return { faults: [fault(field, 'disconnected')] };
      if (this.o.converter === 'mq2' && (this.o.monoMs?.() ?? Infinity) < (this.o.warmupMs ?? DEFAULT_ADC.mq2WarmupMs)) {
        return { faults: [fault(field, 'warming_up')] };
      }
      const out: SensorReading = convert(this.o.converter, mv * this.o.divider, this.o.fullScaleMv);
      // High rail: clipped, the real value is at least this; kept (it may be a fire), flagged out of range.
      if (this.railHigh) out.faults = [fault(field, 'out_of_range')];
      else if (this.stuck.stuck(this.lastRaw)) out.faults = [fault(field, 'stuck')];
      return out;
    } catch (err) {
      this.dir = undefined; // look the device up again next time (driver reloaded, renumbered)
      throw err;
    }
  }

  /** Millivolts at the ADC pin, averaged over `samples` conversions. */
  async readMillivolts(dir: string): Promise<number> {
    const ch = `in_voltage${this.o.channel}`;
    const scale =
      (await readOptionalNumber(join(dir, `${ch}_scale`))) ?? (await readOptionalNumber(join(dir, 'in_voltage_scale'))) ?? DEFAULT_MV_PER_LSB;
    const offset = (await readOptionalNumber(join(dir, `${ch}_offset`))) ?? (await readOptionalNumber(join(dir, 'in_voltage_offset'))) ?? 0;
    let sum = 0;
    let max = 0;
    let min = Infinity;
    for (let i = 0; i < this.o.samples; i++) {
      const raw = await readRawWithRetry(join(dir, `${ch}_raw`));
      sum += raw;
      max = Math.max(max, raw);
      min = Math.min(min, raw);
    }
    const raw = sum / this.o.samples;
    this.lastRaw = raw;
    this.railLow = max <= 0;
    this.railHigh = min >= 4095;
    const rail = min <= 0 || max >= 4095;
    if (rail !== this.atRail) {
      this.atRail = rail;
      if (rail) {
        this.o.log.warn('adc: input at the rail (0 V or 1.8 V): sensor disconnected, or over the ADC range? Check the wiring and divider', {
          sensor: this.name, channel: this.o.channel, raw,
        });
      }
    }
    return (raw + offset) * scale;
  }
}

/** The TI ADC driver answers EBUSY/EAGAIN now and then (FIFO in use); try a few times. */
async function readRawWithRetry(path: string): Promise<number> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await readNumber(path);
    } catch (err) {
      last = err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EBUSY' && code !== 'EAGAIN' && code !== 'ETIMEDOUT') break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw last;
}
