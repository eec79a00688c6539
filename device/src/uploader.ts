import { dateSample, type BootAnchors, type Clock } from './clock.js';
import { parseRetryAfter, type HttpResponse, type PostFn } from './http.js';
import { errText, type Logger } from './log.js';
import { isTombstone, type DurableQueue, type QueuedRecord } from './queue/queue.js';
import { decodeSample, type StoredSample } from './record.js';
import { Stamper } from './stamp.js';
import { SampleStore } from './store.js';
import { parsePolicy, type Policy } from './policy.js';
import { quietAlignment, quietCut, waitsForNextPost, type QuietAlignment, type QuietCut } from './upload-schedule.js';

export interface UploaderOptions {
  deviceId: string;
  deviceKey: string;
  batchSize: number;
  maxBodyBytes: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  authRetryMs: number;
  maxRetryAfterMs: number;
}

export interface UploaderDeps {
  queue: DurableQueue;
  clock: Clock;
  anchors: BootAnchors;
  log: Logger;
  post: PostFn;
  /** [0, 1); injectable for tests. */
  random?: () => number;
  /** Tells the watchdog when the uploader expects to be heard from again (the watchdog adds its margin). */
  expect?: (withinMs: number) => void;
  /** Where samples are (the queue on disk and, while the disk is full, memory); default: the queue alone. */
  store?: SampleStore;
  /** Stamps and clock correction; default: the clock as it is. */
  stamper?: Stamper;
  /** How long to wait between posts while nothing is urgent (default: 60 s). */
  intervalMs?: () => number;
  /** The policy's `uploadPhaseSeconds`: quiet posts go at its instants (upload-schedule.ts); undefined: every interval after the last post. */
  phaseSeconds?: () => number | undefined;
  /** Called before each plan (the agent fsyncs the queue there: only synced records are sent). */
  flush?: () => void;
  /** The ingest answer carried a policy. */
  onPolicy?: (p: Policy) => void;
}

/** How a wait may be cut short: by any new data, only by an urgent sample, or by nothing but stop(). */
type WaitKind = 'idle' | 'transient' | 'firm';
/** `--drain` gives up after this many failed uploads in a row (with the backoff between them). */
export const DRAIN_MAX_FAILURES = 5;

interface Step {
  waitMs: number;
  kind: WaitKind;
}

interface Planned {
  s: StoredSample;
  ts: number;
  /** The clock correction `ts` includes. */
  c: number;
  seq?: number;
}

interface Plan {
  body: string;
  ids: string[];
  readings: Planned[];
  /** How many of `readings` come from memory (the last ones). */
  fromMemory: number;
  last: QueuedRecord | undefined;
  dropped: { id?: string; why: string }[];
  hold: number;
  bodyBytes: number;
  /** `kicks` when planned: a plan that finds nothing to send serves the kicks up to it. */
  kicksAt: number;
}

export interface UploaderStats {
  posts: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  undatable: number;
  corrupt: number;
  redated: number;
  failures: number;
  state: string;
  /** The last answer: time (ms), status or network error, readings sent. */
  last?: { at: number; result: string; count: number; firstSeq?: number; lastSeq?: number };
}

const IDLE_MS = 60_000;
const HOLD_RECHECK_MS = 1_000;
const HOLD_RELOG_MS = 10 * 60_000;

/**
 * Sends the queue to POST /v1/readings, oldest first, and acknowledges
 * records once the server answered 2xx (accepted, duplicates and rejected
 * alike). Each reading carries the ULID it got when sampled, so any resend
 * is a harmless duplicate.
 *
 *  - network errors, timeouts, 5xx: exponential backoff with full jitter;
 *  - 429 and 503: Retry-After when given, else the same backoff;
 *  - 200 with rejected[]: those readings are dropped and logged with the reason;
 *  - 400 on the envelope: loud log, the batch is split to isolate the cause;
 *    a single reading still refused is retried with backoff (never dropped:
 *    a server bug must not eat the backlog) while sampling goes on;
 *  - 413: the batch is split;
 *  - 401/403: uploads pause (loud log) and are retried every authRetryMs.
 */
