/** The HTTP request and response every edge (Lambda event, Node server) is turned into. */
export interface HttpRequest {
  method: string;
  /** Raw path, still percent-encoded. */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as bytes (undefined when there is none). */
  body: Buffer | undefined;
  requestId: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** A string is sent as UTF-8; a Buffer as is (base64 in Lambda). */
  body?: string | Buffer;
}

export type HttpApp = (request: HttpRequest) => Promise<HttpResponse>;
