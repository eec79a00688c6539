import { ApiError } from '../domain/errors.js';

/** Opaque page cursors: base64url JSON of the last position, checked on the way back in. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, fields: readonly string[]): Record<string, string> {
  const invalid = new ApiError('invalid_cursor', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== 1) throw invalid;
  const position: Record<string, string> = {};
  for (const field of fields) {
    const part = (value as Record<string, unknown>)[field];
    if (typeof part !== 'string' || part.length === 0 || part.length > 512) throw invalid;
    position[field] = part;
  }
  return position;
}