export class Uploader {
  private limit: number;
  private bodyLimit: number;
  private attempt = 0;
  private stopping = false;
  private wake: ((urgent: boolean) => void) | undefined;
  private waitKind: WaitKind = 'idle';
  private pendingKick = false;
  private pendingUrgent = false;
  private loopDone: Promise<void> | undefined;
  private holding = false;
  private holdSince = 0;
  private holdLoggedAt = 0;
  private inFlight: Promise<unknown> | undefined;
  /**
   * Kicks (an urgent or fast sample) counted, and those served: while one is
   * not, posts send everything at once, as without a phase, until a plan finds
   * nothing left (so an urgent reading behind a full batch, or retried after a
   * failed post, never waits for an instant). Starts unserved: what a restart
   * finds queued goes at once (it may hold an alarm).
   */
  private kicks = 1;
  private servedKicks = 0;
  private draining = false;
  readonly stats: UploaderStats = { posts: 0, accepted: 0, duplicates: 0, rejected: 0, undatable: 0, corrupt: 0, redated: 0, failures: 0, state: 'idle' };
  readonly store: SampleStore;
  readonly stamper: Stamper;

  constructor(private readonly o: UploaderOptions, private readonly d: UploaderDeps) {
    this.limit = o.batchSize;
    this.bodyLimit = o.maxBodyBytes;
    this.store = d.store ?? new SampleStore(d.queue, d.log);
    this.stamper = d.stamper ?? new Stamper(d.clock, d.log);
  }

  private idleMs(): number {
    return this.d.intervalMs?.() ?? IDLE_MS;
  }

  /** The quiet posts' instants, when the policy gives a phase and the clock can place them (not while draining). */
  private alignment(): QuietAlignment | undefined {
    if (this.draining || !this.stamper.trusted()) return undefined;
    return quietAlignment(this.idleMs(), this.d.phaseSeconds?.());
  }

  /** The wait before the next quiet post: to its instant when aligned, else the interval. */
  private quietWaitMs(): number {
    const a = this.alignment();
    if (!a) return this.idleMs();
    return Math.max(1, Math.ceil(quietCut(a, this.stamper.wall()).nextPostMs - this.stamper.wall()));
  }

