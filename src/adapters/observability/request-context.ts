import { AsyncLocalStorage } from 'node:async_hooks';
import type { Log } from '../../app/ports.js';

/**
 * The keys of the request being served (request id, device id...), kept per
 * async context: the local stack and the servers serve many requests at
 * once with one logger, so keys appended to that logger would leak into
 * other requests' lines.
 */
const current = new AsyncLocalStorage<Record<string, unknown>>();

export function withRequestContext<T>(keys: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  return current.run({ ...keys }, run);
}

/** Adds keys to the current request's context (no-op outside one). */
export function addRequestContext(keys: Record<string, unknown>): void {
  const store = current.getStore();
  if (store) Object.assign(store, keys);
}

export function requestContext(): Readonly<Record<string, unknown>> {
  return current.getStore() ?? {};
}

/** A Log whose every line carries the current request's keys (a line's own keys win). */
export function contextualLog(base: Log): Log {
  const at =
    (level: keyof Log) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const keys = current.getStore();
      if (keys) base[level](message, { ...keys }, ...extra);
      else base[level](message, ...extra);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
