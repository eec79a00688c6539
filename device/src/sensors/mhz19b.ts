import { execFile } from 'node:child_process';
import { closeSync, constants, openSync, write } from 'node:fs';
import { Duplex } from 'node:stream';
import { ReadStream } from 'node:tty';
import { promisify } from 'node:util';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { fault, StuckDetector, type Field, type Sensor, type SensorReading } from './types.js';

/** "Read CO2 concentration" (command 0x86 to sensor 0x01). */
export const READ_CO2 = Buffer.from([0xff, 0x01, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x79]);

/** 0xFF - (byte1 + ... + byte7) + 1, modulo 256. */
export function checksum(frame: Uint8Array): number {
  let sum = 0;
  for (let i = 1; i <= 7; i++) sum += frame[i]!;
  return (0xff - (sum & 0xff) + 1) & 0xff;
}

/**
 * Finds a valid answer frame (FF 86 .. .. .. .. .. .. CS) in `buf`.
 * Returns the ppm and how many bytes to drop, or how many bytes of garbage
 * to drop while waiting for more.
 */
export function parseAnswer(buf: Buffer): { ppm?: number; consumed: number; badChecksums: number } {
  let i = 0;
  let bad = 0;
  while (i < buf.length) {
    if (buf[i] !== 0xff) {
      i++;
      continue;
    }
    if (i + 1 >= buf.length) break; // a lone FF at the end: wait for the next byte
    if (buf[i + 1] !== 0x86) {
      i++;
      continue;
    }
    if (i + 9 > buf.length) break; // a frame start: wait for the rest
    const frame = buf.subarray(i, i + 9);
    if (checksum(frame) === frame[8]) {
      return { ppm: frame[2]! * 256 + frame[3]!, consumed: i + 9, badChecksums: bad };
    }
    bad++;
    i++; // resynchronise: the real frame may start inside this one
  }
  return { consumed: i, badChecksums: bad };
}

export interface Mhz19bOptions {
  name: string;
  /** Opens the serial link (production: the UART through `openSerialPort`; tests: any duplex stream). */
  open: () => Promise<Duplex>;
  clock: Clock;
  log: Logger;
  /** The sensor gives no usable value for this long after power-on (counted from boot). */
  warmupMs: number;
  /** How long to wait for an answer. */
  timeoutMs: number;
  /** The same ppm this many answers in a row is `co2:stuck` (it always moves by a few ppm); 0 = never. */
  stuckAfter?: number;
}

export const DEFAULT_MHZ19B = { warmupMs: 180_000, timeoutMs: 2_000 };

/** Winsen MH-Z19B on a UART, 9600 8N1, polled with the 0x86 command. */
export class Mhz19bSensor implements Sensor {
  readonly name: string;
  readonly fields: readonly Field[] = ['co2'];
  private readonly stuck: StuckDetector;
  private port: Duplex | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failures = 0;
  private warmLogged = false;
  private portError: Error | undefined;

  constructor(private readonly o: Mhz19bOptions) {
    this.name = o.name;
    this.stuck = new StuckDetector(o.stuckAfter ?? 60);
  }

  private async ensurePort(): Promise<Duplex> {
    if (this.port && !this.port.destroyed && !this.portError) return this.port;
    this.closePort();
    const port = await this.o.open();
    this.port = port;
    this.portError = undefined;
    this.rx = Buffer.alloc(0);
    port.on('data', (chunk: Buffer) => {
      // Keep the buffer small: a babbling line must not grow memory.
      this.rx = this.rx.length > 256 ? Buffer.from(chunk) : Buffer.concat([this.rx, chunk]);
      this.waiter?.();
    });
    port.on('error', (err: Error) => {
      this.portError = err;
      this.waiter?.();
    });
    port.on('close', () => {
      this.portError ??= new Error('serial port closed');
      this.waiter?.();
    });
    return port;
  }

  private closePort(): void {
    const p = this.port;
    this.port = undefined;
    if (p && !p.destroyed) p.destroy();
  }

  async read(): Promise<SensorReading> {
    if (this.o.clock.monoMs() < this.o.warmupMs) {
      if (!this.warmLogged) {
        this.warmLogged = true;
        this.o.log.info('mhz19b: warming up, CO2 left out until then', {
          sensor: this.name, remainingS: Math.round((this.o.warmupMs - this.o.clock.monoMs()) / 1000),
        });
      }
      return { faults: [fault('co2', 'warming_up')] };
    }
    const port = await this.ensurePort();
    this.rx = Buffer.alloc(0); // stale bytes from an earlier, late answer
    await new Promise<void>((resolve, reject) => port.write(READ_CO2, (err) => (err ? reject(err) : resolve())));
    const deadline = Date.now() + this.o.timeoutMs;
    let badTotal = 0;
    for (;;) {
      if (this.portError) {
        const e = this.portError;
        this.closePort();
        throw e;
      }
      const r = parseAnswer(this.rx);
      badTotal += r.badChecksums;
      this.rx = this.rx.subarray(r.consumed);
      if (r.ppm !== undefined) {
        this.failures = 0;
        // 0 ppm is not a reading (a sensor that lost its calibration answers it, or 5000+ when saturated).
        if (r.ppm === 0) return { faults: [fault('co2', 'calibration')] };
        return this.stuck.stuck(r.ppm) ? { co2: r.ppm, faults: [fault('co2', 'stuck')] } : { co2: r.ppm };
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiter = done;
      });
      this.waiter = undefined;
    }
    this.failures++;
    if (this.failures >= 3) this.closePort(); // reopen (and re-run stty) after repeated silence
    throw new Error(`mhz19b: no valid answer within ${this.o.timeoutMs} ms${badTotal ? ` (${badTotal} bad checksum(s))` : ''}`);
  }

  close(): void {
    this.closePort();
  }
}

const execFileP = promisify(execFile);

/**
 * Opens a UART for the MH-Z19B: `stty` sets 9600 8N1 raw, then the tty is
 * read through Node's tty stream (event driven, no thread blocked in read)
 * and written with plain writes on a second descriptor.
 */
export async function openSerialPort(path: string, baud = 9600): Promise<Duplex> {
  await execFileP('stty', ['-F', path, String(baud), 'cs8', '-cstopb', '-parenb', 'raw', '-echo', '-ixon', '-ixoff', '-crtscts', 'clocal'], {
    timeout: 5_000,
  });
  const rfd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY);
  let wfd: number;
  try {
    wfd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    closeSync(rfd);
    throw err;
  }
  const input = new ReadStream(rfd);
  let closed = false;
  const duplex = new Duplex({
    read() {
      input.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      write(wfd, chunk, (err) => cb(err ?? null));
    },
    destroy(err, cb) {
      if (!closed) {
        closed = true;
        input.destroy();
        try {
          closeSync(wfd);
        } catch {
          /* already closed */
        }
      }
      cb(err);
    },
  });
  input.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) input.pause();
  });
  input.on('error', (err) => duplex.destroy(err));
  input.on('close', () => {
    if (!closed) duplex.destroy(new Error('serial port closed'));
  });
  return duplex;
}
