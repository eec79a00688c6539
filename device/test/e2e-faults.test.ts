import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './helpers/agent-process.js';
import { buildAgent } from './helpers/bundle.js';
import { allReadings, freePort, registerDevice, stackBuilt, startStack, STACK_ENTRY, type Stack } from './helpers/stack.js';
import { tmpDir } from './helpers/tmp.js';
import { sleep, waitFor } from './helpers/wait.js';

/**
 * Issue 14's faults, each injected into the real agent bundle against the
 * real local stack. In each: a flame (or a heat rise) during the fault
 * raises its alert within seconds, and every sample the agent took is
 * stored exactly once, or accounted for as a counted drop of a quiet reading.
 */
const ADMIN = 'e2e-faults-admin-token-0123456789';
const dir = tmpDir('firemon-e2e-faults-');
let stack: Stack | undefined;
let bundle = '';
const agents: AgentProcess[] = [];
const skip = !stackBuilt();
if (skip) {
  if (process.env.REQUIRE_TOOLS === '1') throw new Error(`${STACK_ENTRY} not built (REQUIRE_TOOLS=1)`);
  console.log(`SKIPPED: ${STACK_ENTRY} not built (npm run build)`);
}

beforeAll(async () => {
  if (skip) return;
  bundle = buildAgent(dir);
  stack = await startStack(join(dir, 'stack-data'), await freePort(), ADMIN);
}, 60_000);
afterAll(async () => {
  for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  await stack?.stop();
});