  private get log(): Logger {
    return this.d.log;
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** New synced data (urgent: a flame changed state; it also cuts a network backoff short). */
  kick(urgent = false): void {
    this.kicks++;
    if (this.wake && (this.waitKind === 'idle' || (urgent && this.waitKind === 'transient'))) {
      this.wake(urgent);
    } else {
      this.pendingKick = true;
      this.pendingUrgent ||= urgent;
    }
  }

  /** Stops after the request in flight (waiting at most graceMs for it). */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    this.wake?.(false);
    if (this.inFlight) {
      await Promise.race([this.inFlight.catch(() => undefined), new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    await Promise.race([this.loopDone, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /**
   * Uploads until what can be sent is sent (or stop()): returns how many
   * readings are left, held ones (clock not trusted yet) included. Held
   * readings are reported, not waited for.
   */
  async drain(): Promise<number> {
    this.draining = true;
    let failures = 0;
    while (!this.stopping) {
      this.d.flush?.();
      const before = this.store.pending;
      if (before === 0) return 0;
      const step = await this.step();
      if (this.stats.state === 'holding') return this.store.pending;
      // An API that stays unreachable (or keeps refusing) ends the drain: what is left stays queued.
      failures = step.kind !== 'idle' && this.store.pending >= before ? failures + 1 : 0;
      if (failures >= DRAIN_MAX_FAILURES) return this.store.pending;
      if (step.waitMs > 0 && !this.stopping) await this.sleep(step.waitMs, step.kind);
    }
    return this.store.pending;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let step: Step;
      try {
        step = await this.step();
      } catch (err) {
        // A bug or a disk error: log, wait, go on (never let the loop die silently).
        this.log.error('uploader: unexpected error', { error: errText(err) });
        step = { waitMs: this.o.backoffMaxMs, kind: 'transient' };
      }
      if (this.stopping) break;
      if (step.waitMs > 0) await this.sleep(step.waitMs, step.kind);
    }
  }

  private sleep(ms: number, kind: WaitKind): Promise<void> {
    if (this.pendingKick && (kind === 'idle' || (this.pendingUrgent && kind === 'transient'))) {
      this.pendingKick = false;
      this.pendingUrgent = false;
      return Promise.resolve();
    }
    this.d.expect?.(ms);
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waitKind = kind;
      this.wake = done;
    });
  }

  private backoff(): number {
    const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const r = this.d.random ? this.d.random() : Math.random();
    return Math.max(1, Math.floor(r * cap)); // full jitter
  }

  /** What can be sent now; with `quiet`, the readings stamped in the interval now open wait for the next post. */
  private plan(quiet?: { a: QuietAlignment; cut: QuietCut }): Plan {
    const { clock, queue, anchors } = this.d;
    const kicksAt = this.kicks;
    const recs = queue.peek(this.limit, this.bodyLimit);
    const corr = this.stamper.state.correctionMs;
    const now = { trusted: this.stamper.trusted(), wall: this.stamper.wall(), mono: clock.monoMs(), boot: clock.bootId() };
    const head = `{"deviceId":${JSON.stringify(this.o.deviceId)},"readings":[`;
    const parts: string[] = [];
    const ids: string[] = [];
    const readings: Planned[] = [];
    const dropped: Plan['dropped'] = [];
    let last: QueuedRecord | undefined;
    let bytes = head.length + 2;
    let hold = 0;
    let full = false;
    let cut = false;
    const waits = (ts: number): boolean => quiet !== undefined && waitsForNextPost(quiet.a, quiet.cut, ts);
    const add = (s: StoredSample, ts: number, c: number, seq?: number): boolean => {
      const faults = [...new Set([...(s.f ?? []), ...(c !== 0 ? ['agent:clock'] : [])])];
      const text = JSON.stringify({ id: s.id, ts: new Date(ts).toISOString(), ...s.m, ...(faults.length ? { faults } : {}) });
      const extra = text.length + (parts.length ? 1 : 0);
      if (parts.length > 0 && (bytes + extra > this.bodyLimit || parts.length >= this.limit)) return false;
      parts.push(text);
      ids.push(s.id);
      readings.push({ s, ts, c, seq });
      bytes += extra;
      return true;
    };
    for (const rec of recs) {
      if (isTombstone(rec.payload)) {
        last = rec; // thinned out of a full queue (counted then)
        continue;
      }
      const s = decodeSample(rec.payload);
      if (!s) {
        dropped.push({ why: 'corrupt' });
        last = rec;
        continue;
      }
      const d = dateSample(s, now, anchors);
      if (d.kind === 'hold') {
        hold = queue.pendingSynced - ids.length - dropped.length;
        break;
      }
      if (d.kind === 'undatable') {
        dropped.push({ id: s.id, why: 'undatable' });
        last = rec;
        continue;
      }
      if (waits(d.ts)) {
        cut = true; // acknowledged in order: what follows waits too
        break;
      }
      // Stamped: the correction it was stamped with; held: dated now, with today's correction.
      const c = typeof s.ts === 'number' ? (s.c ?? 0) : corr;
      if (!add(s, d.ts, c, rec.seq)) {
        full = true;
        break;
      }
      last = rec;
    }
    // While the disk is full, newer samples wait in memory: they follow what is on disk.
    let fromMemory = 0;
    const diskDone = !full && !cut && hold === 0 && (recs.length === 0 || recs[recs.length - 1]!.seq >= queue.stats().acked + queue.pendingSynced);
    if (diskDone) {
      for (const m of this.store.memory) {
        const d = dateSample(m.sample, now, anchors);
        if (d.kind !== 'dated' || waits(d.ts)) break;
        if (!add(m.sample, d.ts, typeof m.sample.ts === 'number' ? (m.sample.c ?? 0) : corr)) break;
        fromMemory++;
      }
    }
    return { body: head + parts.join(',') + ']}', ids, readings, fromMemory, last, dropped, hold, bodyBytes: bytes, kicksAt };
  }

  private async step(): Promise<Step> {
    this.stats.state = 'planning';
    this.d.flush?.();
    // Quiet (every kick served): only what was stamped before the instant of this post.
    const a = this.kicks === this.servedKicks ? this.alignment() : undefined;
    const plan = this.plan(a ? { a, cut: quietCut(a, this.stamper.wall()) } : undefined);
    if (plan.dropped.length > 0) this.reportDropped(plan.dropped);
    if (plan.ids.length === 0) {
      if (plan.last) {
        this.d.queue.ack(plan.last); // only dropped records: nothing to send
        return { waitMs: 0, kind: 'idle' };
      }
      if (plan.hold > 0) {
        const mono = this.d.clock.monoMs();
        if (!this.holding || mono - this.holdLoggedAt >= HOLD_RELOG_MS) {
          this.log.warn(
            this.holding
              ? 'clock still not trusted: readings are still held. Check `timedatectl`; a board without systemd-timesyncd needs clock.requireSync false'
              : 'clock not trusted yet (no NTP sync): holding readings until it is, they will get their real time then',
            { held: plan.hold, heldForS: this.holding ? Math.round((mono - this.holdSince) / 1000) : 0 },
          );
          if (!this.holding) this.holdSince = mono;
          this.holding = true;
          this.holdLoggedAt = mono;
        }
        this.stats.state = 'holding';
        return { waitMs: HOLD_RECHECK_MS, kind: 'idle' };
      }
      this.stats.state = 'idle';
      this.servedKicks = Math.max(this.servedKicks, plan.kicksAt); // nothing (more) to send: the kicks up to the plan are served
      return { waitMs: this.quietWaitMs(), kind: 'idle' };
    }
    if (this.holding) {
      this.holding = false;
      this.log.info('clock trusted: held readings dated and sent');
    }
    this.stats.state = 'sending';
    this.d.expect?.(this.o.timeoutMs);
    let res: HttpResponse;
    const sentAt = this.d.clock.wallMs();
    try {
      this.stats.posts++;
      const p = this.d.post('/v1/readings', plan.body, { authorization: `Bearer ${this.o.deviceKey}` });
      this.inFlight = p;
      res = await p;
    } catch (err) {
      this.stats.failures++;
      this.stats.last = { at: this.stamper.wall(), result: `network: ${errText(err)}`, count: plan.ids.length };
      const waitMs = this.backoff();
      this.log.warn('upload failed (network); will retry', { error: errText(err), batch: plan.ids.length, retryInMs: waitMs, attempt: this.attempt });
      this.stats.state = 'backoff';
      return { waitMs, kind: 'transient' };
    } finally {
      this.inFlight = undefined;
    }
    this.observeDate(res, sentAt);
    this.stats.last = { at: this.stamper.wall(), result: String(res.status), count: plan.ids.length, ...this.seqRange(plan) };
    return this.handle(res, plan);
  }

  private seqRange(plan: Plan): { firstSeq?: number; lastSeq?: number } {
    const seqs = plan.readings.map((r) => r.seq).filter((x): x is number => x !== undefined);
    return seqs.length ? { firstSeq: seqs[0], lastSeq: seqs[seqs.length - 1] } : {};
  }

  /** The API's Date header against our clock at the middle of the exchange. */
  private observeDate(res: HttpResponse, sentAt: number): void {
    const h = res.headers.date;
    const server = typeof h === 'string' ? Date.parse(h) : NaN;
    if (!Number.isFinite(server)) return;
    this.stamper.observeServer(server, (sentAt + this.d.clock.wallMs()) / 2);
  }

  private handle(res: HttpResponse, plan: Plan): Step {
    const n = plan.ids.length;
    const s = res.status;
    if (s >= 200 && s < 300) {
      let accepted = n;
      let duplicates = 0;
      let rejected: { index?: unknown; errors?: unknown }[] = [];
      try {
        const b = JSON.parse(res.body) as { accepted?: unknown; duplicates?: unknown; rejected?: unknown; policy?: unknown };
        if (typeof b.accepted === 'number') accepted = b.accepted;
        if (typeof b.duplicates === 'number') duplicates = b.duplicates;
        if (Array.isArray(b.rejected)) rejected = b.rejected as typeof rejected;
        if (b.policy !== undefined) {
          const policy = parsePolicy(b.policy);
          if (policy) this.d.onPolicy?.(policy);
          else this.log.warn('upload: the policy in the answer is not understood; the last one stays', { policy: b.policy });
        }
      } catch {
        this.log.warn('upload: 2xx answer that is not JSON; batch taken as stored', { status: s });
      }
      // Readings refused for their time (clock ahead) are re-dated with the corrected clock and queued again: never dropped.
      const redate: StoredSample[] = [];
      let dropped = 0;
      for (const r of rejected) {
        const idx = typeof r.index === 'number' ? r.index : -1;
        const p = plan.readings[idx];
        if (p && isAheadRejection(r.errors) && (p.s.r ?? 0) < MAX_REDATES) {
          const c = this.stamper.state.correctionMs;
          redate.push({ id: p.s.id, ts: Math.round(p.ts - p.c + c), c, r: (p.s.r ?? 0) + 1, m: p.s.m, f: p.s.f });
          continue;
        }
        dropped++;
        this.store.drop(p && isAheadRejection(r.errors) ? 'clock' : 'rejected');
        this.log.error('reading rejected by the server as invalid: dropped', { id: plan.ids[idx], index: idx, errors: r.errors });
      }
      for (const x of redate) this.store.add(x, true);
      if (redate.length) {
        this.stats.redated += redate.length;
        this.d.flush?.();
        this.log.warn('readings refused for their time: re-dated with the clock corrected from the API and queued again', {
          count: redate.length, correctionMs: this.stamper.state.correctionMs, ids: redate.slice(0, 10).map((x) => x.id),
        });
      }
      this.stats.accepted += accepted;
      this.stats.duplicates += duplicates;
      this.stats.rejected += dropped;
      if (plan.last) this.d.queue.ack(plan.last);
      if (plan.fromMemory > 0) this.store.acknowledgeMemory(new Set(plan.readings.slice(-plan.fromMemory).map((r) => r.s.id)));
      this.attempt = 0;
      this.limit = Math.min(this.o.batchSize, this.limit * 2);
      this.bodyLimit = Math.min(this.o.maxBodyBytes, this.bodyLimit * 2);
      // One line per post: any sample can be traced from the board's log (queue seq, id) to the API.
      const range = this.seqRange(plan);
      this.log.info('uploaded', {
        batch: n, ...range, firstId: plan.ids[0], lastId: plan.ids[n - 1], fromMemory: plan.fromMemory || undefined,
        accepted, duplicates, rejected: rejected.length, redated: redate.length || undefined, pending: this.store.pending,
      });
      this.stats.state = 'idle';
      return { waitMs: 0, kind: 'idle' };
    }
    this.stats.failures++;
    const detail = res.body.slice(0, 2000);
    if (s === 401 || s === 403) {
      this.log.error(
        `upload refused (${s}): the device key is wrong, revoked, or for another device. Uploads paused, sampling and queueing go on; retrying every ${Math.round(this.o.authRetryMs / 1000)} s (put the new key in the config and restart)`,
        { status: s, body: detail, pending: this.d.queue.pendingSynced },
      );
      this.stats.state = 'auth-refused';
      return { waitMs: this.o.authRetryMs, kind: 'firm' };
    }
    if (s === 429 || s === 503) {
      const ra = parseRetryAfter(res.headers['retry-after'], this.d.clock.wallMs());
      const waitMs = ra !== undefined ? Math.min(ra, this.o.maxRetryAfterMs) : this.backoff();
      this.log.warn('upload throttled; waiting', { status: s, retryAfterMs: ra, waitMs });
      this.stats.state = 'backoff';
      return { waitMs, kind: 'firm' };
    }
    if (s === 400 || s === 413) {
      if (n > 1) {
        this.limit = Math.max(1, Math.floor(n / 2));
        if (s === 413) this.bodyLimit = Math.max(1024, Math.floor(plan.bodyBytes / 2));
        this.log.error(`upload refused as a whole (${s}): splitting the batch to find the cause`, { status: s, batch: n, nextBatch: this.limit, body: detail });
        return { waitMs: this.o.backoffBaseMs, kind: 'firm' };
      }
      const waitMs = Math.max(this.backoff(), Math.min(this.o.backoffMaxMs, 30_000));
      this.log.error(`upload of a single reading refused as a whole (${s}): an agent/server mismatch? The reading is kept and retried; sampling goes on`, {
        status: s, id: plan.ids[0], body: detail, retryInMs: waitMs,
      });
      this.stats.state = 'backoff';
      return { waitMs, kind: 'firm' };
    }
    const waitMs = this.backoff();
    const level = s >= 500 || s === 408 ? 'warn' : 'error';
    this.log[level]('upload failed; will retry', { status: s, body: detail, retryInMs: waitMs, attempt: this.attempt });
    this.stats.state = 'backoff';
    return { waitMs, kind: s >= 500 || s === 408 ? 'transient' : 'firm' };
  }

  private reportDropped(dropped: Plan['dropped']): void {
    const undatable = dropped.filter((d) => d.why === 'undatable');
    const corrupt = dropped.length - undatable.length;
    this.store.drop('undatable', undatable.length);
    this.store.drop('corrupt', corrupt);
    if (undatable.length) {
      this.stats.undatable += undatable.length;
      this.log.error('readings taken before a reboot, while the clock was not synced, cannot be dated: dropped', {
        count: undatable.length, total: this.stats.undatable, ids: undatable.slice(0, 20).map((d) => d.id),
      });
    }
    if (corrupt) {
      this.stats.corrupt += corrupt;
      this.log.error('unreadable queue records dropped', { count: corrupt, total: this.stats.corrupt });
    }
  }
}

/** A reading re-dated this many times and still refused is given up (counted as a clock drop). */
export const MAX_REDATES = 5;

/** The API refused a reading for being ahead of its clock (contract: at most 5 minutes ahead). */
export function isAheadRejection(errors: unknown): boolean {
  return Array.isArray(errors) && errors.some((e) => {
    const x = e as { path?: unknown; message?: unknown };
    return x.path === 'ts' && typeof x.message === 'string' && /ahead/i.test(x.message);
  });
}
