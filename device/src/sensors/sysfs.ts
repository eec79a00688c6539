import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function readText(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

export async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readText(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readNumber(path: string): Promise<number> {
  const text = await readText(path);
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new Error(`${path}: not a number: ${JSON.stringify(text.slice(0, 40))}`);
  return v;
}

export async function readOptionalNumber(path: string): Promise<number | undefined> {
  const text = await readOptionalText(path);
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new Error(`${path}: not a number: ${JSON.stringify(text.slice(0, 40))}`);
  return v;
}

export async function writeText(path: string, value: string): Promise<void> {
  await writeFile(path, value);
}

export const IIO_ROOT = '/sys/bus/iio/devices';

/**
 * Finds an IIO device by the content of its `name` file (device numbers
 * depend on probe order and are not stable across boots or kernels).
 */
export async function findIioDevice(root: string, names: readonly string[]): Promise<string> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    throw new Error(`IIO: cannot list ${root}: ${(err as Error).message}`);
  }
  const seen: string[] = [];
  for (const e of entries.filter((n) => n.startsWith('iio:device')).sort()) {
    const dir = join(root, e);
    const name = await readOptionalText(join(dir, 'name')).catch(() => undefined);
    if (name === undefined) continue;
    seen.push(name);
    if (names.includes(name)) return dir;
  }
  throw new Error(`IIO: no device named ${names.join(' or ')} under ${root} (found: ${seen.join(', ') || 'none'})`);
}

/**
 * Reads an IIO channel in the IIO ABI's units: `<prefix>_input` when the
 * driver offers a processed value, else (`<prefix>_raw` + offset) * scale,
 * where the scale and offset files may be per channel or shared by type.
 */
export async function readIioChannel(
  dir: string,
  prefix: string,
  sharedPrefix: string,
  defaultScale?: number,
): Promise<number | undefined> {
  const input = await readOptionalNumber(join(dir, `${prefix}_input`));
  if (input !== undefined) return input;
  const raw = await readOptionalNumber(join(dir, `${prefix}_raw`));
  if (raw === undefined) return undefined;
  const scale =
    (await readOptionalNumber(join(dir, `${prefix}_scale`))) ??
    (await readOptionalNumber(join(dir, `${sharedPrefix}_scale`))) ??
    defaultScale ??
    1;
  const offset =
    (await readOptionalNumber(join(dir, `${prefix}_offset`))) ?? (await readOptionalNumber(join(dir, `${sharedPrefix}_offset`))) ?? 0;
  return (raw + offset) * scale;
}
