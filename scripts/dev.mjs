#!/usr/bin/env node
// `make dev`: the local stack in the foreground, with what a newcomer needs
// printed once it listens (URL, admin token, the wall screen's address with
// a read token, a copy-paste curl), and one simulated board posting to it
// when the device agent is built.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
// Request and reading log lines at INFO would scroll the banner away; notifications are printed whatever the level.
// A quiet board posts every UPLOAD_INTERVAL_SECONDS (300 in production); 15 s here so that a newcomer sees data at once.
mkdirSync(dataDir, { recursive: true });
const readToken = localReadToken();
const env = { POWERTOOLS_LOG_LEVEL: 'WARN', UPLOAD_INTERVAL_SECONDS: '15', ...process.env, READ_TOKEN: readToken, DATA_DIR: dataDir, PORT: process.env.PORT ?? '3000' };
const children = [];

const stack = spawn(process.execPath, ['--enable-source-maps', 'dist/server/local.mjs'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
children.push(stack);
let announced = false;
stack.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
  if (match && !announced) {
    announced = true;
    onListening(match[1]).catch((error) => console.error('dev: could not start the simulated board:', error.message));
  }
});
stack.on('exit', (code) => {
  for (const child of children) if (child !== stack && child.exitCode === null) child.kill('SIGTERM');
  process.exit(code ?? 1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
}

function adminToken() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  return readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
}

/**
 * READ_TOKEN when set; else one kept in DATA_DIR/read-token (made on the
 * first run), so the wall screen's address in the banner stays the same
 * across restarts. `npm start` alone has no read token unless READ_TOKEN is set.
 */
function localReadToken() {
  if (process.env.READ_TOKEN?.trim()) return process.env.READ_TOKEN.trim();
  const path = join(dataDir, 'read-token');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = `rd.${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

async function onListening(url) {
  const token = adminToken();
  console.log(`
  ┌─ Fire & CO2 monitoring: local stack ───────────────────────────────
  │ API        ${url}
  │ Dashboard  ${url}/
  │ Admin token ${token}
  │ Wall       ${url}/#/wall?token=${encodeURIComponent(readToken.split(',')[0].trim())}   (read token: reads only)
  │ Data       ${dataDir}   (Ctrl-C stops; data stays)
  └────────────────────────────────────────────────────────────────────
  Register a board and post a reading (copy-paste):

${copyPasteBlock(url, token)}
`);
  await startSimulatedBoard(url, token);
}

/**
 * The banner's shell block (POSIX sh). It must work every time it is pasted,
 * also after a restart: a board registered by an earlier paste answers 409,
 * and then its key is rotated (keys are shown once, so the old one is unknown).
 * The reading's time is taken when the block runs, so each paste adds one.
 */
function copyPasteBlock(url, token) {
  return [
    `API=${url}`,
    `ADMIN_TOKEN=${token}`,
    `KEY=$( { curl -sf -X POST "$API/v1/devices" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{"deviceId":"my-board","name":"My room"}' \\`,
    `  || curl -sSf -X POST "$API/v1/devices/my-board/keys" -H "Authorization: Bearer $ADMIN_TOKEN"; } | node -pe 'JSON.parse(require("fs").readFileSync(0)).key')`,
    `curl -s -X POST "$API/v1/readings" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"deviceId":"my-board","readings":[{"ts":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'","co2":812,"temperature":22.4}]}'; echo`,
    `curl -s "$API/v1/devices/my-board/readings" -H "Authorization: Bearer $ADMIN_TOKEN"; echo`,
  ]
    .map((line) => `  ${line}`)
    .join('\n');
}

/** One simulated board (device agent, scenario from SIM_SCENARIO, default normal) posting to the local stack. */
async function startSimulatedBoard(url, token) {
  const agent = resolve('dist/device/agent.mjs');
  if (process.env.SIM_BOARD === '0') return;
  if (!existsSync(agent)) {
    console.log('  (no simulated board: dist/device/agent.mjs is not built)');
    return;
  }
  const deviceId = 'sim-board-1';
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let answer = await fetch(`${url}/v1/devices`, { method: 'POST', headers, body: JSON.stringify({ deviceId, name: 'Simulated board', location: 'make dev' }) });
  // Registered on an earlier run: its key is not kept, so issue a new one.
  if (answer.status === 409) answer = await fetch(`${url}/v1/devices/${deviceId}/keys`, { method: 'POST', headers });
  if (answer.status !== 201) throw new Error(`registering ${deviceId}: HTTP ${answer.status}`);
  const { key } = await answer.json();
  const boardDir = join(dataDir, 'sim-board');
  mkdirSync(boardDir, { recursive: true });
  const configPath = join(boardDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        apiUrl: url,
        deviceId,
        deviceKey: key,
        queueDir: join(boardDir, 'queue'),
        sampleIntervalMs: 5000,
        clock: { requireSync: false },
        sensors: [{ type: 'simulated', scenario: process.env.SIM_SCENARIO ?? 'normal' }],
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  // The board's JSON log lines go to a file: the terminal stays readable.
  const logPath = join(boardDir, 'agent.log');
  const log = openSync(logPath, 'a');
  const board = spawn(process.execPath, [agent, '--config', configPath], { stdio: ['ignore', log, log] });
  children.push(board);
  console.log(`  Simulated board ${deviceId} samples every 5 s, log in ${logPath}`);
  console.log('  (SIM_SCENARIO=normal|co2-rise|fire picks its story, events start after 30 s; SIM_BOARD=0 turns it off)\n');
}
