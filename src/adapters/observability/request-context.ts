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

/** What the use cases attached to the request's access line (Log.attach), by request. */
const attached = new WeakMap<Record<string, unknown>, { fields: Record<string, unknown>; warn: boolean }>();

/** The fields attached to the current request's access line, and whether they make it a warning. */
export function requestLineFields(): { fields: Record<string, unknown>; warn: boolean } {
  const store = current.getStore();
  return (store && attached.get(store)) ?? { fields: {}, warn: false };
}

/**
 * A Log whose every line carries the current request's keys (a line's own
 * keys win), and whose `attach` adds fields to the request's access line.
 */
export function contextualLog(base: Log): Log {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const keys = current.getStore();
      if (keys) base[level](message, { ...keys }, ...extra);
      else base[level](message, ...extra);
    };
  const attach = (fields: Record<string, unknown>, warn = false): boolean => {
    const store = current.getStore();
    if (!store) return false;
    const line = attached.get(store);
    attached.set(store, { fields: { ...line?.fields, ...fields }, warn: warn || (line?.warn ?? false) });
    return true;
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), attach };
}
