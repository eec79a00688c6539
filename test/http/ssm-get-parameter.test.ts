import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secureParametersFromEnv, ssmEndpoint, ssmSecureParameters, type ReadSecureParameter } from '../../src/adapters/ssm/secure-parameter.js';

/**
 * SSM's GetParameter on the wire: a real HTTP server on loopback stands in
 * for ssm.<region>.amazonaws.com, answering each request with the next
 * scripted answer (SSM's own status codes and awsJson1.1 error bodies).
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body: unknown } | 'hang';

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key', sessionToken: 'test-session-token' };
const REGION = 'eu-west-3';
const seen: Seen[] = [];
let script: Answer[] = [];
let server: Server;
let endpoint = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = script.shift() ?? { status: 500, body: { __type: 'InternalServerError', message: 'nothing scripted' } };
      if (answer === 'hang') return; // never answers: the client's timeout must end it
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
  script = [];
});

const reader = (options: { attemptTimeoutMs?: number; maxAttempts?: number } = {}): ReadSecureParameter =>
  ssmSecureParameters({ region: REGION, endpoint, credentials: async () => CREDENTIALS, backoffMs: () => 1, ...options });
const value = (v: string): Answer => ({ status: 200, body: { Parameter: { Name: '/p', Type: 'SecureString', Value: v, Version: 3 } } });
const error = (status: number, type: string): Answer => ({ status, body: { __type: type, message: `${type} happened` } });

/** SigV4 recomputed here from what the server received, with node:crypto alone (not the signer under test). */
function expectedSignature(request: Seen, signedHeaders: string, date: string): string {
  const canonicalHeaders = signedHeaders.split(';').map((h) => `${h}:${String(request.headers[h]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = ['POST', '/', '', canonicalHeaders, signedHeaders, createHash('sha256').update(request.body).digest('hex')].join('\n');
  const scope = `${date.slice(0, 8)}/${REGION}/ssm/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${CREDENTIALS.secretAccessKey}`).update(date.slice(0, 8)).digest();
  for (const part of [REGION, 'ssm', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('GetParameter over awsJson1.1', () => {
  it('POSTs one signed GetParameter asking for the decrypted value, and returns it trimmed', async () => {
    script = [value('  the-secret-value\n')];
    expect(await reader()('/fire-co2/front-door-secret')).toEqual({ value: 'the-secret-value' });
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/');
    expect(request.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request.body)).toEqual({ Name: '/fire-co2/front-door-secret', WithDecryption: true });
    expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    const date = String(request.headers['x-amz-date']);
    expect(date).toMatch(/^\d{8}T\d{6}Z$/);
    const authorization = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(request.headers.authorization));
    expect(authorization, String(request.headers.authorization)).not.toBeNull();
    const [, credential, signedHeaders, signature] = authorization!;
    expect(credential).toBe(`${CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/${REGION}/ssm/aws4_request`);
    // The target, the type and the host are signed: a request changed on the way fails at SSM.
    for (const header of ['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']) expect(signedHeaders!.split(';')).toContain(header);
    expect(signature).toBe(expectedSignature(request, signedHeaders!, date));
  });

  it("tells 'not found' (ParameterNotFound, asked once: no retry) from a value", async () => {
    script = [error(400, 'ParameterNotFound')];
    expect(await reader()('/nope')).toEqual({ missing: true });
    expect(seen).toHaveLength(1);
    // The namespaced form of the error type is the same code.
    script = [error(400, 'com.amazonaws.ssm#ParameterNotFound')];
    expect(await reader()('/nope')).toEqual({ missing: true });
  });

  it("retries a 500 as the SDK does (3 attempts), then says 'out of reach' with SSM's code", async () => {
    script = [error(500, 'InternalServerError'), error(500, 'InternalServerError'), error(500, 'InternalServerError'), value('late')];
    const read = await reader()('/p');
    expect(seen).toHaveLength(3);
    expect('unreachable' in read && read.unreachable).toMatchObject({ name: 'InternalServerError', status: 500 });
  });

  it('a 500 or a throttling answer followed by a value is a value', async () => {
    script = [error(500, 'InternalServerError'), error(400, 'ThrottlingException'), value('v')];
    expect(await reader()('/p')).toEqual({ value: 'v' });
    expect(seen).toHaveLength(3);
  });

  it("does not retry what another try cannot change (access denied, a KMS refusal): 'out of reach' at once", async () => {
    for (const type of ['AccessDeniedException', 'ParameterVersionNotFound']) {
      seen.length = 0;
      script = [error(400, type)];
      const read = await reader()('/p');
      expect('unreachable' in read && read.unreachable, type).toMatchObject({ name: type, status: 400 });
      expect(seen, type).toHaveLength(1);
    }
  });

  it("gives up on an attempt SSM never answers (timeout), retries, then says 'out of reach'", async () => {
    script = ['hang', 'hang'];
    const read = await reader({ attemptTimeoutMs: 300, maxAttempts: 2 })('/p');
    expect('unreachable' in read && read.unreachable).toMatchObject({ name: 'TimeoutError' });
    expect(seen).toHaveLength(2);
    script = ['hang', value('second try')];
    expect(await reader({ attemptTimeoutMs: 300 })('/p')).toEqual({ value: 'second try' });
  });

  it("a refused connection or no credentials is 'out of reach', never thrown", async () => {
    const closed = ssmSecureParameters({ region: REGION, endpoint: 'http://127.0.0.1:9', credentials: async () => CREDENTIALS, backoffMs: () => 1 });
    expect(await closed('/p')).toMatchObject({ unreachable: expect.objectContaining({ code: 'ECONNREFUSED' }) });
    const noCredentials = ssmSecureParameters({
      region: REGION,
      endpoint,
      credentials: async () => Promise.reject(Object.assign(new Error('Unable to find environment variable credentials.'), { name: 'CredentialsProviderError' })),
    });
    expect(await noCredentials('/p')).toMatchObject({ unreachable: expect.objectContaining({ name: 'CredentialsProviderError' }) });
    expect(seen).toHaveLength(0);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_SSM (or AWS_ENDPOINT_URL), else the regional one', async () => {
    expect(ssmEndpoint({}, 'eu-west-3')).toBe('https://ssm.eu-west-3.amazonaws.com/');
    expect(ssmEndpoint({}, 'cn-north-1')).toBe('https://ssm.cn-north-1.amazonaws.com.cn/');
    expect(ssmEndpoint({ AWS_ENDPOINT_URL: 'http://all:1' }, 'eu-west-3')).toBe('http://all:1');
    expect(ssmEndpoint({ AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_SSM: 'http://ssm:2' }, 'eu-west-3')).toBe('http://ssm:2');
    expect(ssmEndpoint({}, undefined)).toBeUndefined();
    script = [value('from env')];
    const fromEnv = secureParametersFromEnv({ AWS_REGION: REGION, AWS_ENDPOINT_URL_SSM: endpoint }, async () => CREDENTIALS);
    expect(await fromEnv('/p')).toEqual({ value: 'from env' });
    expect(String(seen[0]?.headers.authorization)).toContain(`/${REGION}/ssm/aws4_request`);
    expect(await secureParametersFromEnv({}, async () => CREDENTIALS)('/p')).toMatchObject({ unreachable: expect.objectContaining({ message: expect.stringMatching(/AWS_REGION/) }) });
  });
});
