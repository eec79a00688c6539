import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../helpers/local-stack.js';

/** `make dev` (scripts/dev.mjs) on a free port, without the simulated board; resolves with its printed banner. */
function startDev(dataDir: string): { child: ChildProcess; banner: Promise<string> } {
  // No ADMIN_TOKEN: the stack generates one into DATA_DIR, as for a newcomer.
  const { ADMIN_TOKEN: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['scripts/dev.mjs'], {
    env: { ...env, PORT: '0', DATA_DIR: dataDir, SIM_BOARD: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/\/v1\/devices\/my-board\/readings.*\n/.test(output)) resolve(output);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`dev.mjs exited with ${code}:\n${output}`)));
  });
  return { child, banner };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The lines under "copy-paste", as a user selects them (the banner's indentation included). */
function copyPasteBlock(banner: string): string {
  const after = banner.split('(copy-paste):\n')[1];
  if (!after) throw new Error(`no copy-paste block in:\n${banner}`);
  const lines = after.split('\n');
  const block: string[] = [];
  for (const line of lines.slice(lines[0] === '' ? 1 : 0)) {
    if (line.trim() === '') break;
    block.push(line);
  }
  return block.join('\n');
}

/** Runs the block in POSIX sh, as pasted; answers its stdout and stderr, one JSON answer a line. */
function paste(block: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync('sh', ['-c', block], { encoding: 'utf8', timeout: 20_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("make dev's banner", () => {
  it('has a copy-paste block that works pasted twice, and again after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-banner-'));
    dirs.push(dataDir);
    let dev = startDev(dataDir);
    const blocks: string[] = [];
    const results: ReturnType<typeof paste>[] = [];
    try {
      blocks.push(copyPasteBlock(await dev.banner));
      results.push(paste(blocks[0]!), paste(blocks[0]!));
    } finally {
      await stop(dev.child);
    }
    dev = startDev(dataDir); // the restart: the board from the first paste exists, its key is unknown
    try {
      blocks.push(copyPasteBlock(await dev.banner));
      results.push(paste(blocks[1]!));
    } finally {
      await stop(dev.child);
    }
    expect(blocks[0]).toContain('API=http://127.0.0.1:');
    expect(blocks[0]).toMatch(/ADMIN_TOKEN=\S{20,}/);
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const [ingest, readings] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      // A key that worked: the reading was taken (new) or is the same second's reading again (duplicate), never `unknown token`.
      expect(ingest.accepted + ingest.duplicates).toBe(1);
      expect(ingest.rejected).toEqual([]);
      expect(readings.items.length).toBeGreaterThanOrEqual(1);
      expect(readings.items.at(-1)).toMatchObject({ co2: 812, temperature: 22.4 });
    }
  }, 90_000);

  it('prints the wall screen\'s address with a read token that reads (200) and writes nothing (403), the same after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-wall-'));
    dirs.push(dataDir);
    const wallOf = (banner: string) => {
      const match = /Wall\s+(http:\/\/\S+)\/#\/wall\?token=(\S+)/.exec(banner);
      if (!match) throw new Error(`no wall line in:\n${banner}`);
      return { url: match[1] as string, token: decodeURIComponent(match[2] as string) };
    };
    const tokens: string[] = [];
    for (let run = 0; run < 2; run++) {
      const dev = startDev(dataDir);
      try {
        const wall = wallOf(await dev.banner);
        tokens.push(wall.token);
        const headers = { authorization: `Bearer ${wall.token}`, 'content-type': 'application/json' };
        expect((await fetch(`${wall.url}/v1/devices`, { headers })).status).toBe(200);
        const write = await fetch(`${wall.url}/v1/devices`, { method: 'POST', headers, body: JSON.stringify({ deviceId: 'by-the-wall' }) });
        expect(write.status).toBe(403);
        expect(((await write.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      } finally {
        await stop(dev.child);
      }
    }
    expect(tokens[0]).toMatch(/^rd\.\S{40,}$/);
    expect(tokens[1]).toBe(tokens[0]);
  }, 90_000);
});

describe('the local stack on a busy port', () => {
  let holder: Server | undefined;
  afterAll(() => holder?.close());

  it('says in one line which port is busy and how to choose another, without a stack trace', async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(0, '127.0.0.1', () => resolve()));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const dataDir = mkdtempSync(join(tmpdir(), 'port-busy-'));
    dirs.push(dataDir);
    const result = spawnSync(process.execPath, ['dist/server/local.mjs'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN, POWERTOOLS_LOG_LEVEL: 'WARN' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(4);
    const errorLines = result.stderr.trim().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain(`port ${port}`);
    expect(errorLines[0]).toContain('PORT=');
    expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
  });
});
