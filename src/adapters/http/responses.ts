import { ApiError, errorBody } from '../../domain/errors.js';
import type { HttpResponse } from './types.js';

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): HttpResponse {
  return { status: 204, headers: { ...COMMON_HEADERS } };
}

export function errorResponse(error: ApiError): HttpResponse {
  return json(error.status, errorBody(error), { ...error.headers });
}
