import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Log } from '../../app/ports.js';
import type { Observability } from '../observability/powertools.js';
import { contextualLog, requestLineFields, withRequestContext } from '../observability/request-context.js';
import { requestFromEvent, resultFromResponse } from './lambda-event.js';
import type { HttpApp } from './types.js';

export type HttpLambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The Lambda edge: event in, result out, one access log line with the
 * request context and what the use case attached to it (a post's counts),
 * metrics flushed after every invocation. Never logs
 * headers or bodies (they carry keys and tokens).
 *
 * The request's keys (request id, function, device id once known) live in
 * an async-local context, not on the shared logger: the local stack and the
 * servers run many invocations at once in one process.
 */
export function httpLambdaHandler(app: HttpApp, obs: Pick<Observability, 'logger' | 'metrics'>): HttpLambdaHandler {
  const log: Log = contextualLog(obs.logger);
  let coldStart = true;
  return async (event, context) => {
    const started = performance.now();
    obs.metrics.captureColdStartMetric(context.functionName);
    const request = requestFromEvent(event);
    const keys = { requestId: request.requestId, function_name: context.functionName, function_request_id: context.awsRequestId, cold_start: coldStart };
    coldStart = false;
    return withRequestContext(keys, async () => {
      try {
        const response = await app(request);
        // What the use case attached (a post's counts, Log.attach) rides on this line: one line a request.
        const { fields, warn } = requestLineFields();
        log[warn ? 'warn' : 'info']('request', {
          method: request.method,
          path: request.path,
          status: response.status,
          durationMs: Math.round(performance.now() - started),
          sourceIp: event.requestContext.http.sourceIp,
          ...fields,
        });
        return resultFromResponse(response);
      } finally {
        // Nothing recorded (most read routes): nothing to flush, and no warning about it.
        if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
      }
    });
  };
}
