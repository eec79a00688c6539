import type { Clock } from '../../src/clock.js';

export const Y2000 = Date.parse('2000-01-01T00:00:00Z');

/** A clock the test drives: wall and monotonic time move together unless the wall clock jumps. */
export class FakeClock implements Clock {
  boot = 'boot-a';
  constructor(
    public wall: number,
    public mono = 100_000,
    public minValid = Date.parse('2025-01-01T00:00:00Z'),
  ) {}
  wallMs(): number {
    return this.wall;
  }
  monoMs(): number {
    return this.mono;
  }
  bootId(): string {
    return this.boot;
  }
  isWallTrusted(): boolean {
    return this.wall >= this.minValid;
  }
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  /** NTP sync: the wall clock jumps, the monotonic one does not. */
  setWall(ms: number): void {
    this.wall = ms;
  }
  /** A reboot: new boot id, monotonic time starts again near zero, wall clock back to 2000. */
  reboot(): void {
    this.boot = `boot-${Math.random().toString(36).slice(2)}`;
    this.mono = 5_000;
    this.wall = Y2000;
  }
}
