import type { Clock } from './clock.js';
import type { Logger } from './log.js';

/** The API's clock and ours disagree by more than this: correct our stamps (issue: a clock minutes fast). */
export const CORRECT_ABOVE_MS = 60_000;
/** ... and stop correcting once they agree within this again (NTP fixed the board). */
export const UNCORRECT_BELOW_MS = 30_000;

export interface ClockState {
  /** Added to the wall clock: measured from the API's Date header (0 = none). */
  correctionMs: number;
  /** Stamps are running on the monotonic clock after the wall clock stepped back. */
  absorbing: boolean;
  /** How many backward steps were absorbed, and corrections applied, since start. */
  stepsBack: number;
  corrections: number;
}

/**
 * The time a sample is stamped with. Stamps never go backwards: when the
 * wall clock steps back, stamps go on from the monotonic clock at half speed
 * until the wall clock catches up (so a flame taken during the step is not
 * older than what the API already evaluated, and the gap closes in twice the
 * step); a forward step is taken as it is (re-anchors at once). The API's
 * Date header is a second source: when it and the board disagree by more
 * than a minute, stamps are corrected by the measured offset.
 */
export class Stamper {
  private lastStamp = -Infinity;
  private lastMono = 0;
  readonly state: ClockState = { correctionMs: 0, absorbing: false, stepsBack: 0, corrections: 0 };

  constructor(private readonly clock: Clock, private readonly log: Logger) {}

  /** The wall clock with the correction applied. */
  wall(): number {
    return this.clock.wallMs() + this.state.correctionMs;
  }

  /** The wall clock can be used: the system says so, or the API's clock corrected it. */
  trusted(): boolean {
    return this.clock.isWallTrusted() || this.state.correctionMs !== 0;
  }

  /** A stamp for a sample taken now (call only when trusted()). */
  stamp(): number {
    const mono = this.clock.monoMs();
    const wall = this.wall();
    let ts = wall;
    if (Number.isFinite(this.lastStamp)) {
      const elapsed = Math.max(0, mono - this.lastMono);
      const floor = this.lastStamp + Math.max(1, elapsed / 2);
      if (wall < floor) {
        // Below a second: two samples in one millisecond, or NTP slewing; more is a step back.
        if (!this.state.absorbing && floor - wall > 1_000) {
          this.state.absorbing = true;
          this.state.stepsBack++;
          this.log.warn('clock: the wall clock stepped back; stamps go on from the monotonic clock until it catches up', {
            stepMs: Math.round(this.lastStamp + elapsed - wall),
          });
        }
        ts = floor;
      } else if (this.state.absorbing) {
        this.state.absorbing = false;
        this.log.info('clock: the wall clock caught up; stamps follow it again');
      }
    }
    ts = Math.round(ts);
    if (ts <= this.lastStamp) ts = Math.floor(this.lastStamp) + 1;
    this.lastStamp = ts;
    this.lastMono = mono;
    return ts;
  }

  /**
   * The API answered with a Date header: `serverMs` (1 s resolution, so its
   * middle) against our wall clock at the middle of the exchange. Returns
   * true when the correction changed.
   */
  observeServer(serverMs: number, localMidMs: number): boolean {
    const offset = serverMs + 500 - localMidMs;
    const cur = this.state.correctionMs;
    let next = cur;
    if (cur === 0) {
      if (Math.abs(offset) > CORRECT_ABOVE_MS) next = Math.round(offset);
    } else if (Math.abs(offset) < UNCORRECT_BELOW_MS) {
      next = 0;
    } else if (Math.abs(offset - cur) > 5_000) {
      next = Math.round(offset);
    }
    if (next === cur) return false;
    this.state.correctionMs = next;
    this.state.corrections++;
    // A deliberate correction may step back: the floor starts again from it.
    if (next < cur) this.lastStamp = -Infinity;
    if (next !== 0) {
      this.log.warn("clock: the board's clock disagrees with the API's; stamps corrected by the measured offset (fault agent:clock until NTP fixes it)", {
        offsetMs: next, previousMs: cur,
      });
    } else {
      this.log.info("clock: the board's clock agrees with the API's again; correction removed", { previousMs: cur });
    }
    return true;
  }
}
