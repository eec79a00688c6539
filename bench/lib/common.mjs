import { parseArgs } from 'node:util';
// Shared helpers of the benchmarks: machine facts, results JSON, the local
// stack as a process, a keep-alive HTTP client bound to 127.0.0.1, on-the-fly
// esbuild bundles of TypeScript sources, small statistics.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const root = resolve(benchDir, '..');
export const resultsDir = join(benchDir, 'results');
/** Inside the checkout so that bundles with external packages resolve ../node_modules. */
export const cacheDir = join(benchDir, '.cache');
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
// The SDK warns once per process that Node 20 support ends in 2027 (Lambda runs Node 22): noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// ---------------------------------------------------------------------------
// Flags: --name value, --flag (true)
// ---------------------------------------------------------------------------

export function parseFlags(argv = process.argv.slice(2)) {
  // node:util parseArgs in its lenient mode (each benchmark names its own flags), then "--name value" pairs joined.
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true });
  const flags = { _: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'positional') flags._.push(t.value);
    else if (t.kind === 'option') {
      const next = tokens[i + 1];
      if (t.value !== undefined) flags[t.name] = t.value;
      else if (!t.inlineValue && next?.kind === 'positional') {
        flags[t.name] = next.value;
        i++;
      } else flags[t.name] = true;
    }
  }
  return flags;
}

export function numFlag(flags, name, def, min = -Infinity, max = Infinity) {
  if (flags[name] === undefined) return def;
  const v = Number(flags[name]);
  if (!Number.isFinite(v) || v < min || v > max) {
    console.error(`--${name}: a number from ${min} to ${max} is required (got ${flags[name]})`);
    process.exit(2);
  }
  return v;
}

// ---------------------------------------------------------------------------
// Machine and results
// ---------------------------------------------------------------------------

export function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    /* not Linux */
  }
  let load;
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    load = undefined;
  }
  return {
    nproc: cpus().length,
    cpuModel: model,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvgAtStart: load,
  };
}

export function writeResult(name, data) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
  return file;
}

