import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { GPIO_ROOT, resolveGpio } from './gpio.js';
import { readOptionalText, readText, writeText } from './sysfs.js';
import type { Field, Measurements, Sensor } from './types.js';

export interface FlameOptions {
  name: string;
  pin: number | string;
  /** Most modules pull their output LOW when they see a flame. */
  activeLow: boolean;
  /** The input is polled this often between samples, and a flame is latched until the next sample. */
  pollMs: number;
  gpioRoot: string;
  log: Logger;
}

export const DEFAULT_FLAME = { activeLow: true, pollMs: 250, gpioRoot: GPIO_ROOT };

/**
 * A digital flame module on a GPIO through sysfs. The pin is exported and set
 * as an input if needed. Between samples it is polled every `pollMs`: a flame
 * seen even briefly is reported by the next sample, and the first sight of
 * one asks for a sample at once (so the alert does not wait for the timer).
 */
export class FlameSensor implements Sensor {
  readonly name: string;
  readonly fields: readonly Field[] = ['flame'];
  private valuePath: string | undefined;
  private latched = false;
  private last: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private clearAsked = false;

  constructor(private readonly o: FlameOptions) {
    this.name = o.name;
  }

  private async setup(): Promise<string> {
    if (this.valuePath) return this.valuePath;
    const n = await resolveGpio(this.o.pin, this.o.gpioRoot);
    const dir = join(this.o.gpioRoot, `gpio${n}`);
    if (!existsSync(dir)) {
      try {
        await writeText(join(this.o.gpioRoot, 'export'), String(n));
      } catch (err) {
        // EBUSY: exported meanwhile (or claimed by a driver); the checks below tell which.
        if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
      }
    }
    // udev sets the group permissions just after the export: give it a moment.
    let lastErr: unknown;
    for (let i = 0; i < 20; i++) {
      try {
        const dirNow = await readOptionalText(join(dir, 'direction'));
        if (dirNow === undefined) throw new Error(`${dir}: not exported`);
        if (dirNow !== 'in') await writeText(join(dir, 'direction'), 'in');
        await readText(join(dir, 'value'));
        this.valuePath = join(dir, 'value');
        this.o.log.info('flame: input ready', { sensor: this.name, gpio: n, activeLow: this.o.activeLow });
        return this.valuePath;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw lastErr;
  }

  private async readNow(): Promise<boolean> {
    const path = await this.setup();
    let v: string;
    try {
      v = await readText(path);
    } catch (err) {
      this.valuePath = undefined; // unexported behind our back: set up again
      throw err;
    }
    if (v !== '0' && v !== '1') throw new Error(`${path}: unexpected value ${JSON.stringify(v)}`);
    return this.o.activeLow ? v === '0' : v === '1';
  }

  start(alarm: () => void): void {
    if (this.timer || this.o.pollMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      this.readNow()
        .then((flame) => {
          if (flame) {
            if (!this.latched && this.last !== true) alarm(); // a new flame: sample now
            this.latched = true;
          } else if (this.last === true && !this.latched && !this.clearAsked) {
            this.clearAsked = true;
            alarm(); // the flame is gone: say so quickly too
          }
        })
        .catch(() => undefined) // read() reports errors at sample time
        .finally(() => {
          this.polling = false;
        });
    }, this.o.pollMs);
  }

  async read(): Promise<Measurements> {
    const now = await this.readNow();
    const flame = now || this.latched;
    this.latched = false;
    this.last = flame;
    this.clearAsked = false;
    return { flame };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
