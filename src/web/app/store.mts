import { api, ApiError, token, Unreachable } from './api.mjs';
import type { Alert, Device } from './types.mjs';

/** What the whole page shows, refreshed by one poll loop. */
export interface Store {
  devices: Device[] | null;
  /** Every active alert, newest first. */
  active: Alert[];
  /** When the last poll succeeded (ms). */
  lastOk: number | null;
  /** Why the last poll failed, if it did. */
  problem: { kind: 'unreachable' } | { kind: 'http'; status: number } | null;
  /** Reads need a token (public_read is off) and none valid is held. */
  needToken: boolean;
  /** The held token was refused (401) or is not an admin token (403). */
  tokenProblem: 'refused' | 'forbidden' | null;
}

export const store: Store = { devices: null, active: [], lastOk: null, problem: null, needToken: false, tokenProblem: null };

export const FLEET_POLL_MS = 5_000;
/** Older data than this is said to be stale (three polls missed). */
export const STALE_AFTER_MS = 3 * FLEET_POLL_MS;

type Listener = () => void;
const listeners = new Set<Listener>();

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** Sorts the reasons a read failed into what the page says about it. */
export function classify(error: unknown): void {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    store.needToken = true;
    store.devices = null;
    store.active = [];
    if (token.get()) {
      store.tokenProblem = error.status === 401 ? 'refused' : 'forbidden';
      token.forgetTyped();
    }
    store.problem = null;
  } else if (error instanceof ApiError) {
    store.problem = { kind: 'http', status: error.status };
  } else if (error instanceof Unreachable) {
    store.problem = { kind: 'unreachable' };
  } else {
    store.problem = { kind: 'unreachable' };
    console.warn(error);
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let running: Promise<void> | undefined;

async function pollOnce(): Promise<void> {
  try {
    const [devices, active] = await Promise.all([api.devices(), api.alerts({ status: 'active' })]);
    store.devices = devices;
    store.active = active;
    store.lastOk = Date.now();
    store.problem = null;
    store.needToken = false;
    store.tokenProblem = null;
  } catch (error) {
    classify(error);
  }
  notify();
}

/** Polls now (once at a time), then every FLEET_POLL_MS while the tab is visible. */
export function pollNow(): Promise<void> {
  clearTimeout(timer);
  running ??= pollOnce().finally(() => {
    running = undefined;
    schedule();
  });
  return running;
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (document.visibilityState === 'hidden') schedule();
    else void pollNow();
  }, FLEET_POLL_MS);
}

export function startPolling(): void {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void pollNow();
  });
  void pollNow();
}

export function deviceName(deviceId: string): string {
  const device = store.devices?.find((d) => d.deviceId === deviceId);
  return device?.name ?? deviceId;
}
