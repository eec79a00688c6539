import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_READ_TOKENS, parseReadTokens } from '../../src/app/settings.js';
import type { Log } from '../../src/app/ports.js';
import { ApiError } from '../../src/domain/errors.js';
import { SsmReadTokens } from '../../src/adapters/ssm/ssm-read-tokens.js';
import type { ReadSecureParameter } from '../../src/adapters/ssm/secure-parameter.js';
import { StaticReadTokens } from '../../src/adapters/static-read-tokens.js';
import { localConfigFromEnv, startLocalStack } from '../../src/server/local-stack.js';

const ADMIN = 'admin-token-of-this-test-0123456789';
const A = 'read-token-a-0123456789abcdefghijklmn';
const B = 'read-token-b-0123456789abcdefghijklmn';

const problemsOf = (env: Record<string, string>): string => {
  try {
    localConfigFromEnv({ DATA_DIR: '/tmp/unused', ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  return '';
};

describe('READ_TOKEN: a read token that could never authenticate, or would be the admin token, stops the start', () => {
  it.each([
    ['too short', 'r'.repeat(31), /READ_TOKEN must be at least 32 characters \(got 31\)/],
    ['whitespace inside', `${'r'.repeat(20)} ${'s'.repeat(20)}`, /READ_TOKEN must not contain whitespace/],
    ['the device-key prefix', `dk.${'r'.repeat(40)}`, /READ_TOKEN must not start with "dk\."/],
    ['the admin token', ADMIN, /READ_TOKEN must differ from the admin token/],
    ['the admin token second in a list', `${A},${ADMIN}`, /READ_TOKEN \(token 2 of 2\) must differ from the admin token/],
    ['a token twice', `${A},${A}`, /READ_TOKEN \(token 2 of 2\) is listed twice/],
    ['an empty entry', `${A},,${B}`, /READ_TOKEN \(token 2 of 3\) is empty/],
    ['too many', Array.from({ length: MAX_READ_TOKENS + 1 }, (_, i) => `${A}${i}`).join(','), /at most 5, separated by commas/],
  ])('%s', (_name, token, problem) => {
    expect(problemsOf({ ADMIN_TOKEN: ADMIN, READ_TOKEN: token })).toMatch(problem);
  });

  it('is named with the other problems, all at once', () => {
    const problems = problemsOf({ ADMIN_TOKEN: 'short', READ_TOKEN: 'also-short', PORT: 'x' });
    for (const name of ['ADMIN_TOKEN', 'READ_TOKEN', 'PORT']) expect(problems).toContain(name);
  });

  it('is optional: unset or blank means no read token', () => {
    expect(localConfigFromEnv({ DATA_DIR: '/tmp/unused' }).readTokens).toEqual([]);
    expect(localConfigFromEnv({ DATA_DIR: '/tmp/unused', READ_TOKEN: '  ' }).readTokens).toEqual([]);
    expect(localConfigFromEnv({ DATA_DIR: '/tmp/unused', READ_TOKEN: ` ${A} , ${B} ` }).readTokens).toEqual([A, B]);
    expect(parseReadTokens(A, ADMIN)).toEqual({ tokens: [A], problems: [] });
  });

  it('may not equal the admin token kept in DATA_DIR/admin-token either (checked when the stack starts)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fire-co2-read-'));
    try {
      writeFileSync(join(dataDir, 'admin-token'), `${ADMIN}\n`);
      const config = localConfigFromEnv({ DATA_DIR: dataDir, PORT: '0', READ_TOKEN: ADMIN });
      await expect(startLocalStack(config, { printNotifications: false })).rejects.toThrow(/READ_TOKEN must differ from the admin token/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('read token verifiers', () => {
  it('StaticReadTokens accepts each listed token exactly', async () => {
    const readers = new StaticReadTokens([A, B]);
    expect(await readers.verify(A)).toBe(true);
    expect(await readers.verify(B)).toBe(true);
    expect(await readers.verify(`${A},${B}`)).toBe(false);
    expect(await readers.verify(A.slice(0, -1))).toBe(false);
    expect(await new StaticReadTokens([]).verify(A)).toBe(false);
  });

  // SSM's wire is tested in test/http/ssm-get-parameter.test.ts; here a stand-in reader answers as it would.
  const errors: string[] = [];
  const log: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => void errors.push(m) };
  const admin = { verify: async (t: string) => t === ADMIN };
  const ssmAnswering = (answer: () => string) => {
    let calls = 0;
    const client: ReadSecureParameter = async () => (calls++, { value: answer().trim() });
    return { client, calls: () => calls };
  };

  it('SsmReadTokens reads the list once a minute', async () => {
    let value = `${A},${B}`;
    let now = 0;
    const ssm = ssmAnswering(() => value);
    const readers = new SsmReadTokens(ssm.client, '/t/read-token', admin, log, 60_000, () => now);
    expect(await readers.verify(A)).toBe(true);
    expect(await readers.verify(B)).toBe(true);
    expect(ssm.calls()).toBe(1);
    value = B; // A is retired
    now = 61_000;
    expect(await readers.verify(A)).toBe(false);
    expect(await readers.verify(B)).toBe(true);
    expect(ssm.calls()).toBe(2);
  });

  it.each([
    ['the admin token', `${A},${ADMIN}`, /must not hold the admin token/],
    ['a short token', `${A},short`, /at least 32 characters/],
    ['nothing', '', /is empty/],
  ])('SsmReadTokens refuses every read token when the parameter holds %s, and says why', async (_name, value, problem) => {
    errors.length = 0;
    const readers = new SsmReadTokens(ssmAnswering(() => value).client, '/t/read-token', admin, log);
    expect(await readers.verify(A)).toBe(false);
    expect(errors.join('\n')).toMatch(problem);
  });

  it('SsmReadTokens: a missing parameter refuses read tokens; SSM failing is a 503 to retry', async () => {
    const notFound: ReadSecureParameter = async () => ({ missing: true });
    expect(await new SsmReadTokens(notFound, '/t/read-token', admin, log).verify(A)).toBe(false);
    const down: ReadSecureParameter = async () => ({ unreachable: new Error('throttled') });
    await expect(new SsmReadTokens(down, '/t/read-token', admin, log).verify(A)).rejects.toSatisfy((e) => e instanceof ApiError && e.status === 503);
  });
});
