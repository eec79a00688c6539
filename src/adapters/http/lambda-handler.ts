import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Observability } from '../observability/powertools.js';
import { requestFromEvent, resultFromResponse } from './lambda-event.js';
import type { HttpApp } from './types.js';

export type HttpLambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The Lambda edge: event in, result out, one access log line with the
 * request context, metrics flushed after every invocation. Never logs
 * headers or bodies (they carry keys and tokens).
 */
export function httpLambdaHandler(app: HttpApp, obs: Pick<Observability, 'logger' | 'metrics'>): HttpLambdaHandler {
  return async (event, context) => {
    const started = performance.now();
    obs.logger.addContext(context);
    obs.metrics.captureColdStartMetric(context.functionName);
    const request = requestFromEvent(event);
    obs.logger.appendKeys({ requestId: request.requestId });
    try {
      const response = await app(request);
      obs.logger.info('request', {
        method: request.method,
        path: request.path,
        status: response.status,
        durationMs: Math.round(performance.now() - started),
        sourceIp: event.requestContext.http.sourceIp,
      });
      return resultFromResponse(response);
    } finally {
      obs.logger.removeKeys(['requestId']);
      // Nothing recorded (most read routes): nothing to flush, and no warning about it.
      if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
    }
  };
}
