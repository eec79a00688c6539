import { describe, expect, it } from 'vitest';
import { adminTokenProblem, ConfigError, parseSettings } from '../../src/app/settings.js';
import { newAdminToken } from '../../src/app/credentials.js';
import { localConfigFromEnv } from '../../src/server/local-stack.js';

describe('THRESHOLDS refuses numbers the store cannot hold', () => {
  it.each([1e-140, 1e-131, -1e-200])('refuses %s at start, naming the field', (tiny) => {
    expect(() => parseSettings({ THRESHOLDS: JSON.stringify({ smoke: { clear: tiny } }) })).toThrow(/THRESHOLDS\.smoke\.clear: must be 0 or a magnitude between 1e-130 and 1e125/);
  });

  it('still takes 0 and ordinary decimals', () => {
    expect(parseSettings({ THRESHOLDS: '{"smoke":{"clear":0,"critical":0.2}}' }).thresholds.smoke).toEqual({ clear: 0, critical: 0.2 });
  });
});

describe('an admin token that could never authenticate stops the start', () => {
  const good = 'a'.repeat(32);
  it.each([
    ['too short', 'a'.repeat(31), /at least 32 characters \(got 31\)/],
    ['whitespace inside', `${'a'.repeat(20)} ${'b'.repeat(20)}`, /must not contain whitespace/],
    ['a tab inside', `${'a'.repeat(20)}\t${'b'.repeat(20)}`, /must not contain whitespace/],
    ['the device-key prefix', `dk.${'a'.repeat(40)}`, /must not start with "dk\."/],
  ])('%s', (_name, token, problem) => {
    expect(adminTokenProblem(token)).toMatch(problem);
    try {
      localConfigFromEnv({ ADMIN_TOKEN: token, DATA_DIR: '/tmp/unused' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toMatch(problem);
      expect((error as ConfigError).problems.join('\n')).toContain('ADMIN_TOKEN');
    }
  });

  it('accepts a good token, and the one the local stack generates', () => {
    expect(adminTokenProblem(good)).toBeUndefined();
    expect(localConfigFromEnv({ ADMIN_TOKEN: good, DATA_DIR: '/tmp/unused' }).adminTokenFromEnv).toBe(good);
    for (let i = 0; i < 20; i++) expect(adminTokenProblem(newAdminToken())).toBeUndefined();
  });
});
