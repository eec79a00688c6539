import { join } from 'node:path';
import type { Logger } from '../log.js';
import { findIioDevice, IIO_ROOT, readNumber, readOptionalNumber } from './sysfs.js';
import { round, type Measurements, type Sensor } from './types.js';

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
}

export const DEFAULT_ADC = { divider: 1, fullScaleMv: 5000, samples: 4, iioNames: AM335X_ADC_NAMES, iioRoot: IIO_ROOT };

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
  private dir: string | undefined;
  private atRail = false;

  constructor(private readonly o: AdcOptions) {
    this.name = o.name;
    if (!Number.isInteger(o.channel) || o.channel < 0 || o.channel > 15) throw new Error(`${o.name}: channel must be 0..15`);
    if (!(o.divider >= 1)) throw new Error(`${o.name}: divider must be >= 1 (sensor volts per ADC volt)`);
  }

  async read(): Promise<Measurements> {
    try {
      this.dir ??= await findIioDevice(this.o.iioRoot, this.o.iioNames);
      const mv = await this.readMillivolts(this.dir);
      return convert(this.o.converter, mv * this.o.divider, this.o.fullScaleMv);
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
