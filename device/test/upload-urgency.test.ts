import { describe, expect, it } from 'vitest';
import { INITIAL_URGENCY, isAlarming, judgeUpload, type Urgency, type UrgencyReading, type UrgencyState } from '../../src/domain/alerts/upload-urgency.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/thresholds.js';

const T = DEFAULT_THRESHOLDS;
const MIN = 60_000;

/** Feeds readings one after the other (10 s apart unless given a ts) and returns each decision. */
function run(readings: Omit<UrgencyReading, 'ts'>[] | UrgencyReading[], stepMs = 10_000): { urgency: Urgency; reasons: string[] }[] {
  let state: UrgencyState = INITIAL_URGENCY;
  return readings.map((r, i) => {
    const d = judgeUpload(state, { ts: 'ts' in r ? r.ts : i * stepMs, ...r }, T);
    state = d.state;
    return { urgency: d.urgency, reasons: d.reasons };
  });
}
const urgencies = (readings: Parameters<typeof run>[0], stepMs?: number) => run(readings, stepMs).map((d) => d.urgency);

describe('upload urgency: the same rules as the server decide when the board posts', () => {
  const table: [string, Omit<UrgencyReading, 'ts'>[], Urgency[]][] = [
    ['quiet room: waits for the interval', [{ co2: 600, temperature: 21, smoke: 0.03, flame: false }, { co2: 620, temperature: 21.2, smoke: 0.04, flame: false }], ['interval', 'interval']],
    ['a co2 warning alone: once at the raise, then the interval, once at the clear', [{ co2: 800 }, { co2: 1100 }, { co2: 1150 }, { co2: 1200 }, { co2: 950 }, { co2: 850 }], ['interval', 'now', 'interval', 'interval', 'interval', 'now']],
    ['co2 near critical (within 10%): fast, escalation at once, fast until below the warning level', [{ co2: 1100 }, { co2: 4600 }, { co2: 5100 }, { co2: 4000 }, { co2: 990 }, { co2: 850 }], ['now', 'fast', 'now', 'fast', 'interval', 'now']],
    ['a flame: at once, fast while it burns, at once when it goes', [{ flame: false }, { flame: true }, { flame: true }, { flame: false }, { flame: false }], ['interval', 'now', 'fast', 'now', 'interval']],
    ['heat near the raise level: fast before the alarm, at once at the raise, fast until below the clear level', [{ temperature: 47 }, { temperature: 52 }, { temperature: 57 }, { temperature: 53 }, { temperature: 51 }, { temperature: 49 }, { temperature: 48 }], ['interval', 'fast', 'now', 'fast', 'fast', 'now', 'interval']],
    ['smoke: near is fast, raise at once, clear at once', [{ smoke: 0.05 }, { smoke: 0.32 }, { smoke: 0.36 }, { smoke: 0.31 }, { smoke: 0.29 }, { smoke: 0.1 }], ['interval', 'fast', 'now', 'fast', 'now', 'interval']],
    ['sensor faults: the fault alert changes, so at once; the same faults again wait', [{ co2: 600 }, { co2: 600, faults: ['smoke:disconnected'] }, { co2: 600, faults: ['smoke:disconnected'] }, { co2: 600 }], ['interval', 'now', 'interval', 'now']],
    ['co2 below 350 ppm: the server adds co2:calibration, so that is a change too', [{ co2: 600 }, { co2: 300 }, { co2: 310 }, { co2: 600 }], ['interval', 'now', 'interval', 'now']],
  ];
  it.each(table)('%s', (_name, readings, want) => {
    expect(urgencies(readings)).toEqual(want);
  });

  it('a heat rise of 8.3 C/min over a minute raises at once (rate of rise), and a rise near it is fast', () => {
    // 10 s apart: +1.2 C per step = 7.2 C/min (near: within 10% of 8.3 is >= 7.47? no), then +1.5 C per step = 9 C/min.
    const slow = urgencies(Array.from({ length: 8 }, (_, i) => ({ temperature: 22 + i * 1.3 })));
    expect(slow.slice(0, 6)).toEqual(['interval', 'interval', 'interval', 'interval', 'interval', 'interval']);
    expect(slow.slice(6)).toEqual(['fast', 'fast']); // 7.8 C/min: within 10% of 8.3
    const fast = run(Array.from({ length: 8 }, (_, i) => ({ temperature: 22 + i * 1.5 })));
    expect(fast[6]).toEqual({ urgency: 'now', reasons: ['raise:heat'] });
  });

  it('a late reading (older than the newest judged) changes nothing, but a late flame is still sent at once', () => {
    const d = run([{ ts: 10 * MIN, co2: 600 }, { ts: 5 * MIN, co2: 1200 }, { ts: 6 * MIN, flame: true }]);
    expect(d.map((x) => x.urgency)).toEqual(['interval', 'interval', 'now']);
  });

  it('isAlarming: what a full queue must keep', () => {
    expect(isAlarming({ flame: true }, T)).toBe(true);
    expect(isAlarming({ co2: 1000 }, T)).toBe(true);
    expect(isAlarming({ temperature: 57 }, T)).toBe(true);
    expect(isAlarming({ smoke: 0.35 }, T)).toBe(true);
    expect(isAlarming({ co2: 999, temperature: 56.9, smoke: 0.34, flame: false }, T)).toBe(false);
  });
});
