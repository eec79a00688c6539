import { describe, expect, it } from 'vitest';
import { asciiSubject, renderNotification } from '../../src/domain/alerts/messages.js';
import type { PendingNotification } from '../../src/domain/alerts/types.js';
import { ALERT_KINDS } from '../../src/domain/alerts/types.js';

const device = { deviceId: 'bbb-salle-101', name: 'Salle 101', location: 'Bâtiment A, 1er étage' };
const entry = (over: Partial<PendingNotification>): PendingNotification => ({
  seq: '0', transition: 'raised', alertId: 'al_x', deviceId: 'bbb-salle-101', kind: 'fire', severity: 'critical',
  value: true, threshold: true, at: '2026-11-29T18:02:11.000Z', raisedAt: '2026-11-29T18:02:11.000Z', ...over,
});

describe('notification texts', () => {
  it('say what, where, when and what to do', () => {
    const { subject, message, sms } = renderNotification(entry({}), device, 'en');
    expect(message).toContain('FIRE — Salle 101 (bbb-salle-101), Bâtiment A, 1er étage: flame detected at 18:02:11 UTC');
    expect(message).toMatch(/evacuate/);
    expect(subject).toBe('FIRE - Salle 101: flame detected at 18:02:11 UTC');
    expect(sms).toMatch(/^FIRE — Salle 101: flame detected at 18:02:11 UTC\./);
  });

  it('exist in French', () => {
    const { message, subject } = renderNotification(entry({ kind: 'smoke', value: 0.42, threshold: 0.35 }), device, 'fr');
    expect(message).toContain('FUMÉE — Salle 101');
    expect(message).toContain('fumée 42 %');
    expect(message).toMatch(/Évacuez/);
    expect(subject.startsWith('FUMEE - Salle 101')).toBe(true);
  });

  const transitions = ['raised', 'escalated', 'resolved', 'reminder', 'changed', 'unacknowledged'] as const;
  for (const lang of ['en', 'fr'] as const) {
    for (const kind of ALERT_KINDS) {
      for (const transition of transitions) {
        it(`${lang} ${kind} ${transition}: ASCII subject under 100, SMS within 160`, () => {
          const long = { deviceId: 'd'.repeat(64), name: 'N'.repeat(100), location: 'L'.repeat(200) };
          const numeric = kind === 'fire' ? { value: true, threshold: true } : { value: 1234.5678, threshold: 1000 };
          const r = renderNotification(entry({ kind, transition, ...numeric }), long, lang);
          expect(r.subject.length).toBeLessThan(100);
          expect(r.subject).toMatch(/^[\x20-\x7e]+$/);
          expect(r.sms.length).toBeLessThanOrEqual(160);
          expect(r.message.length).toBeGreaterThan(20);
        });
      }
    }
  }

  it('name the rate of rise in °C/min', () => {
    const { message } = renderNotification(entry({ kind: 'heat', value: 9.1, threshold: 8.3, byRate: true }), device, 'en');
    expect(message).toContain('temperature rising 9.1 °C/min (limit 8.3 °C/min)');
  });

  it('fold accents and dashes for SNS subjects', () => {
    expect(asciiSubject('Terminé: FUMÉE — Salle 101 à 18:02')).toBe('Termine: FUMEE - Salle 101 a 18:02');
    expect(asciiSubject('x\ny')).toBe('x y');
  });
});
