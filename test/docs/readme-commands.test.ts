import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnStack, type StackProcess } from '../helpers/stack-process.js';

/**
 * The shell blocks of the README and of the board guide, run as written
 * against a fresh local stack (the built `npm start`), one stack per document,
 * the blocks in document order, each in its own `sh -eu` (so every block must
 * set what it uses: an unset `$API` fails here as it failed for a newcomer).
 *
 * Every ```sh block carries a marker on the line before it:
 *   <!-- doc-test: run -->                   run here
 *   <!-- doc-test: skip, needs AWS -->       needs an AWS account (terraform, aws ssm)
 *   <!-- doc-test: skip, needs a board -->   runs on the BeagleBone (sudo, systemd, /sys, scp to it)
 * A shell block without a marker fails this test, so no new command goes unchecked.
 *
 * Two things differ from a newcomer's terminal, nothing in the blocks: the
 * working directory is a scratch one whose `.data` is the stack's DATA_DIR
 * (the blocks read `.data/admin-token` as at the project's root), and the
 * stack listens on a free port, written in place of `127.0.0.1:3000`
 * (port 3000 may be taken on a shared machine). The stack gets a read token
 * kept in `.data/read-token`, as `make dev` starts it (scripts/dev.mjs).
 */

const DOCUMENTS = ['README.md', 'device/docs/board-setup.md'];
const SHELL_FENCE = /^(\s*)```(sh|bash|shell)\s*$/;
const MARKER = /^\s*<!-- doc-test: (run|skip, (needs AWS|needs a board)) -->\s*$/;

interface Block {
  file: string;
  line: number;
  run: boolean;
  reason?: string;
  script: string;
}

function shellBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = SHELL_FENCE.exec(lines[i]!);
    if (!fence) continue;
    const indent = fence[1]!.length;
    let previous = i - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const marker = MARKER.exec(lines[previous] ?? '');
    if (!marker) throw new Error(`${file}:${i + 1}: a shell block without a "<!-- doc-test: run -->" or "<!-- doc-test: skip, needs AWS|needs a board -->" marker`);
    const body: string[] = [];
    let end = i + 1;
    for (; end < lines.length && lines[end]!.trim() !== '```'; end++) body.push(lines[end]!.slice(indent));
    if (end === lines.length) throw new Error(`${file}:${i + 1}: unclosed shell block`);
    blocks.push({
      file,
      line: i + 1,
      run: marker[1] === 'run',
      ...(marker[2] ? { reason: marker[2] } : {}),
      script: body.join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** JSON answers printed by a block (one a line, as the blocks `echo` after each curl). */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe.each(DOCUMENTS)('the shell blocks of %s', (file) => {
  it('are all marked, and those marked to run work as written against a fresh local stack', async () => {
    const blocks = shellBlocks(file);
    const toRun = blocks.filter((block) => block.run);
    expect(toRun.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks.filter((b) => !b.run)) console.log(`doc-test: ${file}:${block.line} not run here (${block.reason})`);

    const cwd = mkdtempSync(join(tmpdir(), 'doc-test-'));
    scratch.push(cwd);
    const dataDir = join(cwd, '.data');
    mkdirSync(dataDir);
    let stack: StackProcess | undefined;
    try {
      const readToken = `rd.${randomBytes(32).toString('base64url')}`;
      writeFileSync(join(dataDir, 'read-token'), `${readToken}\n`, { mode: 0o600 });
      // No ADMIN_TOKEN: generated into .data/admin-token, as for a newcomer.
      stack = await spawnStack(dataDir, { ADMIN_TOKEN: '', READ_TOKEN: readToken });
      const hostPort = new URL(stack.url).host;
      for (const block of toRun) {
        const script = block.script.replaceAll('127.0.0.1:3000', hostPort);
        const result = spawnSync('sh', ['-eu', '-c', script], { cwd, encoding: 'utf8', timeout: 20_000 });
        const where = `${file}:${block.line}\n${block.script}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
        expect(result.status, where).toBe(0);
        expect(result.stderr, where).toBe('');
        const answers = jsonLines(result.stdout);
        expect(answers.length, where).toBeGreaterThan(0);
        for (const answer of answers) expect(answer, where).not.toHaveProperty('error');
        if (block.script.includes('-X POST "$API/v1/devices"')) {
          expect(answers[0], where).toMatchObject({ deviceId: 'bbb-salle-101', key: expect.stringMatching(/^dk\.bbb-salle-101\./) });
        }
      }
    } finally {
      if (stack) {
        stack.child.kill('SIGTERM');
        await stack.exited;
      }
    }
  }, 60_000);
});

describe("the project's docs", () => {
  it('hold the API reference themselves: no pointer to a contract file users of this repository do not have', () => {
    const files = ['README.md', 'device/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), ...readdirSync('device/docs').filter((f) => f.endsWith('.md')).map((f) => `device/docs/${f}`)];
    const pointing = files.filter((file) => /\.\.\/shared|shared\/contract/.test(readFileSync(file, 'utf8')));
    expect(files.length).toBeGreaterThan(5);
    expect(pointing).toEqual([]);
    const api = readFileSync('docs/api.md', 'utf8');
    for (const route of ['POST /v1/silences', 'GET /v1/devices/{deviceId}/aggregates', 'GET /v1/reports/air-quality', 'format=csv', 'faults', 'policy', 'unacknowledged', 'latencyMs', 'THRESHOLDS_PRESET', '405', 'HEAD', '`..`']) {
      expect(api, route).toContain(route);
    }
    expect(api).toMatch(/`status` defaults to `active`/);
    expect(api.lastIndexOf('## Decisions')).toBeGreaterThan(api.lastIndexOf('## Settings'));
  });
});
