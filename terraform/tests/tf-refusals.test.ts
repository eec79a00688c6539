/**
 * `make plan/apply/destroy` and scripts/tf.sh refuse bad input before any
 * build or `terraform init`. Real make and bash; `node`, `npm`, `npx` and
 * `terraform` are stubs on PATH that record each call, so the tests can tell
 * nothing was built or initialised (and they stay fast: no build, no provider).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

let bin: string;
let calls: string;

beforeAll(async () => {
  bin = await mkdtemp(path.join(tmpdir(), 'tf-refusals-'));
  calls = path.join(bin, 'calls.log');
  await writeFile(calls, '');
  for (const tool of ['node', 'npm', 'npx', 'terraform']) {
    // terraform init prints what a real one prints first, so the test can see it streamed.
    const stub = `#!/bin/sh\necho "${tool} $*" >> "${calls}"\n[ "${tool}" = terraform ] && case "$*" in *" init "*) echo "Initializing provider plugins...";; esac\nexit 0\n`;
    await writeFile(path.join(bin, tool), stub);
    await chmod(path.join(bin, tool), 0o755);
  }
});

afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  calls: string[];
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  await writeFile(calls, '');
  const { MODE: _m, TFVARS: _t, ...base } = process.env;
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: repo, env: { ...base, ...env, PATH: `${bin}:${process.env.PATH ?? ''}` } }, (err, stdout, stderr) => {
      void readFile(calls, 'utf8').then((log) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, calls: log.split('\n').filter(Boolean) }),
      );
    });
  });
}

describe('make plan/apply/destroy refuse bad input before any build or init', () => {
  it('make plan MODE=lambda says MODE is wrong at once', async () => {
    const r = await run('make', ['plan', 'MODE=lambda']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("MODE must be serverless or vpc (got 'lambda')");
    expect(r.calls).toEqual([]);
  });

  it('make destroy MODE=foo refuses before terraform init', async () => {
    const r = await run('make', ['destroy', 'MODE=foo']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("got 'foo'");
    expect(r.calls).toEqual([]);
  });

  it('make plan TFVARS=<missing file> says to copy an example', async () => {
    const r = await run('make', ['plan', 'TFVARS=my.tfvars']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('my.tfvars not found');
    expect(r.stderr).toContain('cp terraform/examples/serverless.tfvars my.tfvars');
    expect(r.calls).toEqual([]);
  });

  it('make apply without TFVARS refuses to deploy the example contacts', async () => {
    const r = await run('make', ['apply', 'MODE=vpc']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('make apply needs TFVARS');
    expect(r.stderr).toContain('safety-team@example.org');
    expect(r.stderr).toContain('cp terraform/examples/vpc.tfvars');
    expect(r.calls).toEqual([]);
  });

  it('make apply with a copy that still holds the example contacts refuses, naming the lines', async () => {
    const r = await run('make', ['apply', 'TFVARS=terraform/examples/serverless.tfvars']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('still holds the example');
    expect(r.stderr).toMatch(/alert_emails\s+= \["safety-team@example\.org"\]/);
    expect(r.calls).toEqual([]);
  });
});

describe('scripts/tf.sh', () => {
  it('streams terraform init (a first provider download must not look hung), then plans', async () => {
    const r = await run('bash', ['scripts/tf.sh', 'plan'], { MODE: 'vpc' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Initializing provider plugins...');
    expect(r.calls[0]).toMatch(/^terraform -chdir=\S+ init /);
    expect(r.calls[1]).toMatch(/^terraform -chdir=\S+ plan -input=false -var-file=\S+examples\/vpc\.tfvars -var=mode=vpc$/);
  });

  it('a good plan goes through: preflight accepts the example for plan', async () => {
    const r = await run('bash', ['scripts/tf.sh', 'preflight', 'plan']);
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
  });
});
