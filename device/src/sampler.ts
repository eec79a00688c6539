import { INITIAL_URGENCY, isAlarming, judgeUpload, type Urgency, type UrgencyState } from '../../src/domain/alerts/upload-urgency.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/domain/thresholds.js';
import type { BootAnchors, Clock } from './clock.js';
import { errText, type Logger } from './log.js';
import type { DurableQueue } from './queue/queue.js';
import type { StoredSample } from './record.js';
import { RANGES, type Field, type Measurements, type Sensor, type SensorReading } from './sensors/types.js';
import { Stamper } from './stamp.js';
import { SampleStore } from './store.js';
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
  /** Called after an urgent sample (it would raise, escalate or resolve an alert) was synced: upload now. */
  onUrgent: () => void;
  /** Called after a sample taken while a life-safety condition is present or near was synced: upload it too. */
  onFast?: () => void;
  store?: SampleStore;
  stamper?: Stamper;
  /** The thresholds of the last policy (the same rules as the server's decide what is urgent). */
  thresholds?: () => Thresholds;
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
  readonly store: SampleStore;
  readonly stamper: Stamper;
  private urgency: UrgencyState = INITIAL_URGENCY;
  /** Faults of the last sample, by sensor (for `status`). */
  readonly faultsBySensor: Record<string, string[]> = {};
  lastUrgency: Urgency = 'interval';
  taken = 0;
  empty = 0;

  constructor(private readonly d: SamplerDeps) {
    for (const s of d.sensors) this.state.set(s.sensor, { failures: 0, inFlight: false });
    this.store = d.store ?? new SampleStore(d.queue, d.log);
    this.stamper = d.stamper ?? new Stamper(d.clock, d.log);
  }

  async sample(reason: 'timer' | 'alarm' = 'timer'): Promise<StoredSample | null> {
    const { log, clock } = this.d;
    const results = await Promise.all(this.d.sensors.map((s) => this.readOne(s, reason)));
    const m: Measurements = {};
    const faults = new Set<string>();
    for (let i = 0; i < results.length; i++) {
      const got = results[i];
      const s = this.d.sensors[i]!;
      const own: string[] = [];
      if (!got) {
        // The read failed or timed out: every field this sensor gives is disconnected.
        for (const f of s.fields ?? s.sensor.fields ?? []) own.push(`${f}:disconnected`);
      } else {
        for (const f of got.faults ?? []) if (!s.fields || s.fields.includes(f.split(':')[0] as Field)) own.push(f);
      }
      for (const [k, v] of Object.entries(got ?? {}) as [Field | 'faults', unknown][]) {
        if (k === 'faults') continue;
        if (s.fields && !s.fields.includes(k)) continue;
        if (!acceptable(k, v)) {
          log.warn('sensor value out of the valid range, left out of the sample', { sensor: s.sensor.name, field: k, value: v });
          own.push(`${k}:out_of_range`);
          continue;
        }
        if (k === 'flame') m.flame = (m.flame ?? false) || (v as boolean);
        else if (k === 'smoke') m.smoke = Math.max(m.smoke ?? 0, v as number);
        else if (m[k] === undefined) m[k] = v as number;
      }
      this.faultsBySensor[s.sensor.name] = own;
      for (const f of own) faults.add(f);
    }
    // A field some sensor measured is not faulty because another one failed to give it.
    for (const f of [...faults]) if (m[f.split(':')[0] as Field] !== undefined && f.endsWith(':disconnected')) faults.delete(f);
    const store = this.store;
    if (store.diskFull) faults.add('agent:disk_full');
    if (store.queueFullSeen) faults.add('agent:queue_full');
    store.queueFullSeen = false;
    const clockState = this.stamper.state;
    if (clockState.absorbing || clockState.correctionMs !== 0) faults.add('agent:clock');
    if (Object.keys(m).length === 0 && faults.size === 0) {
      this.empty++;
      log.warn('sample has no measurement at all: not queued', { reason });
      return null;
    }
    const f = [...faults].sort().slice(0, 10);
    const mono = clock.monoMs();
    const boot = clock.bootId();
    const trusted = this.stamper.trusted();
    const ts = trusted ? this.stamper.stamp() : undefined;
    const c = clockState.correctionMs;
    const sample: StoredSample =
      ts !== undefined
        ? { id: this.d.ulid.next(ts), ts, ...(c ? { c } : {}), m }
        : { id: this.d.ulid.next(clock.wallMs()), mono: Math.round(mono * 1000) / 1000, boot, m };
    if (f.length) sample.f = f;
    if (ts !== undefined) this.d.anchors.note(boot, this.stamper.wall() - mono, ts);
    const thresholds = this.d.thresholds?.() ?? DEFAULT_THRESHOLDS;
    const decision = judgeUpload(this.urgency, { ts: mono, ...m, faults: f }, thresholds);
    this.urgency = decision.state;
    const where = store.add(sample, decision.urgency !== 'interval' || isAlarming(m, thresholds));
    if (where === 'dropped') return null;
    this.taken++;
    log.debug('sampled', { id: sample.id, seq: where === 'disk' ? this.d.queue.stats().nextSeq - 1 : undefined, ...(trusted ? {} : { held: true }), ...(where === 'memory' ? { inMemory: true } : {}), reason, m, ...(f.length ? { faults: f } : {}) });
    const was = this.lastUrgency;
    this.lastUrgency = decision.urgency;
    if (decision.urgency === 'now') {
      this.syncQuietly();
      log.warn(m.flame ? 'FLAME detected: sample synced and uploaded now' : 'alert change: sample synced and uploaded now', { id: sample.id, reasons: decision.reasons });
      this.d.onUrgent();
    } else if (decision.urgency === 'fast') {
      this.syncQuietly();
      if (was !== 'fast') log.warn('life-safety condition present or near: uploading every sample', { id: sample.id, reasons: decision.reasons });
      this.d.onFast?.();
    } else if (was === 'fast') {
      log.info('below the clear levels: back to the upload interval', { id: sample.id });
    }
    return sample;
  }

  private syncQuietly(): void {
    try {
      this.store.sync();
    } catch (err) {
      this.d.log.error('queue: fsync failed', { error: errText(err) });
    }
  }

  private async readOne(s: SamplerSensor, reason: string): Promise<SensorReading | undefined> {
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

function acceptable(k: Field | 'faults', v: unknown): boolean {
  if (k === 'faults') return false;
  if (k === 'flame') return typeof v === 'boolean';
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  const range = RANGES[k];
  return range !== undefined && v >= range[0] && v <= range[1];
}
