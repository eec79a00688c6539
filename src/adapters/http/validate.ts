import * as v from 'valibot';
import { DEVICE_ID_PATTERN } from '../../domain/device-id.js';
import { ApiError } from '../../domain/errors.js';
import { issuesToDetails } from '../../domain/issues.js';
import { readJsonBody } from './json-body.js';
import type { HttpRequest } from './types.js';

/** The JSON body checked against a schema: 400 `validation_failed` with every problem's path. */
export function parseBody<S extends v.GenericSchema>(schema: S, request: HttpRequest): v.InferOutput<S> {
  const parsed = v.safeParse(schema, readJsonBody(request));
  if (!parsed.success) throw new ApiError('validation_failed', 'the body does not match the schema', issuesToDetails(parsed.issues));
  return parsed.output;
}

export function deviceIdParam(params: Readonly<Record<string, string>>): string {
  const deviceId = params.deviceId ?? '';
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new ApiError('validation_failed', 'invalid device id', [{ path: 'deviceId', message: 'must be 1 to 64 characters of A-Z a-z 0-9 _ - .' }]);
  }
  return deviceId;
}
