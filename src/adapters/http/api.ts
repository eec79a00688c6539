import { ApiError } from '../../domain/errors.js';
import type { Log } from '../../app/ports.js';
import { contextualLog } from '../observability/request-context.js';
import { errorResponse } from './responses.js';
import { createRouter, type Route } from './router.js';
import type { HttpApp } from './types.js';

/**
 * The API as one function from request to response, the same behind every
 * edge. Known errors answer in the contract's error shape; anything else is
 * logged and answered `500 internal` without details.
 */
export function createApi(routes: readonly Route[], baseLog: Log): HttpApp {
  const log = contextualLog(baseLog);
  const route = createRouter(routes);
  return async (request) => {
    let response;
    try {
      response = await route(request);
    } catch (error) {
      if (error instanceof ApiError) {
        response = errorResponse(error);
      } else {
        log.error('unhandled error', { error, method: request.method, path: request.path, requestId: request.requestId });
        response = errorResponse(new ApiError('internal', 'internal error; it has been logged'));
      }
    }
    response.headers['x-request-id'] = request.requestId;
    return response;
  };
}
