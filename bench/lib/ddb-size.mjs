// DynamoDB item size as DynamoDB bills it ("Item sizes and formats" in the
// DynamoDB developer guide): attribute name bytes + value bytes, where a
// string is its UTF-8 length, a number about 1 byte per 2 significant digits
// + 1, a boolean or null 1 byte, a list or map 3 bytes + 1 byte per element
// + its elements (map keys count like attribute names).
// Values here are plain JS values as the document client writes them.

function numberSize(n) {
  const digits = String(Math.abs(n)).replace('.', '').replace(/e.*$/i, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function valueSize(v) {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') return numberSize(v);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce((n, e) => n + 1 + valueSize(e), 0);
  if (typeof v === 'object') return 3 + Object.entries(v).reduce((n, [k, e]) => (e === undefined ? n : n + 1 + Buffer.byteLength(k) + valueSize(e)), 0);
  throw new Error(`no DynamoDB size for ${typeof v}`);
}

/** Bytes of an item (the base of WRU/RRU rounding; storage adds 100 bytes per item). */
export function itemSize(item) {
  return Object.entries(item).reduce((n, [k, v]) => (v === undefined ? n : n + Buffer.byteLength(k) + valueSize(v)), 0);
}

export const wru = (bytes) => Math.max(1, Math.ceil(bytes / 1024));
export const rruStrong = (bytes) => Math.max(1, Math.ceil(bytes / 4096));
