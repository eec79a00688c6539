import type { Clock } from '../clock.js';
import type { SensorConfig } from '../config.js';
import type { Logger } from '../log.js';
import { AdcSensor } from './adc.js';
import { FlameSensor } from './flame.js';
import { IioCo2Sensor } from './iio-co2.js';
import { Mhz19bSensor, openSerialPort } from './mhz19b.js';
import { SimulatedSensor } from './simulated.js';
import type { Sensor } from './types.js';

/** Builds the drivers the config lists. */
export function createSensor(c: SensorConfig, clock: Clock, log: Logger): Sensor {
  switch (c.type) {
    case 'simulated':
      return new SimulatedSensor({ name: c.name, scenario: c.scenario, startAfterMs: c.startAfterMs, speed: c.speed, seed: c.seed, clock });
    case 'adc':
      return new AdcSensor({
        name: c.name, channel: c.channel, converter: c.converter, divider: c.divider, fullScaleMv: c.fullScaleMv,
        samples: c.samples, iioNames: c.iioNames, iioRoot: c.iioRoot, log, monoMs: () => clock.monoMs(),
      });
    case 'scd30':
    case 'scd4x':
    case 'iio-co2':
      return new IioCo2Sensor({ name: c.name, iioNames: c.iioNames, iioRoot: c.iioRoot, co2PpmPerUnit: c.co2PpmPerUnit });
    case 'mhz19b':
      return new Mhz19bSensor({
        name: c.name, open: () => openSerialPort(c.port), clock, log, warmupMs: c.warmupMs, timeoutMs: c.answerTimeoutMs,
      });
    case 'flame':
      return new FlameSensor({ name: c.name, pin: c.pin, activeLow: c.activeLow, pollMs: c.pollMs, gpioRoot: c.gpioRoot, log });
  }
}
