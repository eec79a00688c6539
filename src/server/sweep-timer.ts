/** Runs `task` every `intervalMs`, never two at once; `stop` waits for a run in progress. */
export function startSweepTimer(task: () => Promise<void>, intervalMs: number, log: { error(message: string, extra: Record<string, unknown>): void }) {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((error: unknown) => log.error('sweep failed; the next one retries', { error }))
      .finally(() => (running = undefined));
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
