import { describe, expect, it } from 'vitest';
import { ConfigError, parseSettings } from '../../src/app/settings.js';
import { DEFAULT_THRESHOLDS, THRESHOLD_PRESETS, thresholdProblems } from '../../src/domain/thresholds.js';

describe('THRESHOLDS_PRESET', () => {
  it('defaults to the contract table', () => {
    expect(parseSettings({}).thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(parseSettings({ THRESHOLDS_PRESET: 'default' }).thresholds).toEqual(DEFAULT_THRESHOLDS);
  });

  it('fr-erp changes only the CO2 levels', () => {
    const t = parseSettings({ THRESHOLDS_PRESET: 'fr-erp' }).thresholds;
    expect(t.co2).toEqual({ warning: 800, critical: 1500, clear: 700 });
    expect(t.heat).toEqual(DEFAULT_THRESHOLDS.heat);
    expect(t.smoke).toEqual(DEFAULT_THRESHOLDS.smoke);
    expect(t.offlineAfterSeconds).toBe(DEFAULT_THRESHOLDS.offlineAfterSeconds);
    expect(thresholdProblems(THRESHOLD_PRESETS['fr-erp'])).toEqual([]);
  });

  it('is applied before THRESHOLDS and OFFLINE_AFTER_SECONDS', () => {
    const t = parseSettings({ THRESHOLDS_PRESET: ' FR-ERP ', THRESHOLDS: '{"co2":{"critical":2000}}', OFFLINE_AFTER_SECONDS: '900' }).thresholds;
    expect(t.co2).toEqual({ warning: 800, critical: 2000, clear: 700 });
    expect(t.offlineAfterSeconds).toBe(900);
  });

  it('judges THRESHOLDS against the preset (a clear above the preset warning is refused)', () => {
    expect(() => parseSettings({ THRESHOLDS_PRESET: 'fr-erp', THRESHOLDS: '{"co2":{"clear":850}}' })).toThrow(/THRESHOLDS.co2.clear: must be below co2.warning \(800\)/);
  });

  it('refuses an unknown preset by name', () => {
    let error: unknown;
    try {
      parseSettings({ THRESHOLDS_PRESET: 'fr' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['THRESHOLDS_PRESET must be default or fr-erp (got "fr")']);
  });
});
