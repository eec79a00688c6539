import { findIioDevice, IIO_ROOT, readIioChannel } from './sysfs.js';
import { fault, round, StuckDetector, type Field, type Sensor, type SensorReading } from './types.js';

export type IioCo2Model = 'scd30' | 'scd4x' | 'iio-co2';

/** The names of the mainline Linux drivers' IIO devices. */
export const IIO_CO2_NAMES: Record<IioCo2Model, string[]> = {
  scd30: ['scd30'],
  scd4x: ['scd4x'],
  'iio-co2': [],
};

export interface IioCo2Options {
  name: string;
  iioNames: string[];
  iioRoot: string;
  /**
   * IIO reports a concentration in percent once scaled (ABI), so ppm is
   * value * 10000. A driver that does not follow the ABI can be fixed here.
   */
  co2PpmPerUnit: number;
  /** The same raw CO2 value this many reads in a row is `co2:stuck` (0 = never). */
  stuckAfter?: number;
}

export const DEFAULT_IIO_CO2 = { iioRoot: IIO_ROOT, co2PpmPerUnit: 10_000 };

/**
 * A CO2 sensor with a Linux IIO driver (Sensirion SCD30 `scd30`, SCD40/41
 * `scd4x`): plain file reads of `in_concentration_co2_raw` times its scale,
 * plus temperature and humidity when the driver has them. Reading a raw
 * value can block until the sensor's next measurement (seconds), which the
 * sampler's timeout allows for.
 */
export class IioCo2Sensor implements Sensor {
  readonly name: string;
  readonly fields: readonly Field[] = ['co2', 'temperature', 'humidity'];
  private dir: string | undefined;
  private readonly stuck: StuckDetector;

  constructor(private readonly o: IioCo2Options) {
    this.name = o.name;
    this.stuck = new StuckDetector(o.stuckAfter ?? 60);
    if (o.iioNames.length === 0) throw new Error(`${o.name}: iioName is required`);
  }

  async read(): Promise<SensorReading> {
    try {
      this.dir ??= await findIioDevice(this.o.iioRoot, this.o.iioNames);
      const dir = this.dir;
      const out: SensorReading = {};
      const co2 = await readIioChannel(dir, 'in_concentration_co2', 'in_concentration');
      if (co2 === undefined) throw new Error(`${dir}: no in_concentration_co2_raw or _input`);
      out.co2 = Math.round(co2 * this.o.co2PpmPerUnit);
      if (this.stuck.stuck(co2)) out.faults = [fault('co2', 'stuck')];
      // IIO ABI: temperature in milli degrees Celsius, relative humidity in milli percent.
      const t = await readIioChannel(dir, 'in_temp', 'in_temp');
      if (t !== undefined) out.temperature = round(t / 1000, 2);
      const h = await readIioChannel(dir, 'in_humidityrelative', 'in_humidityrelative');
      if (h !== undefined) out.humidity = round(h / 1000, 2);
      return out;
    } catch (err) {
      this.dir = undefined;
      throw err;
    }
  }
}
