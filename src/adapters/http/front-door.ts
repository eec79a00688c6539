import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../domain/errors.js';
import { errorResponse } from './responses.js';
import type { HttpApp } from './types.js';

/**
 * The header the front door (CloudFront, terraform/modules/front-door) adds
 * to every request it forwards, with the origin secret. terraform/front_door.tf
 * names the same header.
 */
export const FRONT_DOOR_SECRET_HEADER = 'x-front-door-secret';

/** Where the origin secret comes from (an SSM parameter in AWS, a value locally). */
export interface FrontDoorSecret {
  /**
   * The current secret, or undefined when it cannot be read. Then requests
   * are let through: the front door limits load, it does not authenticate
   * (tokens and keys do), and a board's reading must not be refused because
   * SSM is unavailable.
   */
  current(): Promise<string | undefined>;
}

// Digests first, so that the comparison takes the same time whatever the
// lengths and contents.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function frontDoorSecretMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/**
 * With a front door, only requests that came through it reach the API:
 * anything else (sent to the execute-api URL directly, around the per-IP
 * limits) gets `403 forbidden`. `GET`/`HEAD /healthz` stay open: the load
 * balancer's health checks reach the servers directly. Without a front door
 * (no secret source), the app is returned as it is.
 */
export function behindFrontDoor(app: HttpApp, secret: FrontDoorSecret | undefined): HttpApp {
  if (!secret) return app;
  return async (request) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && request.path === '/healthz') return app(request);
    const expected = await secret.current();
    if (expected !== undefined && !frontDoorSecretMatches(request.headers[FRONT_DOOR_SECRET_HEADER], expected)) {
      const response = errorResponse(new ApiError('forbidden', 'this API is served through its front door: use the URL of the front door (the api_url output)'));
      response.headers['x-request-id'] = request.requestId;
      return response;
    }
    return app(request);
  };
}

/** A secret known at start (the local stack and tests: FRONT_DOOR_SECRET). */
export const staticFrontDoorSecret = (value: string): FrontDoorSecret => ({ current: async () => value });
