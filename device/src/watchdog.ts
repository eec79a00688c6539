import type { Logger } from './log.js';

/**
 * An internal stall check. Each loop says when it expects to be heard from
 * next (`expect(name, withinMs)`); a timer checks the deadlines, and when
 * one has passed the process exits non-zero, so systemd (Restart=always)
 * starts a fresh agent. The queue is synchronous and append-only, so an exit
 * at any point loses nothing that was taken.
 */
export class Watchdog {
  private readonly deadlines = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private lastCheck: number | undefined;

  constructor(
    private readonly log: Logger,
    private readonly mono: () => number,
    private readonly onStall: (name: string) => void,
    private readonly checkEveryMs = 5_000,
    /** A check that comes this much later than planned means the event loop itself was blocked. */
    private readonly maxLagMs = Infinity,
  ) {}

  expect(name: string, withinMs: number): void {
    this.deadlines.set(name, this.mono() + withinMs);
  }

  forget(name: string): void {
    this.deadlines.delete(name);
  }

  start(): void {
    this.lastCheck = this.mono();
    this.timer ??= setInterval(() => this.check(), this.checkEveryMs);
  }

  check(): void {
    const now = this.mono();
    const lag = this.lastCheck === undefined ? 0 : now - this.lastCheck - this.checkEveryMs;
    this.lastCheck = now;
    if (lag > this.maxLagMs) {
      this.log.error('watchdog: the event loop was blocked; exiting so that systemd restarts the agent', { lagMs: Math.round(lag) });
      this.stop();
      this.onStall('event-loop');
      return;
    }
    for (const [name, deadline] of this.deadlines) {
      if (now > deadline) {
        this.log.error('watchdog: a loop stalled; exiting so that systemd restarts the agent', { loop: name, lateMs: Math.round(now - deadline) });
        this.stop();
        this.onStall(name);
        return;
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
