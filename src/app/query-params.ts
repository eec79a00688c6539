import { ApiError } from '../domain/errors.js';
import { formatUtc, parseRfc3339 } from '../domain/time.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

type Query = Readonly<Record<string, string | undefined>>;

/** Page size of the readings export (`format=csv`). */
export const MAX_CSV_PAGE_SIZE = 10_000;

export function pageLimit(query: Query, max = MAX_PAGE_SIZE): number {
  const raw = query.limit;
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const limit = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    throw new ApiError('validation_failed', 'invalid query', [{ path: 'limit', message: `must be a whole number from 1 to ${max}` }]);
  }
  return limit;
}

/** An optional RFC 3339 query parameter, normalised to the API's UTC form. */
export function timeParam(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = parseRfc3339(raw);
  if (ms === undefined) {
    throw new ApiError('validation_failed', 'invalid query', [{ path: name, message: 'must be an RFC 3339 timestamp with an offset, e.g. 2026-11-29T18:00:00Z' }]);
  }
  return formatUtc(ms);
}
