import { ApiError } from '../../domain/errors.js';
import { MAX_BODY_BYTES } from '../../domain/reading.js';
import type { HttpRequest } from './types.js';

export { MAX_BODY_BYTES };

/**
 * The request body as JSON: `application/json` only (415 otherwise), at most
 * MAX_BODY_BYTES (413), valid UTF-8 JSON (400 `invalid_json`).
 */
export function readJsonBody(request: HttpRequest): unknown {
  const contentType = request.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError('unsupported_media_type', 'the body must be JSON with Content-Type: application/json');
  }
  const body = request.body ?? Buffer.alloc(0);
  if (body.length > MAX_BODY_BYTES) {
    throw new ApiError('payload_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError('invalid_json', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
