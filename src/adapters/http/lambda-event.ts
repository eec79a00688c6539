import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from './types.js';

/** API Gateway HTTP API payload format 2.0 -> the API's request. */
export function requestFromEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: { ...(event.queryStringParameters ?? {}) },
    headers,
    body: event.body === undefined || event.body === null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
    requestId: event.requestContext.requestId,
  };
}

/** The API's response -> a payload 2.0 result (binary bodies base64-encoded). */
export function resultFromResponse(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const result: APIGatewayProxyStructuredResultV2 = { statusCode: response.status, headers: { ...response.headers } };
  if (Buffer.isBuffer(response.body)) {
    result.body = response.body.toString('base64');
    result.isBase64Encoded = true;
  } else if (response.body !== undefined) {
    result.body = response.body;
    result.isBase64Encoded = false;
  }
  return result;
}

/** The reverse, so the Node server can hand the same event to the same code: used by the local stack and the server variant. */
export function eventFromRequest(request: HttpRequest, sourceIp: string, now: number): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(
    Object.entries(request.query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString,
    headers: Object.fromEntries(Object.entries(request.headers).filter((e): e is [string, string] => e[1] !== undefined)),
    ...(Object.keys(request.query).length > 0 ? { queryStringParameters: { ...request.query } } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp, userAgent: request.headers['user-agent'] ?? '' },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    // Always base64: the exact bytes reach the API, so invalid UTF-8 is caught as it would be from API Gateway's binary path.
    isBase64Encoded: request.body !== undefined,
    ...(request.body === undefined ? {} : { body: request.body.toString('base64') }),
  };
}
