import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { lambdas } from '../build.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'fire-co2-bundles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('Lambda bundles', () => {
  it.each(Object.keys(lambdas))('%s imports as ESM in a folder without node_modules and exports a handler', (name) => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    // Unzip with the zip's own bytes: what Lambda receives.
    execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', join('dist/lambda', `${name}.zip`), dir]);
    // Importing from a .mjs file: `node -e` would hide an import-time crash of the bundled SDK.
    writeFileSync(
      join(dir, 'check.mjs'),
      "const m = await import('./index.mjs'); if (typeof m.handler !== 'function') { console.error('no handler'); process.exit(1); } console.log('handler ok');\n",
    );
    const out = execFileSync(process.execPath, [join(dir, 'check.mjs')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        READINGS_TABLE: 't-readings',
        DEVICES_TABLE: 't-devices',
        ALERTS_TABLE: 't-alerts',
        ADMIN_TOKEN_PARAMETER: '/t/admin-token',
        ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-3:123456789012:t-alerts',
        AWS_REGION: 'eu-west-3',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    expect(out).toContain('handler ok');
  });

  it('are byte-for-byte reproducible (a second build elsewhere gives the same zips)', () => {
    // Same depth as dist/ (source maps hold paths relative to the bundle), elsewhere in the tree.
    const second = join(process.cwd(), '.dist-check');
    execFileSync(process.execPath, ['build.mjs', 'lambda'], { stdio: 'ignore', env: { ...process.env, DIST_DIR: second } });
    try {
      for (const name of Object.keys(lambdas)) {
        expect(sha(join(second, 'lambda', `${name}.zip`))).toBe(sha(join('dist/lambda', `${name}.zip`)));
      }
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('fail at cold start with a message naming a missing setting', () => {
    const dir = join(scratch, 'api');
    let message = '';
    try {
      execFileSync(process.execPath, [join(dir, 'check.mjs')], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toMatch(/READINGS_TABLE is required/);
  });
});
