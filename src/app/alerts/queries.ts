import { acknowledge } from '../../domain/alerts/lifecycle.js';
import type { Alert } from '../../domain/alerts/types.js';
import { DEVICE_ID_PATTERN } from '../../domain/device-id.js';
import { ApiError } from '../../domain/errors.js';
import { formatUtc } from '../../domain/time.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { AlertQuery } from '../ports.js';
import { pageLimit } from '../query-params.js';
import { commitAlertChange } from './commit.js';
import type { AlertDeps } from './deps.js';

export interface AlertsPage {
  items: Alert[];
  nextCursor?: string;
}

const STATUSES = ['active', 'resolved', 'all'] as const;

/** `GET /v1/alerts`: newest first; without `status`, active ones. */
export async function listAlerts(deps: Pick<AlertDeps, 'alerts'>, query: Readonly<Record<string, string | undefined>>): Promise<AlertsPage> {
  const limit = pageLimit(query);
  const status = (query.status || 'active') as AlertQuery['status'];
  if (!STATUSES.includes(status)) {
    throw new ApiError('validation_failed', 'invalid query', [{ path: 'status', message: 'must be active, resolved or all' }]);
  }
  const deviceId = query.deviceId || undefined;
  if (deviceId !== undefined && !DEVICE_ID_PATTERN.test(deviceId)) {
    throw new ApiError('validation_failed', 'invalid query', [{ path: 'deviceId', message: 'must be 1 to 64 characters of A-Z a-z 0-9 _ - .' }]);
  }
  const before = query.cursor ? decodeCursor(query.cursor, ['r']).r : undefined;
  const page = await deps.alerts.list({ status, limit, ...(deviceId ? { deviceId } : {}), ...(before ? { before } : {}) });
  return { items: page.items, ...(page.lastKey ? { nextCursor: encodeCursor({ r: page.lastKey }) } : {}) };
}

export const ALERT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Acknowledge: stops reminders, does not resolve; acknowledging twice keeps the first time. */
export async function acknowledgeAlert(deps: AlertDeps, alertId: string): Promise<Alert> {
  if (!ALERT_ID_PATTERN.test(alertId)) throw new ApiError('validation_failed', 'invalid alert id', [{ path: 'alertId', message: 'invalid alert id' }]);
  const alert = await deps.alerts.get(alertId);
  if (!alert) throw new ApiError('not_found', `no alert ${alertId}`);
  const at = formatUtc(deps.clock.now());
  if (alert.status === 'active') {
    await commitAlertChange(deps, alert.deviceId, undefined, (state) => acknowledge(state, alertId, at));
  }
  const updated = await deps.alerts.acknowledge(alertId, at);
  if (!updated) throw new ApiError('not_found', `no alert ${alertId}`);
  deps.log.info('alert acknowledged', { alertId, deviceId: alert.deviceId });
  return updated;
}
