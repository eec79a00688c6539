import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from '../src/agent.js';
import { parseConfig } from '../src/config.js';
import type { HttpResponse } from '../src/http.js';
import { DEFAULT_POLICY, parsePolicy, PolicyFile } from '../src/policy.js';
import { captureLog } from './helpers/log.js';
import { tmpDir } from './helpers/tmp.js';
import { waitFor } from './helpers/wait.js';

const root = tmpDir();
const POLICY = {
  thresholds: { co2: { warning: 800, critical: 1500, clear: 700 }, heat: { critical: 57, risePerMinute: 8.3, clear: 50 }, smoke: { critical: 0.35, clear: 0.3 }, offlineAfterSeconds: 600 },
  uploadIntervalSeconds: 120,
};

describe('the policy of the ingest answer', () => {
  it('is parsed with the defaults filled in, and refused when it makes no sense', () => {
    expect(parsePolicy(POLICY)).toEqual(POLICY);
    expect(parsePolicy({ uploadIntervalSeconds: 60 })).toEqual({ thresholds: DEFAULT_POLICY.thresholds, uploadIntervalSeconds: 60 });
    expect(parsePolicy({ thresholds: { co2: { clear: 2000 } } })).toBeUndefined(); // clear above the warning level
    expect(parsePolicy({ uploadIntervalSeconds: 'soon' })).toBeUndefined();
    expect(parsePolicy(null)).toBeUndefined();
  });

  it('takes the upload phase when it is seconds (to the millisecond) within the interval; leaves out one that is not (the rest stands), and never keeps the previous one', () => {
    expect(parsePolicy({ ...POLICY, uploadPhaseSeconds: 37 })).toEqual({ ...POLICY, uploadPhaseSeconds: 37 });
    expect(parsePolicy({ ...POLICY, uploadPhaseSeconds: 0 })?.uploadPhaseSeconds).toBe(0);
    expect(parsePolicy({ ...POLICY, uploadPhaseSeconds: 37.125 })?.uploadPhaseSeconds).toBe(37.125);
    for (const bad of [120, -1, Number.NaN, '37', null]) expect(parsePolicy({ ...POLICY, uploadPhaseSeconds: bad }), String(bad)).toEqual(POLICY);
    // An answer without a phase (an older server) means none, whatever the last policy had.
    expect(parsePolicy({ uploadIntervalSeconds: 60 }, { ...POLICY, uploadPhaseSeconds: 37 })).toEqual({ thresholds: POLICY.thresholds, uploadIntervalSeconds: 60 });
  });

  it('the agent takes it: upload interval and thresholds (kept across restarts), the config interval left unset', async () => {
    const queueDir = join(root, 'q');
    const cfg = parseConfig({ deviceId: 'bbb-policy', apiUrl: 'http://127.0.0.1:9', deviceKey: 'k', queueDir, sampleIntervalMs: 50, sensors: [{ type: 'simulated' }] }, root);
    const post = async (_p: string, body: string): Promise<HttpResponse> => {
      const n = (JSON.parse(body) as { readings: unknown[] }).readings.length;
      return { status: 200, headers: {}, body: JSON.stringify({ accepted: n, duplicates: 0, rejected: [], policy: POLICY }) };
    };
    const cap = captureLog();
    const a = new Agent(cfg, { log: cap.log, post });
    expect(a.uploadIntervalMs()).toBe(300_000); // before the first answer: the deployment default
    a.start();
    await waitFor(() => a.sampler.taken >= 2, 10_000, 'samples');
    expect(a.uploader.stats.posts).toBe(0); // quiet readings wait for the interval...
    a.uploader.kick(); // ...which the test cuts short
    await waitFor(() => a.uploader.stats.posts >= 1, 10_000, 'the first post');
    await waitFor(() => a.uploadIntervalMs() === 120_000, 5_000, 'the policy taken');
    expect(a.policy.current.thresholds.co2.warning).toBe(800);
    expect(cap.find('policy from the API').length).toBe(1);
    await a.stop(200);
    expect(new PolicyFile(queueDir, captureLog().log).current).toEqual(POLICY);
    const fixed = new Agent({ ...cfg, uploadIntervalMs: 2_000 }, { log: captureLog().log, post });
    expect(fixed.uploadIntervalMs()).toBe(2_000); // the config's interval wins over the API's
    await fixed.stop(100);
  }, 20_000);
});
