import { CLAIM_MS } from '../app/alerts/deliver.js';

/**
 * One extra run this long after start: an outbox entry claimed by the process
 * that was killed just before this one started is free again by then, and is
 * delivered at once instead of at the next regular sweep (a fire must not wait
 * a whole interval after a restart).
 */
export const AFTER_START_MS = CLAIM_MS + 1_000;

/**
 * Runs `task` every `intervalMs` and once `afterStartMs` after start (when
 * that comes first), never two at once; `stop` waits for a run in progress.
 */
export function startSweepTimer(
  task: () => Promise<void>,
  intervalMs: number,
  log: { error(message: string, extra: Record<string, unknown>): void },
  afterStartMs: number = AFTER_START_MS,
) {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = task()
      .catch((error: unknown) => log.error('sweep failed; the next one retries', { error }))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalMs);
  const first = afterStartMs < intervalMs ? setTimeout(run, afterStartMs) : undefined;
  return {
    stop: async () => {
      clearInterval(timer);
      if (first) clearTimeout(first);
      await running;
    },
  };
}
