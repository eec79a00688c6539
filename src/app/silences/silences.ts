import { randomBytes } from 'node:crypto';
import { renderSilenceNotice } from '../../domain/alerts/messages.js';
import { covers, isActiveSilence, MAX_SILENCE_MS, silenceEndMs, type CreateSilence, type Silence } from '../../domain/alerts/silence.js';
import type { ActiveAlert, AlertKind, PendingNotification } from '../../domain/alerts/types.js';
import { ApiError } from '../../domain/errors.js';
import { formatUtc, parseRfc3339 } from '../../domain/time.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { StoredSilence } from '../ports.js';
import { pageLimit } from '../query-params.js';
import { CLAIM_MS } from '../alerts/deliver.js';
import type { AlertDeps } from '../alerts/deps.js';
import { commitAlertChange } from '../alerts/commit.js';
import { queue, clone } from '../../domain/alerts/lifecycle.js';

const publicSilence = ({ startNotified: _s, endNotified: _e, ...s }: StoredSilence | Silence & { startNotified?: boolean; endNotified?: boolean }): Silence => s;

/** `POST /v1/silences`. */
export async function createSilence(deps: AlertDeps, body: CreateSilence): Promise<Silence> {
  const nowMs = deps.clock.now();
  const untilMs = parseRfc3339(body.until) as number;
  if (untilMs <= nowMs) throw new ApiError('validation_failed', 'invalid silence', [{ path: 'until', message: 'must be after now' }]);
  if (untilMs - nowMs > MAX_SILENCE_MS) throw new ApiError('validation_failed', 'invalid silence', [{ path: 'until', message: 'must be at most 24 hours ahead' }]);
  const deviceId = body.deviceId ?? null;
  if (deviceId !== null && !(await deps.devices.get(deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
  const now = formatUtc(nowMs);
  const silence: Silence = {
    silenceId: `sl_${randomBytes(12).toString('base64url')}`,
    deviceId,
    kinds: body.kinds ? [...new Set(body.kinds)] : null,
    from: now,
    until: formatUtc(untilMs),
    reason: body.reason,
    createdAt: now,
    endedAt: null,
  };
  await deps.silences.create(silence, Math.floor(untilMs / 1000) + deps.settings.retentionDays * 86_400);
  deps.log.info('silence started', { silenceId: silence.silenceId, deviceId, kinds: silence.kinds, until: silence.until });
  await settleSilence(deps, { ...silence, startNotified: false, endNotified: false }).catch((error: unknown) =>
    deps.log.error('notifying a silence failed; the sweep retries', { silenceId: silence.silenceId, error }),
  );
  return silence;
}

/** `GET /v1/silences`: newest first; without `status`, active ones. */
export async function listSilences(deps: AlertDeps, query: Readonly<Record<string, string | undefined>>): Promise<{ items: Silence[]; nextCursor?: string }> {
  const limit = pageLimit(query);
  const status = query.status || 'active';
  if (status !== 'active' && status !== 'all') throw new ApiError('validation_failed', 'invalid query', [{ path: 'status', message: 'must be active or all' }]);
  const before = query.cursor ? decodeCursor(query.cursor, ['s']).s : undefined;
  const nowMs = deps.clock.now();
  if (status === 'all') {
    const page = await deps.silences.list({ limit, ...(before ? { before } : {}) });
    return { items: page.items.map(publicSilence), ...(page.lastKey ? { nextCursor: encodeCursor({ s: page.lastKey }) } : {}) };
  }
  // Active ones began at most 24 h ago.
  const page = await deps.silences.list({ limit: 1000, createdFrom: formatUtc(nowMs - MAX_SILENCE_MS), ...(before ? { before } : {}) });
  const active = page.items.filter((s) => isActiveSilence(s, nowMs));
  const items = active.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(publicSilence), ...(active.length > limit && last ? { nextCursor: encodeCursor({ s: `${last.createdAt}#${last.silenceId}` }) } : {}) };
}

export const SILENCE_ID_PATTERN = /^sl_[A-Za-z0-9_-]{1,64}$/;

/** `DELETE /v1/silences/{id}`: ends it now; ending an ended silence changes nothing. */
export async function endSilence(deps: AlertDeps, silenceId: string): Promise<void> {
  const silence = SILENCE_ID_PATTERN.test(silenceId) ? await deps.silences.get(silenceId) : undefined;
  if (!silence) throw new ApiError('not_found', `no silence ${silenceId}`);
  const nowMs = deps.clock.now();
  if (isActiveSilence(silence, nowMs) && (await deps.silences.end(silenceId, formatUtc(nowMs)))) {
    deps.log.info('silence ended', { silenceId });
  }
  const fresh = await deps.silences.get(silenceId);
  if (fresh) await settleSilence(deps, fresh).catch((error: unknown) => deps.log.error('notifying a silence failed; the sweep retries', { silenceId, error }));
}

/**
 * Whether a transition of (deviceId, kind) at `at` is silenced: a silence
 * covers it and has not finished its end yet. A transition that reaches
 * delivery only after its silence's end was settled (a reading that arrived
 * late) is notified normally rather than missed.
 */
export async function isSilenced(deps: Pick<AlertDeps, 'silences'>, deviceId: string, kind: AlertKind, at: string): Promise<boolean> {
  const atMs = Date.parse(at);
  const page = await deps.silences.list({ limit: 1000, createdFrom: formatUtc(atMs - MAX_SILENCE_MS), createdTo: at });
  return page.items.some((s) => covers(s, deviceId, kind, atMs) && !s.endNotified);
}

/**
 * The sweep's part: end silences whose `until` passed, and send each start
 * and end notice once (claimed like outbox entries, so two sweepers send it
 * once). At the end, every covered alert still active that was raised during
 * the silence is queued again as `raised` with `afterSilence: true`.
 */
export async function sweepSilences(deps: AlertDeps): Promise<void> {
  const page = await deps.silences.list({ limit: 1000, open: true });
  for (const silence of page.items) {
    try {
      await settleSilence(deps, silence);
    } catch (error) {
      deps.log.error('settling a silence failed; the next sweep retries', { silenceId: silence.silenceId, error });
    }
  }
}

async function settleSilence(deps: AlertDeps, stored: StoredSilence): Promise<void> {
  let silence = stored;
  const nowMs = deps.clock.now();
  if (!silence.startNotified) await notice(deps, silence, 'start', silence.from);
  if (silence.endedAt === null && Date.parse(silence.until) <= nowMs) {
    await deps.silences.end(silence.silenceId, silence.until); // expiry needs no request: it ends at `until`
    silence = (await deps.silences.get(silence.silenceId)) ?? silence;
  }
  if (silence.endedAt === null || silence.endNotified) return;
  const ended = silence;
  const endAt = formatUtc(silenceEndMs(ended));
  // Queue the re-notifications before the end notice is marked sent: a crash in between repeats nothing (guarded per alert).
  await renotifyCovered(deps, ended);
  await notice(deps, ended, 'end', endAt);
}

async function notice(deps: AlertDeps, silence: Silence, which: 'start' | 'end', at: string): Promise<void> {
  const nowMs = deps.clock.now();
  if (!(await deps.silences.claimNotice(silence.silenceId, which, deps.instanceId, nowMs + CLAIM_MS, nowMs))) return;
  const transition = which === 'start' ? 'silence_started' : 'silence_ended';
  try {
    const rendered = renderSilenceNotice(silence, transition, at, deps.settings.notificationLanguage);
    await deps.notifier.publish({ transition, ...publicSilence(silence), at, ...rendered, sentAt: formatUtc(deps.clock.now()), latencyMs: null });
  } catch (error) {
    await deps.silences.releaseNotice(silence.silenceId, which, deps.instanceId);
    throw error;
  }
  await deps.silences.completeNotice(silence.silenceId, which, deps.instanceId);
}

async function renotifyCovered(deps: AlertDeps, silence: Silence): Promise<void> {
  const devices = silence.deviceId ? [await deps.devices.get(silence.deviceId)] : await deps.devices.list();
  const serverNow = formatUtc(deps.clock.now());
  for (const device of devices) {
    if (!device) continue;
    await commitAlertChange(deps, device.deviceId, undefined, (current) => {
      // Raised while the silence covered it (so never notified), still active, not yet notified again for this silence.
      const due = (Object.entries(current.active) as [AlertKind, ActiveAlert][]).filter(
        ([kind, alert]) => covers(silence, device.deviceId, kind, Date.parse(alert.raisedAt)) && alert.afterSilenceOf !== silence.silenceId,
      );
      if (due.length === 0) return { state: current, changed: false, queued: [] };
      const state = clone(current);
      const queued: PendingNotification[] = [];
      for (const [kind] of due) {
        const a = state.active[kind] as ActiveAlert;
        a.afterSilenceOf = silence.silenceId;
        a.lastNotifiedAt = serverNow;
        queue(state, { transition: 'raised', alertId: a.alertId, deviceId: device.deviceId, kind, severity: a.severity, value: a.value, threshold: a.threshold, at: serverNow, raisedAt: a.raisedAt, afterSilence: true, ...(a.byRate ? { byRate: true } : {}) }, queued);
      }
      return { state, changed: true, queued };
    });
  }
}
