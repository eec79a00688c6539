import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyAlertState, type AlertState, type PendingNotification } from '../../domain/alerts/types.js';
import { isConditionalCheckFailed } from './client.js';

/**
 * The alert state inside a device's item (docs/storage.md). Persisted
 * generically: `v` the version, `et` the evaluation cursor, `hh` the heat
 * history (compact text), `pending` the outbox (one map entry per
 * notification, so claims touch only their own entry), and `as` everything
 * else the domain keeps (active alerts, sequence, and any field added later)
 * as it is. Each part is rewritten only when it changed.
 */

/** Sort key of a device's item. */
export const DEVICE_SK = 'device';

type Item = Record<string, unknown>;

/** `[[ms, °C], ...]` as `<first ms base 36>:<°C>,<ms delta base 36>:<°C>,...`. */
export function encodeHeatHistory(history: readonly (readonly [number, number])[]): string {
  let previous = 0;
  return history
    .map(([ms, degrees], i) => {
      const text = `${(i === 0 ? ms : ms - previous).toString(36)}:${String(degrees)}`;
      previous = ms;
      return text;
    })
    .join(',');
}

export function decodeHeatHistory(text: unknown): [number, number][] {
  if (typeof text !== 'string' || text === '') return [];
  let previous = 0;
  return text.split(',').map((part, i) => {
    const [ms, degrees] = part.split(':') as [string, string];
    const at = i === 0 ? parseInt(ms, 36) : previous + parseInt(ms, 36);
    previous = at;
    return [at, Number(degrees)];
  });
}

function rest(state: AlertState): Record<string, unknown> {
  const { version: _v, evaluatedTs: _e, heatHistory: _h, pending: _p, ...others } = state;
  return others;
}

export function alertStateFromItem(item: Item | undefined): AlertState {
  if (!item) return emptyAlertState();
  return {
    ...emptyAlertState(),
    ...((item.as as Partial<AlertState> | undefined) ?? {}),
    version: Number(item.v ?? 0),
    evaluatedTs: (item.et as string | undefined) ?? null,
    heatHistory: decodeHeatHistory(item.hh),
    pending: (item.pending as AlertState['pending'] | undefined) ?? {},
  };
}

/** The attributes of a new device item that hold its (empty) alert state. */
export function initialAlertAttributes(): Item {
  const state = emptyAlertState();
  return { v: 0, as: rest(state), pending: {} };
}

/** An update expression under construction. */
export interface UpdateParts {
  sets: string[];
  removes: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export const newUpdate = (): UpdateParts => ({ sets: [], removes: [], names: {}, values: {} });

export function updateExpression(parts: UpdateParts): string {
  return [parts.sets.length ? `SET ${parts.sets.join(', ')}` : '', parts.removes.length ? `REMOVE ${parts.removes.join(', ')}` : ''].join(' ').trim();
}

/**
 * Write `parts` to a device's item if its version is still `expectedVersion`
 * (the alert state's `v`): false when another writer got there first. Every
 * write that moves the version goes through here (a post, an alert change).
 */
export async function writeOnVersion(db: DynamoDBDocumentClient, tableName: string, deviceId: string, parts: UpdateParts, expectedVersion: number): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { deviceId, sk: DEVICE_SK },
        UpdateExpression: updateExpression(parts),
        ConditionExpression: '#v = :expected',
        ExpressionAttributeNames: parts.names,
        ExpressionAttributeValues: { ...parts.values, ':expected': expectedVersion },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Add the writes that take the stored alert state from `previous` to `next`
 * (version + 1, condition on the version by the caller) and queue `queued`.
 * Without `previous`, every part is written.
 */
export function addAlertStateWrite(parts: UpdateParts, newVersion: number, previous: AlertState | undefined, next: AlertState, queued: readonly PendingNotification[]): void {
  parts.names['#v'] = 'v';
  parts.values[':v'] = newVersion;
  parts.sets.push('#v = :v');
  if (!previous || previous.evaluatedTs !== next.evaluatedTs) {
    parts.names['#et'] = 'et';
    if (next.evaluatedTs === null) parts.removes.push('#et');
    else {
      parts.values[':et'] = next.evaluatedTs;
      parts.sets.push('#et = :et');
    }
  }
  const heat = encodeHeatHistory(next.heatHistory);
  if (!previous || encodeHeatHistory(previous.heatHistory) !== heat) {
    parts.names['#hh'] = 'hh';
    if (heat === '') parts.removes.push('#hh');
    else {
      parts.values[':hh'] = heat;
      parts.sets.push('#hh = :hh');
    }
  }
  const others = rest(next);
  if (!previous || JSON.stringify(rest(previous)) !== JSON.stringify(others)) {
    parts.names['#as'] = 'as';
    parts.values[':as'] = others;
    parts.sets.push('#as = :as');
  }
  if (queued.length > 0) parts.names['#pending'] = 'pending';
  queued.forEach((entry, i) => {
    parts.names[`#q${i}`] = entry.seq;
    parts.values[`:q${i}`] = entry;
    parts.sets.push(`#pending.#q${i} = :q${i}`);
  });
}
