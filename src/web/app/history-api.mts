import { ApiError, call, token, Unreachable, url } from './api.mjs';
import type { Bucket } from './aggregates.mjs';

/** The buckets of [from, to) at `step` seconds, ascending; empty buckets are absent (GET /v1/devices/{id}/aggregates). */
export async function fetchAggregates(deviceId: string, fromMs: number, toMs: number, step: number, signal?: AbortSignal): Promise<Bucket[]> {
  const query = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), step };
  return (await call<{ items: Bucket[] }>('GET', `v1/devices/${encodeURIComponent(deviceId)}/aggregates`, query, signal)).items;
}

/** `<deviceId>_<from>_<to>.csv`, times in UTC without colons (a valid file name everywhere). */
export function csvFileName(deviceId: string, fromMs: number, toMs: number): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  return `${deviceId}_${stamp(fromMs)}_${stamp(toMs)}.csv`;
}

/** The target of a `Link: <...>; rel="next"` header, resolved against the page it came with. */
function nextLink(header: string | null, base: string): string | undefined {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(header ?? '');
  return match?.[1] !== undefined ? new URL(match[1], base).toString() : undefined;
}

/**
 * Every reading of [from, to) as one CSV file: the readings route's CSV
 * pages (10,000 rows each) followed through `Link: rel=next` with the
 * user's token, the header row kept once. Returns the file and its rows.
 */
export async function readingsCsv(deviceId: string, fromMs: number, toMs: number, onProgress: (rows: number) => void, signal?: AbortSignal): Promise<{ blob: Blob; rows: number }> {
  const parts: string[] = [];
  let rows = 0;
  let next: string | undefined = url(`v1/devices/${encodeURIComponent(deviceId)}/readings`, {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    format: 'csv',
    limit: 10_000,
  });
  while (next) {
    const headers: Record<string, string> = { accept: 'text/csv' };
    const bearer = token.get();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let response: Response;
    try {
      response = await fetch(next, { headers, cache: 'no-store', credentials: 'omit', ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new Unreachable(error);
    }
    const text = await response.text();
    if (!response.ok) {
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error;
      } catch {
        error = undefined;
      }
      throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? response.statusText);
    }
    // Each page is a whole CSV file with its header row: only the first page's is kept.
    const body = parts.length === 0 ? text : text.slice(text.indexOf('\n') + 1);
    parts.push(body);
    rows += rowsIn(body) - (parts.length === 1 ? 1 : 0);
    onProgress(rows);
    next = nextLink(response.headers.get('link'), response.url || next);
  }
  return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows };
}

/** Records of a CSV text (RFC 4180: a line break inside quotes is part of a field). */
function rowsIn(text: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) n++;
  }
  return n;
}

/** Hands a file to the browser's downloads. */
export function saveFile(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
