import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** One read of a SecureString: its value (decrypted, trimmed), or why there is none. */
export type ParameterRead = { value: string } | { missing: true } | { unreachable: unknown };

/**
 * Reads one SecureString by name. Tells "the parameter does not exist" (an
 * operator's step not done yet) from "SSM is out of reach" (retry later); it
 * never throws. The admin token, the read tokens and the front door secret all
 * read through one of these.
 */
export type ReadSecureParameter = (name: string) => Promise<ParameterRead>;

export interface SsmParameterConfig {
  /** The region of the parameter (and of the signature). */
  region: string | undefined;
  /** https://ssm.<region>.amazonaws.com/ unless set (ssmEndpoint reads AWS_ENDPOINT_URL_SSM). */
  endpoint?: string | undefined;
  /** The SDK's credential providers fit: fromEnv() in Lambda, the default chain on the servers. */
  credentials: AwsCredentialIdentityProvider;
  /** Each attempt gives up after this long (the SDK has no limit: a stuck connection would hold a request until the function's timeout). */
  attemptTimeoutMs?: number;
  /** Attempts in all, as the SDK's default (standard) retry mode: 3. */
  maxAttempts?: number;
  /** The wait before retry number `retry` (0 first), in ms: the SDK's full-jitter backoff unless set. */
  backoffMs?: (retry: number, throttled: boolean) => number;
}

// The SDK's standard retry mode (@smithy/core/retry): what it retries beside 5xx and network errors, and how long it waits.
const THROTTLED = /Throttl|TooManyRequests|LimitExceeded|SlowDown/;
const TRANSIENT = /Timeout/;
const sdkBackoff = (retry: number, throttled: boolean) => Math.floor(Math.min(20_000, Math.random() * 2 ** retry * (throttled ? 500 : 100)));

/** An answer of SSM that is not a value (its awsJson1.1 `__type` as the name), or no answer in time. */
export interface SsmError extends Error {
  status?: number;
  retryable: boolean;
}
const ssmError = (name: string, message: string, status: number | undefined, retryable: boolean): SsmError =>
  Object.assign(new Error(message), { name, status, retryable });

/**
 * Where SSM answers: AWS_ENDPOINT_URL_SSM, else AWS_ENDPOINT_URL (the SDK's
 * own endpoint settings, which the tests and a VPC endpoint without private
 * DNS use), else the regional endpoint.
 */
export function ssmEndpoint(env: NodeJS.ProcessEnv, region: string | undefined): string | undefined {
  const configured = env.AWS_ENDPOINT_URL_SSM?.trim() || env.AWS_ENDPOINT_URL?.trim();
  if (configured) return configured;
  if (!region) return undefined;
  return `https://ssm.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}

/**
 * SSM's GetParameter (WithDecryption) as one signed POST of the awsJson1.1
 * protocol, instead of @aws-sdk/client-ssm: the SigV4 signer, the HTTP handler
 * and the hash are the very modules the DynamoDB client already bundles, so
 * this costs the ingest and api zips about 1 KiB where the SSM client cost 12
 * (docs/performance.md). Retries as the SDK's default mode does (3 attempts,
 * full-jitter backoff, on throttling, 5xx, timeouts and network errors), and
 * bounds each attempt, which the SDK does not by default.
 */
export function ssmSecureParameters(config: SsmParameterConfig): ReadSecureParameter {
  const { region, endpoint, credentials } = config;
  const attemptTimeoutMs = config.attemptTimeoutMs ?? 3_000;
  const maxAttempts = config.maxAttempts ?? 3;
  const backoffMs = config.backoffMs ?? sdkBackoff;
  if (!region || !endpoint) {
    const missing = ssmError('ConfigError', 'no region for SSM: set AWS_REGION', undefined, false);
    return async () => ({ unreachable: missing });
  }
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: 'ssm', region, credentials, sha256: Sha256, uriEscapePath: true });
  // Its own keep-alive agent: a warm container reads once a minute at most, over one connection.
  const http = new NodeHttpHandler({ connectionTimeout: attemptTimeoutMs });

  async function attempt(name: string): Promise<ParameterRead> {
    const body = JSON.stringify({ Name: name, WithDecryption: true });
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      method: 'POST',
      path: url.pathname || '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    const signed = await signer.sign(request);
    const deadline = AbortSignal.timeout(attemptTimeoutMs);
    let text: string;
    let response: Awaited<ReturnType<NodeHttpHandler['handle']>>['response'];
    try {
      ({ response } = await http.handle(signed as HttpRequest, { abortSignal: deadline }));
      text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    } catch (error) {
      if (deadline.aborted) throw ssmError('TimeoutError', `no answer from SSM within ${attemptTimeoutMs} ms`, undefined, true);
      throw error;
    }
    const answer = parseJson(text);
    if (response.statusCode === 200) {
      const value = (answer as { Parameter?: { Value?: unknown } } | undefined)?.Parameter?.Value;
      return { value: typeof value === 'string' ? value.trim() : '' };
    }
    const error = answer as { __type?: string; message?: string; Message?: string } | undefined;
    // "com.amazonaws.ssm#ParameterNotFound" or "ParameterNotFound:http://..." -> "ParameterNotFound"
    const code = String(response.headers['x-amzn-errortype'] ?? error?.__type ?? '').split(':')[0]!.split('#').pop()!;
    if (code === 'ParameterNotFound') return { missing: true };
    const retryable = response.statusCode >= 500 || response.statusCode === 429 || THROTTLED.test(code) || TRANSIENT.test(code);
    throw ssmError(code || `HTTP ${response.statusCode}`, String(error?.message ?? error?.Message ?? text.slice(0, 200)), response.statusCode, retryable);
  }

  return async (name) => {
    for (let tried = 1; ; tried++) {
      try {
        return await attempt(name);
      } catch (error) {
        // Beside SSM's own answers, a refused connection or a reset is worth another try; no credentials is not.
        const failure = error as Partial<SsmError> | null | undefined;
        const retryable = failure?.retryable ?? failure?.name !== 'CredentialsProviderError';
        if (!retryable || tried >= maxAttempts) return { unreachable: error };
        const throttled = THROTTLED.test(failure?.name ?? '');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(tried - 1, throttled)));
      }
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The reader a function or a server uses: region and endpoint from the environment, as the SDK takes them. */
export function secureParametersFromEnv(env: NodeJS.ProcessEnv, credentials: AwsCredentialIdentityProvider): ReadSecureParameter {
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  return ssmSecureParameters({ region, endpoint: ssmEndpoint(env, region), credentials });
}
