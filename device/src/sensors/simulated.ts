import type { Clock } from '../clock.js';
import { FIELDS, round, type Field, type Measurements, type Sensor } from './types.js';

export type Scenario = 'normal' | 'co2-rise' | 'fire';
export const SCENARIOS: readonly Scenario[] = ['normal', 'co2-rise', 'fire'];

export interface SimulatedOptions {
  name: string;
  scenario: Scenario;
  /** co2-rise and fire: when the event starts, after the sensor is created. */
  startAfterMs: number;
  /** Speeds the event up (demos): 2 = twice as fast. */
  speed: number;
  seed: number;
  clock: Clock;
}

export const DEFAULT_SIMULATED = { startAfterMs: 30_000, speed: 1, seed: 1 };

/**
 * A room that does not exist, for development and demos:
 *  - normal: an occupied room, CO2 450-800 ppm, 21 C, 40 %RH, a little smoke noise, no flame;
 *  - co2-rise: then CO2 climbs 400 ppm a minute up to 6000 (warning at 1000, critical at 5000);
 *  - fire: then heat rises 12 C a minute up to 120 C, smoke climbs to 0.8, CO2 rises, and a flame is seen.
 * Time is the clock's monotonic time, so a scenario does not care about the wall clock.
 */
export class SimulatedSensor implements Sensor {
  readonly name: string;
  readonly fields: readonly Field[] = FIELDS;
  private readonly t0: number;
  private state: number;

  constructor(private readonly o: SimulatedOptions) {
    this.name = o.name;
    this.t0 = o.clock.monoMs();
    this.state = o.seed >>> 0 || 1;
  }

  /** mulberry32: small, seedable. */
  private rand(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private noise(amplitude: number): number {
    return (this.rand() * 2 - 1) * amplitude;
  }

  async read(): Promise<Measurements> {
    const elapsed = this.o.clock.monoMs() - this.t0;
    const minutes = elapsed / 60_000;
    // Normal room: a slow breathing cycle (people coming and going).
    let co2 = 620 + 170 * Math.sin((2 * Math.PI * minutes) / 30) + this.noise(15);
    let temperature = 21 + 0.5 * Math.sin((2 * Math.PI * minutes) / 60) + this.noise(0.1);
    const humidity = 40 + 3 * Math.sin((2 * Math.PI * minutes) / 45) + this.noise(0.5);
    let smoke = 0.03 + this.noise(0.01);
    let flame = false;
    const eventMin = Math.max(0, ((elapsed - this.o.startAfterMs) / 60_000) * this.o.speed);
    const started = elapsed >= this.o.startAfterMs;
    if (this.o.scenario === 'co2-rise' && started) {
      co2 = Math.min(6000, co2 + 400 * eventMin);
    } else if (this.o.scenario === 'fire' && started) {
      temperature = Math.min(120, temperature + 12 * eventMin);
      smoke = Math.min(0.8, smoke + 0.2 * eventMin);
      co2 = Math.min(8000, co2 + 600 * eventMin);
      flame = true;
    }
    return {
      co2: Math.max(0, Math.round(co2)),
      temperature: round(temperature, 2),
      humidity: round(Math.min(100, Math.max(0, humidity)), 1),
      smoke: round(Math.min(1, Math.max(0, smoke)), 4),
      flame,
    };
  }
}
