import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ApiClient, isoNow } from '../helpers/local-stack.js';

/**
 * `npm start` as a terminal runs it: its own process group, and the signal
 * sent to the whole group (npm, the shell, node), as Ctrl-C, systemd or a
 * container runtime do. `--ignore-scripts` skips prestart's build (the
 * suite's global setup built dist/); the npm and shell layers are the same.
 */
describe.each(['SIGINT', 'SIGTERM'] as const)('npm start under %s to its whole process group', (signal) => {
  it('finishes the request in flight and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fire-co2-signal-'));
    const child = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      detached: true,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN, POWERTOOLS_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exited.then(() => reject(new Error(`exited before listening:\n${output}`)));
      });
      const api = new ApiClient(url, ADMIN_TOKEN);
      const key = await api.registerDevice('sig-1');
      const body = Buffer.from(JSON.stringify({ deviceId: 'sig-1', readings: Array.from({ length: 500 }, (_, i) => ({ id: `r${i}`, ts: isoNow(-i * 1000), co2: 600 })) }));
      // Half the body now, the rest after the signal: the request is surely in flight when it arrives.
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${url}/v1/readings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.write(body.subarray(0, body.length >> 1));
        setTimeout(() => {
          process.kill(-(child.pid as number), signal);
          setTimeout(() => req.end(body.subarray(body.length >> 1)), 300);
        }, 300);
      });
      const done = await answer;
      expect(done.status).toBe(200);
      expect(JSON.parse(done.body)).toMatchObject({ accepted: 500, duplicates: 0, rejected: [] });
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain(`${signal}: finishing requests in flight`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
