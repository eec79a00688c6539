import type { Context } from 'aws-lambda';
import { eventFromRequest } from '../adapters/http/lambda-event.js';
import type { HttpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { functionFor } from '../adapters/http/routes.js';
import type { HttpRequest, HttpResponse } from '../adapters/http/types.js';

export interface LambdaHandlers {
  ingest: HttpLambdaHandler;
  api: HttpLambdaHandler;
  web: HttpLambdaHandler;
}

function localContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '0',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Route a request to the same Lambda handler API Gateway would call (the
 * route table's function, `web` for the dashboard; `api` for anything else, as `$default`) through a
 * payload 2.0 event, and turn the result back into a response.
 */
export function dispatchToLambdas(handlers: LambdaHandlers): (request: HttpRequest, sourceIp: string) => Promise<HttpResponse> {
  return async (request, sourceIp) => {
    const name = functionFor(request.method, request.path);
    const result = await handlers[name](eventFromRequest(request, sourceIp, Date.now()), localContext(name, request.requestId));
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
    return {
      status: result.statusCode ?? 200,
      headers,
      ...(result.body === undefined ? {} : { body: result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body }),
    };
  };
}

/**
 * How many readings a request carries, for the Node edge's bound on work in
 * flight: the length of `readings` of a request to the ingest function, 0
 * for anything else (a body that is not JSON is the handler's 400 to give).
 */
export function readingsInRequest(request: HttpRequest): number {
  if (functionFor(request.method, request.path) !== 'ingest' || !request.body) return 0;
  try {
    const envelope: unknown = JSON.parse(request.body.toString('utf8'));
    const readings = (envelope as { readings?: unknown } | null)?.readings;
    return Array.isArray(readings) ? readings.length : 0;
  } catch {
    return 0;
  }
}
