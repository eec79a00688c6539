import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './fsutil.js';
import { errText, type Logger } from './log.js';

/**
 * Time, as the agent sees it. The BeagleBone Black has no battery-backed
 * clock: it boots at 2000-01-01 and jumps when NTP syncs. So every sample
 * records the monotonic time (CLOCK_MONOTONIC, shared by every process of
 * one boot) and the boot id; its wall-clock time is worked out once the
 * wall clock can be trusted.
 */
export interface Clock {
  /** Wall-clock milliseconds since 1970 (may be wrong before NTP sync). */
  wallMs(): number;
  /** Monotonic milliseconds since boot; never jumps. */
  monoMs(): number;
  /** Changes at every boot (Linux: /proc/sys/kernel/random/boot_id). */
  bootId(): string;
  /** True once the wall clock is believed to be right. */
  isWallTrusted(): boolean;
}

declare const __FIREMON_BUILD_TIME__: string | undefined;

/** When the bundle was built (embedded by device/build.mjs); a fixed date when running from sources. */
export const BUILD_TIME_MS: number =
  typeof __FIREMON_BUILD_TIME__ === 'string' ? Date.parse(__FIREMON_BUILD_TIME__) : Date.parse('2026-01-01T00:00:00Z');

/**
 * A wall clock earlier than this cannot be right: the build time minus a day
 * (for a build machine whose own clock ran ahead).
 */
export const DEFAULT_MIN_VALID_MS = BUILD_TIME_MS - 24 * 3600 * 1000;

export interface SystemClockOptions {
  minValidMs?: number;
  /** When set, the wall clock is trusted only once this file exists (systemd-timesyncd's flag). */
  syncFlagFile?: string;
  bootIdFile?: string;
  /**
   * Testing only: a file holding a number of milliseconds added to the
   * system's wall clock (so a test can start a real agent process at
   * 2000-01-01 and then make its clock jump).
   */
  testWallOffsetFile?: string;
}

export class SystemClock implements Clock {
  private readonly minValidMs: number;
  private syncSeen = false;
  private boot: string | undefined;
  private offset = 0;
  private offsetReadAt = -Infinity;

  constructor(private readonly opts: SystemClockOptions = {}) {
    this.minValidMs = opts.minValidMs ?? DEFAULT_MIN_VALID_MS;
  }

  wallMs(): number {
    if (!this.opts.testWallOffsetFile) return Date.now();
    const mono = this.monoMs();
    if (mono - this.offsetReadAt > 200) {
      this.offsetReadAt = mono;
      try {
        const v = Number(readFileSync(this.opts.testWallOffsetFile, 'utf8').trim());
        this.offset = Number.isFinite(v) ? v : 0;
      } catch {
        this.offset = 0;
      }
    }
    return Date.now() + this.offset;
  }

  monoMs(): number {
    return Number(process.hrtime.bigint() / 1000n) / 1000;
  }

  bootId(): string {
    if (this.boot === undefined) {
      try {
        this.boot = readFileSync(this.opts.bootIdFile ?? '/proc/sys/kernel/random/boot_id', 'utf8').trim() || 'unknown';
      } catch {
        // Not Linux (a developer's machine): one id per process is the safe choice.
        this.boot = `process-${process.pid}-${Date.now()}`;
      }
    }
    return this.boot;
  }

  isWallTrusted(): boolean {
    if (this.wallMs() < this.minValidMs) return false;
    if (this.opts.syncFlagFile && !this.syncSeen) {
      this.syncSeen = existsSync(this.opts.syncFlagFile);
      return this.syncSeen;
    }
    return true;
  }
}

/**
 * For each boot, the difference wall - mono once the wall clock was trusted.
 * Kept on disk so that samples held (undated) before a reboot can still be
 * dated after it, as long as the clock synced during the boot they were
 * taken in.
 */
export class BootAnchors {
  private boots: Record<string, { offsetMs: number; at: number }> = {};
  private readonly path: string;

  constructor(dir: string, private readonly log: Logger, private readonly keep = 32) {
    this.path = join(dir, 'clock.json');
    try {
      const v = JSON.parse(readFileSync(this.path, 'utf8')) as { boots?: unknown };
      if (v && typeof v.boots === 'object' && v.boots !== null) {
        for (const [k, e] of Object.entries(v.boots as Record<string, unknown>)) {
          const o = e as { offsetMs?: unknown; at?: unknown };
          if (typeof o.offsetMs === 'number' && Number.isFinite(o.offsetMs)) {
            this.boots[k] = { offsetMs: o.offsetMs, at: typeof o.at === 'number' ? o.at : 0 };
          }
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('clock: anchors file unreadable, ignored', { error: errText(err) });
    }
  }

  offsetFor(bootId: string): number | undefined {
    return this.boots[bootId]?.offsetMs;
  }

  /** Records wall - mono for this boot; writes the file when new or moved by more than a second. */
  note(bootId: string, offsetMs: number, wallMs: number): void {
    const cur = this.boots[bootId];
    if (cur && Math.abs(cur.offsetMs - offsetMs) < 1000) return;
    this.boots[bootId] = { offsetMs, at: wallMs };
    const entries = Object.entries(this.boots).sort((a, b) => b[1].at - a[1].at).slice(0, this.keep);
    this.boots = Object.fromEntries(entries);
    try {
      writeFileAtomicSync(this.path, JSON.stringify({ boots: this.boots }) + '\n');
    } catch (err) {
      this.log.error('clock: could not save the boot anchor', { error: errText(err) });
    }
  }
}

export type Dating = { kind: 'dated'; ts: number } | { kind: 'hold' } | { kind: 'undatable' };

/** Works out the wall-clock time of a stored sample. */
export function dateSample(
  rec: { ts?: number; mono?: number; boot?: string },
  now: { trusted: boolean; wall: number; mono: number; boot: string },
  anchors: { offsetFor(boot: string): number | undefined },
): Dating {
  if (typeof rec.ts === 'number') return { kind: 'dated', ts: rec.ts };
  if (typeof rec.mono !== 'number' || typeof rec.boot !== 'string') return { kind: 'undatable' };
  if (rec.boot === now.boot) {
    if (now.trusted) return { kind: 'dated', ts: Math.round(now.wall - (now.mono - rec.mono)) };
    return { kind: 'hold' };
  }
  const off = anchors.offsetFor(rec.boot);
  if (off !== undefined) return { kind: 'dated', ts: Math.round(rec.mono + off) };
  return { kind: 'undatable' };
}
