import type { BootAnchors, Clock } from './clock.js';
import { errText, type Logger } from './log.js';
import type { DurableQueue } from './queue/queue.js';
import { encodeSample, type StoredSample } from './record.js';
import { RANGES, type Field, type Measurements, type Sensor } from './sensors/types.js';
import type { UlidFactory } from './ulid.js';

export interface SamplerSensor {
  sensor: Sensor;
  fields?: Field[];
  timeoutMs: number;
}

interface SensorState {
  failures: number;
  inFlight: boolean;
}

export interface SamplerDeps {
  sensors: SamplerSensor[];
  queue: DurableQueue;
  clock: Clock;
  anchors: BootAnchors;
  ulid: UlidFactory;
  log: Logger;
  /** Called after an urgent sample (a flame appeared or went away) was synced: upload now. */
  onUrgent: () => void;
}

/**
 * Takes one sample: reads every sensor at once (each with its own timeout),
 * merges what they measured, and appends it to the durable queue.
 *
 * Merging: temperature, humidity and co2 come from the first sensor (in
 * config order) that gives them; smoke is the highest and flame is true if
 * any flame sensor sees one (for safety the worst case wins). A value
 * outside the contract's range is left out and logged (it would make the
 * server reject the whole reading, flame included).
 */
export class Sampler {
  private readonly state = new Map<Sensor, SensorState>();
  private lastFlame: boolean | undefined;
  taken = 0;
  empty = 0;

  constructor(private readonly d: SamplerDeps) {
    for (const s of d.sensors) this.state.set(s.sensor, { failures: 0, inFlight: false });
  }

  async sample(reason: 'timer' | 'alarm' = 'timer'): Promise<StoredSample | null> {
    const { log, clock } = this.d;
    const results = await Promise.all(this.d.sensors.map((s) => this.readOne(s, reason)));
    const m: Measurements = {};
    for (let i = 0; i < results.length; i++) {
      const got = results[i];
      if (!got) continue;
      const s = this.d.sensors[i]!;
      for (const [k, v] of Object.entries(got) as [Field, unknown][]) {
        if (s.fields && !s.fields.includes(k)) continue;
        if (!acceptable(k, v)) {
          log.warn('sensor value out of the valid range, left out of the sample', { sensor: s.sensor.name, field: k, value: v });
          continue;
        }
        if (k === 'flame') m.flame = (m.flame ?? false) || (v as boolean);
        else if (k === 'smoke') m.smoke = Math.max(m.smoke ?? 0, v as number);
        else if (m[k] === undefined) m[k] = v as number;
      }
    }
    if (Object.keys(m).length === 0) {
      this.empty++;
      log.warn('sample has no measurement at all: not queued', { reason });
      return null;
    }
    const mono = clock.monoMs();
    const wall = clock.wallMs();
    const boot = clock.bootId();
    const trusted = clock.isWallTrusted();
    const sample: StoredSample = trusted
      ? { id: this.d.ulid.next(wall), ts: Math.round(wall), m }
      : { id: this.d.ulid.next(wall), mono: Math.round(mono * 1000) / 1000, boot, m };
    if (trusted) this.d.anchors.note(boot, wall - mono, wall);
    this.d.queue.append(encodeSample(sample));
    this.taken++;
    log.debug('sampled', { id: sample.id, ...(trusted ? {} : { held: true }), reason, m });
    const urgent = m.flame !== undefined && m.flame !== (this.lastFlame ?? false);
    if (m.flame !== undefined) this.lastFlame = m.flame;
    if (urgent) {
      log.warn(m.flame ? 'FLAME detected: sample synced and uploaded now' : 'flame gone', { id: sample.id });
      this.d.queue.sync();
      this.d.onUrgent();
    }
    return sample;
  }

  private async readOne(s: SamplerSensor, reason: string): Promise<Measurements | undefined> {
    const st = this.state.get(s.sensor)!;
    if (st.inFlight) {
      this.failed(s, st, new Error('previous read still running'));
      return undefined;
    }
    st.inFlight = true;
    let timer: NodeJS.Timeout | undefined;
    // A sample asked for by a flame input must not wait for a slow CO2 sensor.
    const timeoutMs = reason === 'alarm' ? Math.min(s.timeoutMs, 1_000) : s.timeoutMs;
    const read = s.sensor.read().finally(() => {
      st.inFlight = false;
    });
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`read timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const got = await Promise.race([read, timeout]);
      if (st.failures > 0) this.d.log.info('sensor reads again', { sensor: s.sensor.name, afterFailures: st.failures });
      st.failures = 0;
      return got;
    } catch (err) {
      read.catch(() => undefined);
      this.failed(s, st, err);
      return undefined;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private failed(s: SamplerSensor, st: SensorState, err: unknown): void {
    st.failures++;
    // Every failure of a short run is logged, then one in 60 (a dead sensor must not flood the journal).
    if (st.failures <= 3 || st.failures % 60 === 0) {
      this.d.log.warn('sensor read failed; its fields are left out of this sample, retried at the next', {
        sensor: s.sensor.name, consecutiveFailures: st.failures, error: errText(err),
      });
    }
  }
}

function acceptable(k: Field, v: unknown): boolean {
  if (k === 'flame') return typeof v === 'boolean';
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  const range = RANGES[k];
  return range !== undefined && v >= range[0] && v <= range[1];
}