export function readResult(name) {
  const file = join(resultsDir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function requireBuilt(paths) {
  const missing = paths.filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) {
    console.error(`missing ${missing.join(', ')}: run \`node build.mjs\` (make build) first`);
    process.exit(2);
  }
}

/** Where the built bundles are read from: dist/, or a private copy made by snapshotDist. */
export let distDir = join(root, 'dist');

/**
 * Copies the built files a benchmark runs (paths relative to dist/) to
 * bench/.cache/dist-*, so that a `node build.mjs` running at the same time
 * (other people's tests rebuild dist/) cannot pull them away mid-run. A file
 * missing or a Lambda folder that does not match its zip (a build in
 * progress) is waited for, up to 60 s. The copy resolves node_modules from the
 * checkout like dist/ does; it is removed when the process exits.
 */
export async function snapshotDist(paths) {
  const dest = tempDir('dist');
  process.on('exit', () => rmSync(dest, { recursive: true, force: true }));
  for (const p of paths) {
    for (let attempt = 0; ; attempt++) {
      try {
        const from = join(root, 'dist', p);
        cpSync(from, join(dest, p), { recursive: true });
        const zip = /^lambda\/([^/]+)$/.exec(p);
        if (zip) {
          // The folder and its zip are written one after the other: the bundle must be in the zip as is.
          const index = readFileSync(join(dest, p, 'index.mjs'));
          const zipped = readFileSync(join(root, 'dist', `${p}.zip`));
          if (!zipped.includes(Buffer.from('index.mjs')) || index.length === 0) throw Object.assign(new Error('zip not ready'), { code: 'ENOENT' });
          cpSync(join(root, 'dist', `${p}.zip`), join(dest, `${p}.zip`));
        }
        break;
      } catch (error) {
        if (error.code !== 'ENOENT' || attempt >= 60) throw error;
        if (attempt === 0) console.log(`(waiting for dist/${p}: a build is running)`);
        await sleep(1000);
      }
    }
  }
  distDir = dest;
  return dest;
}

export function tempDir(prefix) {
  mkdirSync(cacheDir, { recursive: true });
  return mkdtempSync(join(cacheDir, `${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------

/** Nearest-rank percentile of an array of numbers (sorted copy). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export const median = (values) => percentile(values, 50);

export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A plain text table: rows of arrays, first row the header. Numbers right-aligned. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    r
      .map((cell, c) => {
        const s = String(cell ?? '');
        return typeof cell === 'number' ? s.padStart(widths[c]) : s.padEnd(widths[c]);
      })
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// The local stack as a process (as test/helpers/stack-process.ts does)
// ---------------------------------------------------------------------------

/**
 * `node dist/server/local.mjs` on a free port of 127.0.0.1 with its own
 * DATA_DIR. Its output goes to a file (`logFile`, default DATA_DIR/../stack-<pid>.log)
 * rather than a pipe, so that draining it costs the load generator nothing
 * and its size tells the log bytes written.
 */
export async function startStack(dataDir, env = {}, logFile = `${dataDir}.stack.log`) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [join(distDir, 'server/local.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exitCode;
  const exited = new Promise((r) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      r(exitCode);
    }),
  );
  const head = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(0, 20_000);
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 30_000;
  let url;
  while (!url) {
    const m = /listening on (http:\/\/\S+)/.exec(head());
    if (m) url = m[1];
    else if (exitCode !== undefined) throw new Error(`the stack exited (${exitCode}) before listening:\n${head()}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack did not start in 30 s:\n${head()}`);
    } else await sleep(25);
  }
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    child.kill('SIGTERM');
    throw new Error(`the stack listens on ${url}, not on 127.0.0.1: refusing to send traffic there`);
  }
  return {
    child,
    url,
    pid: child.pid,
    logFile,
    logBytes: () => {
      try {
        return statSync(logFile).size;
      } catch {
        return 0;
      }
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout')]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      return code;
    },
  };
}

// ---------------------------------------------------------------------------
// HTTP to 127.0.0.1 only, keep-alive
// ---------------------------------------------------------------------------

export function createClient(baseUrl, maxSockets = 64) {
  const u = new URL(baseUrl);
  if (u.hostname !== '127.0.0.1') throw new Error(`benchmarks only talk to 127.0.0.1 (got ${u.hostname})`);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (method, path, { token, body } = {}) =>
    new Promise((resolveReq, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const headers = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const started = performance.now();
      const req = http.request({ host: '127.0.0.1', port: Number(u.port), method, path, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolveReq({ status: res.statusCode, body: json, ms: performance.now() - started });
        });
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  return {
    request,
    async registerDevice(deviceId) {
      const r = await request('POST', '/v1/devices', { token: ADMIN_TOKEN, body: { deviceId, name: `bench ${deviceId}` } });
      if (r.status !== 201) throw new Error(`register ${deviceId}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.key;
    },
    close: () => agent.destroy(),
  };
}

// ---------------------------------------------------------------------------
// Readings as a board sends them
// ---------------------------------------------------------------------------

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A 26-character id shaped like the agent's ULIDs (same size on the wire and in the store). */
export function ulidLike(board, seq) {
  let n = BigInt(board) * 10_000_000_000n + BigInt(seq);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s = CROCKFORD[Number(n % 32n)] + s;
    n /= 32n;
  }
  return `01JDX3V8R6${s}`;
}

/** A reading of a normal room: all five measurements, values like the simulated sensor's. */
export function normalReading(board, seq, tsMs) {
  const t = seq / 60;
  return {
    id: ulidLike(board, seq),
    ts: new Date(tsMs).toISOString(),
    co2: Math.round(620 + 170 * Math.sin(t / 5) + ((seq * 7919) % 30) - 15),
    temperature: Math.round((21 + 0.5 * Math.sin(t / 10) + (((seq * 104729) % 20) - 10) / 100) * 100) / 100,
    humidity: Math.round((40 + 3 * Math.sin(t / 7)) * 10) / 10,
    smoke: Math.round((0.03 + (((seq * 31) % 20) - 10) / 1000) * 10000) / 10000,
    flame: false,
  };
}

// ---------------------------------------------------------------------------
// esbuild bundles of TypeScript sources, on the fly
// ---------------------------------------------------------------------------

/**
 * Bundles `entry` (a .mjs/.ts file that may import ../../src/*.ts) to an ESM
 * file under bench/.cache, npm packages left external (they resolve from the
 * checkout's node_modules, as the local stack's bundle does).
 */
export async function bundle(entry, outfile, extra = {}) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    ...extra,
  });
  return outfile;
}

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export function procStatus(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
    return { hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
  } catch {
    return undefined;
  }
}

export function procIo(pid) {
  try {
    const out = {};
    for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').trim().split('\n')) {
      const [k, v] = line.split(':');
      out[k.trim()] = Number(v);
    }
    return out;
  } catch {
    return undefined;
  }
}
