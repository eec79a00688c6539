import { listReadings, type ReadingsDeps } from '../../app/readings.js';
import { MAX_CSV_PAGE_SIZE } from '../../app/query-params.js';
import { readingsCsv } from '../../domain/csv.js';
import { ApiError } from '../../domain/errors.js';
import type { HttpRequest, HttpResponse } from './types.js';

export function formatError(): ApiError {
  return new ApiError('validation_failed', 'invalid query', [{ path: 'format', message: 'must be json or csv' }]);
}

/** The request's own path and query with `cursor` replaced: the next page's address for a `Link` header. */
function nextPageLink(request: HttpRequest, cursor: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) if (value !== undefined && name !== 'cursor') params.set(name, value);
  params.set('cursor', cursor);
  return `<${request.path}?${params.toString()}>; rel="next"`;
}

/** `GET /v1/devices/{deviceId}/readings?format=csv`: the JSON page as RFC 4180 text, the next page in `Link`. */
export async function readingsCsvResponse(deps: ReadingsDeps, request: HttpRequest, deviceId: string): Promise<HttpResponse> {
  const page = await listReadings(deps, deviceId, request.query, MAX_CSV_PAGE_SIZE);
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${deviceId}-readings.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(page.nextCursor ? { link: nextPageLink(request, page.nextCursor) } : {}),
    },
    body: readingsCsv(page.items as unknown as Record<string, unknown>[]),
  };
}
