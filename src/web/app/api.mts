import { noteServerDate } from './liveness.mjs';
import type { Alert, Device, Page, Reading } from './types.mjs';

/** The API answered with an error (the contract's `{error:{code,message}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer at all: network down, DNS, CORS, a proxy that dropped us. */
export class Unreachable extends Error {
  constructor(cause: unknown) {
    super(`the API cannot be reached: ${String(cause)}`);
    this.name = 'Unreachable';
  }
}

const TOKEN_KEY = 'fire-co2.admin-token';

/** The admin token lives in this tab's sessionStorage only: never localStorage, never a cookie. */
export const token = {
  get(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(value: string): void {
    try {
      sessionStorage.setItem(TOKEN_KEY, value);
    } catch {
      // storage disabled: the token lasts until the next reload
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing kept
    }
  },
};

/** Relative to the page, so the dashboard works behind a path prefix too. */
function url(path: string, query: Record<string, string | number | undefined> = {}): string {
  const u = new URL(path, document.baseURI);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) u.searchParams.set(name, String(value));
  return u.toString();
}

export async function call<T>(method: 'GET' | 'POST', path: string, query: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(url(path, query), { method, headers, cache: 'no-store', credentials: 'omit', ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new Unreachable(error);
  }
  noteServerDate(response.headers.get('date'));
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText);
  }
  return body as T;
}

export const api = {
  devices: async (): Promise<Device[]> => (await call<{ items: Device[] }>('GET', 'v1/devices')).items,

  device: (deviceId: string): Promise<Device> => call<Device>('GET', `v1/devices/${encodeURIComponent(deviceId)}`),

  /** Every page of alerts (newest first), up to `maxPages` of 1000. */
  alerts: async (query: { status: 'active' | 'resolved' | 'all'; deviceId?: string }, maxPages = 5, limit = 1000): Promise<Alert[]> => {
    const items: Alert[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = await call<Page<Alert>>('GET', 'v1/alerts', { ...query, limit, cursor });
      items.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    return items;
  },

  acknowledge: (alertId: string): Promise<Alert> => call<Alert>('POST', `v1/alerts/${encodeURIComponent(alertId)}/ack`),

  /**
   * Every reading of [from, to), ascending. The range is cut into slices
   * paged concurrently (limit=1000, following nextCursor), so a week of
   * 10-second readings (61 pages) does not wait on 61 round trips in a row.
   */
  readings: async (deviceId: string, fromMs: number, toMs: number, onProgress: (count: number) => void, signal?: AbortSignal): Promise<Reading[]> => {
    const span = toMs - fromMs;
    const slices = Math.max(1, Math.min(4, Math.ceil(span / (6 * 3600_000))));
    let count = 0;
    const path = `v1/devices/${encodeURIComponent(deviceId)}/readings`;
    const fetchSlice = async (i: number): Promise<Reading[]> => {
      const from = new Date(fromMs + Math.floor((span * i) / slices)).toISOString();
      const to = new Date(fromMs + Math.floor((span * (i + 1)) / slices)).toISOString();
      const items: Reading[] = [];
      let cursor: string | undefined;
      do {
        const page = await call<Page<Reading>>('GET', path, { from, to, limit: 1000, cursor }, signal);
        items.push(...page.items);
        count += page.items.length;
        onProgress(count);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    };
    const parts = await Promise.all(Array.from({ length: slices }, (_, i) => fetchSlice(i)));
    return parts.flat();
  },
};
