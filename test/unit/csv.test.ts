import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, parseCsv, readingsCsv } from '../../src/domain/csv.js';

describe('CSV (RFC 4180)', () => {
  it('quotes only fields holding a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('Salle 101')).toBe('Salle 101');
    expect(csvField('Salle 101, 1er étage')).toBe('"Salle 101, 1er étage"');
    expect(csvField('la "grande" salle')).toBe('"la ""grande"" salle"');
    expect(csvField('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField(true)).toBe('true');
    expect(csvField(false)).toBe('false');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvRecord(['a,b', 1, undefined, false])).toBe('"a,b",1,,false\r\n');
  });

  it('writes the header and one CRLF row a reading, absent values empty', () => {
    const text = readingsCsv([
      { id: 'r1', ts: '2026-11-29T18:00:00.000Z', receivedAt: '2026-11-29T18:00:01.000Z', co2: 812, flame: false },
      { ts: '2026-11-29T18:05:00.000Z', receivedAt: '2026-11-29T18:05:01.000Z', temperature: 21.5, humidity: 40, smoke: 0.01, flame: true },
    ]);
    expect(text).toBe(
      'id,ts,receivedAt,co2,temperature,humidity,smoke,flame\r\n' +
        'r1,2026-11-29T18:00:00.000Z,2026-11-29T18:00:01.000Z,812,,,,false\r\n' +
        ',2026-11-29T18:05:00.000Z,2026-11-29T18:05:01.000Z,,21.5,40,0.01,true\r\n',
    );
  });

  it('reads back what it writes, quotes and line breaks included', () => {
    const rows = [['x,y', 'he said "hi"', 'two\r\nlines', ''], ['1', '', 'true', 'z']];
    expect(parseCsv(rows.map((r) => csvRecord(r)).join(''))).toEqual(rows);
  });
});
