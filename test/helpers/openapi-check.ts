import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Every answer the HTTP test suites receive, checked against the published
 * docs/openapi.json: the status is one the operation lists (or 404/405 as
 * the document's description says) and the body matches the schema of that
 * status. So the document cannot drift from what the API does.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON
type Json = any;

const document: Json = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(document, 'openapi.json');

const templates = Object.keys(document.paths as Record<string, unknown>).map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
}));
const METHODS = ['get', 'post', 'patch', 'delete', 'put'];

function validate(ref: string, body: unknown, where: string): void {
  const check = ajv.getSchema(`openapi.json${ref}`);
  if (!check) throw new Error(`${where}: the document has no schema ${ref}`);
  if (!check(body)) throw new Error(`${where}: the body does not match ${ref}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
}

function checkError(body: unknown, where: string): void {
  // HEAD: the status and headers of the error, never a body.
  if (where.startsWith('HEAD ')) {
    if (body !== undefined) throw new Error(`${where}: HEAD answered a body`);
    return;
  }
  validate('#/components/schemas/Error', body, where);
}

export function checkAgainstDocument(method: string, url: string, status: number, headers: Headers, body: unknown): void {
  const path = url.split('?')[0] as string;
  const where = `${method} ${path} -> ${status}`;
  // The dashboard's page and assets are not API routes.
  if (path === '/' || path.startsWith('/assets/')) return;
  const found = templates.find((t) => t.regex.test(path));
  if (!found) {
    if (status !== 404 && status !== 413 && status !== 400) throw new Error(`${where}: an undocumented path must answer 404`);
    checkError(body, where);
    return;
  }
  const item = document.paths[found.template];
  const operationMethod = method === 'HEAD' ? 'get' : method.toLowerCase();
  const operation = item[operationMethod];
  if (!operation) {
    const allow = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
    if (status !== 405) throw new Error(`${where}: ${found.template} documents ${allow.join(', ')} only, so ${method} must answer 405`);
    checkError(body, where);
    const got = headers.get('allow')?.split(', ') ?? [];
    for (const m of allow) if (!got.includes(m)) throw new Error(`${where}: Allow (${got.join(', ')}) misses ${m}`);
    return;
  }
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`${where}: status ${status} is not documented for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(', ')})`);
  if (method === 'HEAD') {
    if (body !== undefined) throw new Error(`${where}: HEAD answered a body`);
    return;
  }
  if ((headers.get('content-type') ?? '').startsWith('text/csv')) {
    if (!response.content?.['text/csv']) throw new Error(`${where}: answered text/csv, which ${operation.operationId} does not document`);
    if (typeof body !== 'string') throw new Error(`${where}: a text/csv answer without a text body`);
    return;
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    if (body !== undefined) throw new Error(`${where}: documented without a body, got ${JSON.stringify(body).slice(0, 200)}`);
    return;
  }
  validate(schema.$ref, body, where);
  if (status === 503 && !headers.get('retry-after')) throw new Error(`${where}: 503 without Retry-After`);
}
