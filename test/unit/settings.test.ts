import { describe, expect, it } from 'vitest';
import { ConfigError, parseSettings } from '../../src/app/settings.js';
import { decodeCursor, encodeCursor } from '../../src/app/cursor.js';
import { DEFAULT_THRESHOLDS, mergeThresholds, thresholdProblems } from '../../src/domain/thresholds.js';

describe('settings from the environment', () => {
  it('defaults to the contract', () => {
    expect(parseSettings({})).toEqual({ retentionDays: 90, publicRead: false, thresholds: DEFAULT_THRESHOLDS, notificationLanguage: 'en', reminderMinutes: 30, deviceSeries: 'off', escalateAfterMinutes: 10, emergencyNumber: '112', uploadIntervalSeconds: 300,
      occupiedHours: { text: 'Mon-Fri 08:00-18:00', days: [[[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [], []] }, timeZone: 'Europe/Paris' });
  });

  it('merges THRESHOLDS over the defaults and OFFLINE_AFTER_SECONDS', () => {
    const s = parseSettings({ THRESHOLDS: '{"co2":{"warning":1200},"smoke":{"critical":0.4}}', OFFLINE_AFTER_SECONDS: '5', PUBLIC_READ: 'true', NOTIFICATION_LANGUAGE: 'fr' });
    expect(s.thresholds.co2).toEqual({ warning: 1200, critical: 5000, clear: 900 });
    expect(s.thresholds.smoke).toEqual({ critical: 0.4, clear: 0.3 });
    expect(s.thresholds.offlineAfterSeconds).toBe(5);
    expect(s.publicRead).toBe(true);
    expect(s.notificationLanguage).toBe('fr');
  });

  it('names every problem at once', () => {
    try {
      parseSettings({ RETENTION_DAYS: '7.5', PUBLIC_READ: 'maybe', THRESHOLDS: '{"co2":{"clear":1500}}', NOTIFICATION_LANGUAGE: 'de', REMINDER_MINUTES: '-1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['RETENTION_DAYS', 'PUBLIC_READ', 'THRESHOLDS.co2.clear', 'NOTIFICATION_LANGUAGE', 'REMINDER_MINUTES']) expect(problems).toContain(name);
    }
    expect(() => parseSettings({ THRESHOLDS: '{not json' })).toThrow(/THRESHOLDS must be JSON/);
    expect(() => parseSettings({ THRESHOLDS: '{"co2":{"warn":1}}' })).toThrow(/THRESHOLDS.co2.warn: unknown field/);
  });
});

describe('escalation and emergency number', () => {
  it.each([
    ['0', 0],
    ['2.5', 2.5],
    ['10', 10],
    [' 0.25 ', 0.25],
  ])('ESCALATE_AFTER_MINUTES=%j is %d minutes (0 turns it off)', (raw, minutes) => {
    expect(parseSettings({ ESCALATE_AFTER_MINUTES: raw }).escalateAfterMinutes).toBe(minutes);
  });
  it.each(['-1', 'ten', '1e3', '99999999', '5 min'])('ESCALATE_AFTER_MINUTES=%j is refused, naming the setting', (raw) => {
    expect(() => parseSettings({ ESCALATE_AFTER_MINUTES: raw })).toThrow(/ESCALATE_AFTER_MINUTES must be a number of minutes/);
  });
  it('EMERGENCY_NUMBER is the number to dial', () => {
    expect(parseSettings({ EMERGENCY_NUMBER: '18' }).emergencyNumber).toBe('18');
    expect(parseSettings({ EMERGENCY_NUMBER: '+3318' }).emergencyNumber).toBe('+3318');
    for (const bad of ['1', 'fire', '1 12', '12345678901234567']) expect(() => parseSettings({ EMERGENCY_NUMBER: bad })).toThrow(/EMERGENCY_NUMBER must be/);
  });
});

describe('thresholds', () => {
  it('fall back per field and check clear below raise', () => {
    const t = mergeThresholds(DEFAULT_THRESHOLDS, { heat: { clear: 58 } });
    expect(t.heat).toEqual({ critical: 57, risePerMinute: 8.3, clear: 58 });
    expect(thresholdProblems(t).map((p) => p.path)).toEqual(['thresholds.heat.clear']);
    expect(thresholdProblems(mergeThresholds(DEFAULT_THRESHOLDS, { co2: { warning: 6000 } })).map((p) => p.path)).toEqual(['thresholds.co2.warning']);
    expect(thresholdProblems(DEFAULT_THRESHOLDS)).toEqual([]);
  });
});

describe('cursors', () => {
  it('round-trip and refuse anything else', () => {
    expect(decodeCursor(encodeCursor({ t: 'abc#1' }), ['t'])).toEqual({ t: 'abc#1' });
    for (const bad of ['', '!!!', Buffer.from('[]').toString('base64url'), Buffer.from('{"v":2,"t":"x"}').toString('base64url'), encodeCursor({ u: 'x' })]) {
      expect(() => decodeCursor(bad, ['t'])).toThrow();
    }
  });
});