async function alerts(deviceId: string): Promise<{ kind: string; status: string; late?: boolean }[]> {
  const res = await fetch(`${stack!.url}/v1/alerts?status=all&deviceId=${encodeURIComponent(deviceId)}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return ((await res.json()) as { items: { kind: string; status: string }[] }).items;
}

interface Board {
  deviceId: string;
  config: string;
  home: string;
  offsetFile: string;
  flameValue: string;
  agent?: AgentProcess;
}

/** A board with a simulated room and a flame module on a fake sysfs GPIO (the test writes its value). */
async function board(name: string, extra: Record<string, unknown> = {}, apiUrl = stack!.url, sensors?: unknown[]): Promise<Board> {
  const deviceId = `bbb-fault-${name}`;
  const key = await registerDevice(stack!.url, ADMIN, deviceId);
  const home = join(dir, name);
  const gpio = join(home, 'gpio', 'gpio60');
  mkdirSync(gpio, { recursive: true });
  writeFileSync(join(gpio, 'direction'), 'in\n');
  const flameValue = join(gpio, 'value');
  writeFileSync(flameValue, '1\n'); // active low: 1 = no flame
  const offsetFile = join(home, 'wall-offset');
  writeFileSync(offsetFile, '0');
  const config = join(home, 'agent.json');
  writeFileSync(config, JSON.stringify({
    deviceId, apiUrl, deviceKey: key, queueDir: join(home, 'queue'), logLevel: 'debug',
    sampleIntervalMs: 250, statsIntervalMs: 60_000, uploadIntervalSeconds: 30,
    upload: { backoffBaseMs: 100, backoffMaxMs: 500, timeoutMs: 3_000 },
    clock: { testWallOffsetFile: offsetFile },
    sensors: sensors ?? [
      { type: 'simulated', scenario: 'normal', fields: ['co2', 'temperature', 'humidity', 'smoke'] },
      { type: 'flame', pin: 60, gpioRoot: join(home, 'gpio'), pollMs: 50 },
    ],
    ...extra,
  }));
  return { deviceId, config, home, offsetFile, flameValue };
}

function start(b: Board, args: string[] = []): AgentProcess {
  const a = spawnAgent([process.execPath], bundle, b.config, args);
  agents.push(a);
  b.agent = a;
  return a;
}
const flame = (b: Board, on: boolean) => writeFileSync(b.flameValue, on ? '0\n' : '1\n');
const sampledIds = (b: Board) => b.agent!.logs.filter((l) => l.msg === 'sampled').map((l) => String(l.id));
const flameIds = (b: Board) => b.agent!.logs.filter((l) => l.msg === 'sampled' && (l.m as { flame?: boolean }).flame === true).map((l) => String(l.id));

async function fireRaised(b: Board): Promise<void> {
  await waitFor(async () => (await alerts(b.deviceId)).some((a) => a.kind === 'fire'), 10_000, `a fire alert for ${b.deviceId}`, 100);
}

/** Stop cleanly, drain, and check: every sample stored once, or a counted drop of a quiet one; every flame sample stored. */
async function settle(b: Board, allowedQuietDrops = 0): Promise<{ taken: string[]; stored: Set<string> }> {
  const a = b.agent!;
  a.child.kill('SIGTERM');
  expect(await a.exited).toEqual({ code: 0, signal: null });
  const taken = sampledIds(b);
  const flames = flameIds(b);
  const d = start(b, ['--drain']);
  expect((await d.exited).code).toBe(0);
  const storedList = (await allReadings(stack!.url, ADMIN, b.deviceId)).map((r) => String(r.id));
  const stored = new Set(storedList);
  expect(stored.size).toBe(storedList.length);
  const lost = taken.filter((id) => !stored.has(id));
  expect(flames.filter((id) => !stored.has(id))).toEqual([]);
  expect(lost.length).toBeLessThanOrEqual(allowedQuietDrops);
  expect(a.other.filter((o) => !/ExperimentalWarning|--trace-warnings/.test(o))).toEqual([]);
  return { taken, stored };
}

describe.skipIf(skip)('end to end under faults (agent bundle -> real local stack)', () => {
  it('adaptive uploads: quiet readings wait for the interval, a flame reaches a fire alert within seconds', async () => {
    const b = await board('adaptive');
    const a = start(b);
    await waitFor(() => sampledIds(b).length >= 12, 15_000, 'quiet samples');
    expect(a.count('uploaded')).toBe(0); // 3 s of quiet readings: still waiting for the 30 s interval
    expect((await allReadings(stack!.url, ADMIN, b.deviceId)).length).toBe(0);
    flame(b, true);
    await fireRaised(b);
    // The flame's upload carried the quiet backlog with it; more flame samples keep going out ("fast").
    const posts = a.count('uploaded');
    await waitFor(() => a.count('uploaded') >= posts + 2, 10_000, 'uploads every sample while the flame burns');
    flame(b, false);
    await waitFor(async () => (await alerts(b.deviceId)).some((x) => x.kind === 'fire' && x.status === 'resolved'), 10_000, 'the fire alert resolved');
    await settle(b);
  }, 60_000);

  it('aligned quiet posts: once an answer gave policy.uploadPhaseSeconds, quiet posts go just after its instants, each with the readings stamped before its instant', async () => {
    const INTERVAL = 4_000;
    const b = await board('aligned', { uploadIntervalSeconds: INTERVAL / 1000 });
    const a = start(b);
    await waitFor(() => a.count('uploaded') >= 5, 60_000, 'quiet posts', 200);
    const policy = JSON.parse(readFileSync(join(b.home, 'queue', 'policy.json'), 'utf8')) as { uploadPhaseSeconds?: unknown };
    expect(typeof policy.uploadPhaseSeconds === 'number' && Number((policy.uploadPhaseSeconds as number).toFixed(3)) === policy.uploadPhaseSeconds).toBe(true);
    const phaseMs = Math.round((policy.uploadPhaseSeconds as number) * 1000) % INTERVAL;
    const instantBefore = (ms: number) => ms - ((((ms - phaseMs) % INTERVAL) + INTERVAL) % INTERVAL);
    const stored = await allReadings(stack!.url, ADMIN, b.deviceId);
    // The first post went before any answer (no phase yet; a reading stamped while it was in flight may follow
    // it at once); every later one is aligned. The board and the stack share this machine's clock, so a
    // reading's receivedAt tells which instant its post was for.
    const firstPost = Math.min(...stored.map((r) => Date.parse(String(r.receivedAt))));
    const later = stored.filter((r) => Date.parse(String(r.receivedAt)) > firstPost + 1_000);
    expect(later.length).toBeGreaterThan(10);
    const posts = new Set<number>();
    for (const r of later) {
      const received = Date.parse(String(r.receivedAt));
      const instant = instantBefore(received);
      posts.add(instant);
      expect(Date.parse(String(r.ts)), `${String(r.ts)} received ${String(r.receivedAt)}`).toBeLessThan(instant); // stamped before its post's instant
      expect(received - instant).toBeGreaterThanOrEqual(INTERVAL / 10); // posted after the delay, not at the instant itself
    }
    expect(posts.size).toBeGreaterThanOrEqual(3);
    await settle(b);
  }, 90_000);

  it('adaptive uploads: a heat rise reaches a heat alert within seconds, with no flame', async () => {
    const b = await board('heat', {}, undefined, [{ type: 'simulated', scenario: 'fire', startAfterMs: 1_000, speed: 10, fields: ['temperature', 'co2', 'humidity'] }]);
    const a = start(b);
    await waitFor(async () => (await alerts(b.deviceId)).some((x) => x.kind === 'heat'), 40_000, 'a heat alert', 200);
    expect(a.logs.some((l) => l.msg === 'life-safety condition present or near: uploading every sample')).toBe(true);
    await settle(b);
  }, 60_000);

  it('a clock stepped back 3 minutes: stamps never go backwards, and a flame during the step raises a fire alert', async () => {
    const b = await board('clock-back');
    const a = start(b);
    await waitFor(() => sampledIds(b).length >= 8, 15_000, 'samples');
    writeFileSync(b.offsetFile, String(-180_000));
    await waitFor(() => a.logs.some((l) => String(l.msg).includes('stepped back')), 10_000, 'the step seen');
    flame(b, true);
    await fireRaised(b);
    expect((await alerts(b.deviceId)).find((x) => x.kind === 'fire')?.late).toBeFalsy();
    flame(b, false);
    await settle(b);
    const stored = await allReadings(stack!.url, ADMIN, b.deviceId);
    const byId = [...stored].sort((x, y) => String(x.id).localeCompare(String(y.id)));
    for (let i = 1; i < byId.length; i++) expect(Date.parse(byId[i]!.ts)).toBeGreaterThan(Date.parse(byId[i - 1]!.ts));
  }, 60_000);

  it('a clock 6 minutes fast: readings refused for their time are re-dated from the Date header, none lost, the flame raises a fire alert', async () => {
    const b = await board('clock-fast');
    writeFileSync(b.offsetFile, String(6 * 60_000));
    const a = start(b);
    await waitFor(() => sampledIds(b).length >= 6, 15_000, 'samples');
    flame(b, true);
    await fireRaised(b);
    expect(a.logs.some((l) => String(l.msg).includes('disagrees with the API'))).toBe(true);
    expect(a.logs.some((l) => String(l.msg).includes('re-dated'))).toBe(true);
    flame(b, false);
    await settle(b);
    const stored = await allReadings(stack!.url, ADMIN, b.deviceId);
    for (const r of stored) expect(Math.abs(Date.parse(r.ts) - Date.now())).toBeLessThan(120_000);
    expect(stored.every((r) => (r.faults as string[] | undefined)?.includes('agent:clock'))).toBe(true);
  }, 60_000);

  for (const staged of [false, true]) it(`a full disk (small tmpfs)${staged ? ', quiet readings staged in RAM (group commit)' : ''}: nothing on disk is lost, new readings go from memory, the flame raises a fire alert`, async () => {
    if (process.getuid?.() !== 0) {
      console.log('SKIPPED: a full disk needs a small tmpfs, which needs root');
      return;
    }
    const mnt = join(dir, staged ? 'tmpfs-staged' : 'tmpfs');
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', mnt]);
    try {
      // Staged: the disk's refusal shows at a commit (every second here), and the staged readings go to memory then.
      const queue = staged ? { segmentBytes: 4096, maxBytes: 1 << 20, fsyncIntervalMs: 1_000, stagingDir: join(dir, 'ram-disk-full') } : { segmentBytes: 4096, maxBytes: 1 << 20 };
      const b = await board(staged ? 'disk-full-staged' : 'disk-full', { queueDir: join(mnt, 'queue'), queue });
      const a = start(b);
      await waitFor(() => sampledIds(b).length >= 4, 15_000, 'samples');
      writeFileSync(join(mnt, 'ballast'), Buffer.alloc(0));
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'ballast')}`, 'bs=4k', 'count=64'], { stdio: 'ignore' });
      } catch {
        /* dd stops at ENOSPC: the disk is full */
      }
      await waitFor(() => a.logs.some((l) => String(l.msg).includes('disk full (ENOSPC)')), 15_000, 'the agent sees the full disk');
      flame(b, true);
      await fireRaised(b);
      flame(b, false);
      await sleep(1_000);
      execFileSync('rm', ['-f', join(mnt, 'ballast')]);
      await waitFor(() => a.logs.some((l) => String(l.msg).includes('disk has room again')), 15_000, 'back to the disk');
      await settle(b);
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  }, 90_000);

  it('a full queue with flames in it while the API is away: quiet readings thinned and counted, no flame reading lost', async () => {
    // The agent talks to a port nothing listens on until the test opens a proxy there.
    const port = await freePort();
    const b = await board('queue-full', { queue: { segmentBytes: 4096, maxBytes: 8192 }, sampleIntervalMs: 50 }, `http://127.0.0.1:${port}`);
    const a = start(b);
    await waitFor(() => sampledIds(b).length >= 60, 20_000, 'quiet samples');
    flame(b, true);
    await waitFor(() => flameIds(b).length >= 20, 20_000, 'flame samples');
    flame(b, false);
    await waitFor(() => sampledIds(b).length >= 400, 40_000, 'the queue filling up');
    await waitFor(() => a.logs.some((l) => String(l.msg).includes('quiet readings thinned')), 20_000, 'thinning');
    const proxy = await lossyProxy(port, new URL(stack!.url), 0);
    try {
      await fireRaised(b);
      const { taken, stored } = await settle(b, Infinity);
      const lost = taken.length - taken.filter((id) => stored.has(id)).length;
      expect(lost).toBeGreaterThan(0);
      // Every loss is a counted queue_full drop (the counters persist in the cursor file and show in status).
      const status = JSON.parse(execFileSync(process.execPath, [bundle, 'status', '--config', b.config], { encoding: 'utf8' })) as { drops: Record<string, number> };
      expect(status.drops.queue_full).toBeGreaterThanOrEqual(lost);
      expect(status.drops.rejected ?? 0).toBe(0);
    } finally {
      proxy.close();
    }
  }, 120_000);

  it('a proxy that loses answers: retries store each reading once, and the flame raises a fire alert', async () => {
    const port = await freePort();
    const proxy = await lossyProxy(port, new URL(stack!.url), 2);
    try {
      const b = await board('lossy', { uploadIntervalSeconds: 0.5 }, `http://127.0.0.1:${port}`);
      const a = start(b);
      await waitFor(() => a.count('uploaded') >= 3, 20_000, 'uploads through the lossy proxy');
      flame(b, true);
      await fireRaised(b);
      flame(b, false);
      await sleep(1_500);
      expect(a.logs.some((l) => String(l.msg).includes('upload failed (network)'))).toBe(true);
      await settle(b);
    } finally {
      proxy.close();
    }
  }, 60_000);
});

/** A TCP proxy to the stack that, on every `loseEvery`-th exchange (0 = never), lets the request through and cuts the connection before the answer. */
async function lossyProxy(port: number, target: URL, loseEvery: number): Promise<Server> {
  let n = 0;
  const srv = createServer((client) => {
    const up = connect(Number(target.port), target.hostname);
    client.on('data', (c) => {
      up.write(c);
    });
    up.on('data', (c) => {
      n++;
      if (loseEvery > 0 && n % loseEvery === 0) {
        client.destroy();
        up.destroy();
        return;
      }
      client.write(c);
    });
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', end);
    up.on('error', end);
    client.on('close', end);
    up.on('close', end);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  void (srv.address() as AddressInfo);
  return srv;
}
