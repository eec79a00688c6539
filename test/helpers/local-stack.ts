import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Notifier } from '../../src/app/ports.js';
import { checkAgainstDocument } from './openapi-check.js';
import { localConfigFromEnv, startLocalStack, type LocalStack } from '../../src/server/local-stack.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  body: any;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export class ApiClient {
  constructor(
    readonly url: string,
    readonly adminToken: string,
    /** Off only where a test sends what no client would (the check throws on an undocumented answer). */
    readonly checkDocument = true,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
    const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
    const response = await fetch(`${this.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    // Every answer must be one docs/openapi.json describes (status and body).
    if (this.checkDocument) checkAgainstDocument(method, path, response.status, response.headers, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async registerDevice(deviceId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.request('POST', '/v1/devices', { body: { deviceId, ...extra } });
    if (answer.status !== 201) throw new Error(`register ${deviceId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.key as string;
  }

  post(deviceId: string, key: string, readings: unknown[]): Promise<Answer> {
    return this.request('POST', '/v1/readings', { token: key, body: { deviceId, readings } });
  }

  /** Every stored reading of a device, following cursors. */
  async allReadings(deviceId: string, query = ''): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const sep = query ? '&' : '';
      const answer = await this.request(
        'GET',
        `/v1/devices/${deviceId}/readings?${query}${sep}limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      if (answer.status !== 200) throw new Error(`readings: ${answer.status} ${JSON.stringify(answer.body)}`);
      items.push(...answer.body.items);
      cursor = answer.body.nextCursor;
    } while (cursor);
    return items;
  }
}

export interface TestStack {
  stack: LocalStack;
  api: ApiClient;
  dataDir: string;
  stop(): Promise<void>;
}

/** The real local stack in this process, on a free loopback port, with its own DATA_DIR. */
export async function startTestStack(
  env: Record<string, string> = {},
  options: { clock?: Clock; dataDir?: string; wrapNotifier?: (n: Notifier) => Notifier } = {},
): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fire-co2-'));
  const config = localConfigFromEnv({ PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN, ...env });
  const stack = await startLocalStack(config, {
    printNotifications: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.wrapNotifier ? { wrapNotifier: options.wrapNotifier } : {}),
  });
  return {
    stack,
    api: new ApiClient(stack.url, stack.adminToken),
    dataDir,
    stop: async () => {
      await stack.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const isoNow = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();
