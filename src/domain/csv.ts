import { MEASUREMENT_FIELDS } from './reading.js';

/** The readings CSV columns (contract, "History at chart and export scale"). */
export const READINGS_CSV_COLUMNS = ['id', 'ts', 'receivedAt', ...MEASUREMENT_FIELDS] as const;

type Cell = string | number | boolean | null | undefined;

/** One RFC 4180 field: quoted only when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: Cell): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** A page of readings as a CSV file: the header row, then one row a reading; absent values empty. */
export function readingsCsv(items: readonly Readonly<Record<string, unknown>>[]): string {
  let out = csvRecord(READINGS_CSV_COLUMNS);
  for (const item of items) out += csvRecord(READINGS_CSV_COLUMNS.map((c) => item[c] as Cell));
  return out;
}

/** Parses RFC 4180 text into records (tests and clients reading the export back). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 2;
    } else if (c === '"') {
      quoted = !quoted;
      i++;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
