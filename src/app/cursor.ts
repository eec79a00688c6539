import { createHash } from 'node:crypto';
import { ApiError } from '../domain/errors.js';

/**
 * Opaque page cursors: base64url JSON of the last position plus a check
 * value over the position *and the query it belongs to* (its scope: route,
 * device, range, filters). A cursor edited by hand, made up, or taken from
 * another device, range or listing fails the check and is `400
 * invalid_cursor`; the scope itself is not in the cursor. The check is a
 * binding, not a secret: positions are still validated by whoever reads
 * them, so a cursor can never point a query outside its own range.
 */
export function sealCursor(scope: string, position: Record<string, string>): string {
  return Buffer.from(JSON.stringify({ v: 2, ...position, h: check(scope, position) }), 'utf8').toString('base64url');
}

export function invalidCursor(message = 'cursor is not one this API returned for this query'): ApiError {
  return new ApiError('invalid_cursor', message, [{ path: 'cursor', message: 'invalid cursor' }]);
}

/** The position sealed in `cursor` for this scope, or `invalid_cursor`. */
export function openCursor(scope: string, cursor: string, fields: readonly string[]): Record<string, string> {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidCursor();
  const record = value as Record<string, unknown>;
  if (record.v !== 2 || Object.keys(record).length !== fields.length + 2) throw invalidCursor();
  const position: Record<string, string> = {};
  for (const field of fields) {
    const part = record[field];
    if (typeof part !== 'string' || part.length === 0 || part.length > 512) throw invalidCursor();
    position[field] = part;
  }
  if (record.h !== check(scope, position)) throw invalidCursor();
  return position;
}

function check(scope: string, position: Record<string, string>): string {
  const fields = Object.keys(position).sort().map((k) => [k, position[k]]);
  return createHash('sha256').update(JSON.stringify([scope, fields])).digest('base64url').slice(0, 22);
}

/** Kept for the alerts listing (its owner moves it to sealed cursors): unbound, checked only for shape. */
export function encodeCursor(position: Record<string, string>): string {
  return sealCursor('unscoped', position);
}

export function decodeCursor(cursor: string, fields: readonly string[]): Record<string, string> {
  return openCursor('unscoped', cursor, fields);
}
