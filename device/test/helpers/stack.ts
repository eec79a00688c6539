import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO } from './bundle.js';

export const STACK_ENTRY = join(REPO, 'dist/server/local.mjs');
export const stackBuilt = (): boolean => existsSync(STACK_ENTRY);

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface Stack {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, and wait for a clean exit (the stack finishes what is in flight). */
  stop(): Promise<number | null>;
}

/** The real local stack (`npm start`'s bundle), on a fixed port so that it can be restarted at the same address. */
export async function startStack(dataDir: string, port: number, adminToken: string): Promise<Stack> {
  const child = spawn(process.execPath, [STACK_ENTRY], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => reject(new Error(`local stack exited (${code}) before listening:\n${out}`)));
    setTimeout(() => reject(new Error(`local stack did not start in 30 s:\n${out}`)), 30_000).unref();
  });
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** POST /v1/devices: returns the device key. */
export async function registerDevice(url: string, adminToken: string, deviceId: string): Promise<string> {
  const r = await api(url, adminToken, 'POST', '/v1/devices', { deviceId, name: 'e2e board' });
  if (r.status !== 201) throw new Error(`register ${deviceId}: ${r.status} ${JSON.stringify(r.json)}`);
  return (r.json as { key: string }).key;
}

export interface StoredReading {
  id?: string;
  ts: string;
  [k: string]: unknown;
}

/** Every stored reading of a device, following nextCursor. */
export async function allReadings(url: string, adminToken: string, deviceId: string): Promise<StoredReading[]> {
  const out: StoredReading[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const q = `?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api(url, adminToken, 'GET', `/v1/devices/${encodeURIComponent(deviceId)}/readings${q}`);
    if (r.status !== 200) throw new Error(`readings: ${r.status} ${JSON.stringify(r.json)}`);
    const body = r.json as { items: StoredReading[]; nextCursor?: string };
    out.push(...body.items);
    if (!body.nextCursor) return out;
    cursor = body.nextCursor;
  }
  throw new Error('readings: too many pages');
}
