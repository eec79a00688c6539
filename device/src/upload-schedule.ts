/**
 * When a quiet board posts, given the ingest answer's `policy.uploadPhaseSeconds`
 * (docs/api.md): at the instants t where (t - phase) is a multiple of the
 * interval, a little after them so that the reading sampled just before the
 * instant is in, sending only the readings stamped before the instant. The
 * API picks the phase so that such posts are cheap to store; why is its own
 * business. Pure: the uploader passes the wall clock (corrected) in.
 */

/** After the instant: the sampler stamps a reading after reading its sensors, and the uploader fsyncs before planning. */
export const ALIGN_DELAY_MS = 2_000;

export interface QuietAlignment {
  intervalMs: number;
  /** Of the instants, within [0, intervalMs). */
  phaseMs: number;
  /** How long after an instant the post goes. */
  delayMs: number;
}

export interface QuietCut {
  /** The instant this post is for: readings stamped before it go. */
  cutoffMs: number;
  /** Wall time of the next quiet post (the next instant plus the delay). */
  nextPostMs: number;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** The alignment for an interval and the policy's phase; undefined (no phase, an older server): post every interval after the last post. */
export function quietAlignment(intervalMs: number, phaseSeconds: number | undefined): QuietAlignment | undefined {
  if (phaseSeconds === undefined || !Number.isFinite(phaseSeconds) || !(intervalMs > 0)) return undefined;
  // A fixed interval in the agent's config that is not the API's: its instants still go through the API's ones.
  return { intervalMs, phaseMs: mod(Math.round(phaseSeconds * 1000), intervalMs), delayMs: Math.min(ALIGN_DELAY_MS, intervalMs / 10) };
}

/**
 * The post due at `wallMs`: for the latest instant at least half the delay
 * ago. So a timer that fires a little early (against a wall clock that
 * drifted) still gets its instant, and the next post is always more than
 * half the delay away: no loop, whatever the clock did.
 */
export function quietCut(a: QuietAlignment, wallMs: number): QuietCut {
  const at = wallMs - a.delayMs / 2;
  const cutoffMs = at - mod(at - a.phaseMs, a.intervalMs);
  return { cutoffMs, nextPostMs: cutoffMs + a.intervalMs + a.delayMs };
}

/**
 * Whether a reading stamped `tsMs` waits for the next post: only one stamped
 * in the interval now open. One stamped later than that (the wall clock went
 * back past it) goes now, so that a clock set back never stops the uploads.
 */
export function waitsForNextPost(a: QuietAlignment, cut: QuietCut, tsMs: number): boolean {
  return tsMs >= cut.cutoffMs && tsMs < cut.cutoffMs + a.intervalMs;
}
