import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyAlertState, type AlertState, type PendingNotification } from '../../domain/alerts/types.js';
import type { AlertStateStore } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';

/** Sort key of a device's alert-state item in the devices table. */
export const ALERT_STATE_SK = 'alerts';

export function alertStateFromItem(item: Record<string, unknown> | undefined): AlertState {
  if (!item) return emptyAlertState();
  return {
    version: Number(item.version ?? 0),
    evaluatedTs: (item.evaluatedTs as string | null | undefined) ?? null,
    active: (item.active as AlertState['active'] | undefined) ?? {},
    heatHistory: ((item.heatHistory as [number, number][] | undefined) ?? []).map(([a, b]) => [Number(a), Number(b)] as [number, number]),
    pending: (item.pending as AlertState['pending'] | undefined) ?? {},
    nextSeq: Number(item.nextSeq ?? 0),
  };
}

/**
 * One item per device holding every kind's active alert, the evaluation
 * cursor, the heat history and the outbox, so that a transition and its
 * notification are committed by one conditional write (no transactions).
 * Outbox claims and removals touch only their own entry, never the version.
 */
export class DynamoAlertStateStore implements AlertStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(deviceId: string): Promise<AlertState> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { deviceId, sk: ALERT_STATE_SK }, ConsistentRead: true }));
    return alertStateFromItem(out.Item);
  }

  async commit(deviceId: string, expectedVersion: number, next: AlertState, queued: readonly PendingNotification[]): Promise<boolean> {
    try {
      if (expectedVersion === 0) {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              deviceId,
              sk: ALERT_STATE_SK,
              version: 1,
              evaluatedTs: next.evaluatedTs,
              active: next.active,
              heatHistory: next.heatHistory,
              pending: Object.fromEntries(queued.map((p) => [p.seq, p])),
              nextSeq: next.nextSeq,
            },
            ConditionExpression: 'attribute_not_exists(deviceId)',
          }),
        );
        return true;
      }
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':expected': expectedVersion,
        ':version': expectedVersion + 1,
        ':evaluatedTs': next.evaluatedTs,
        ':active': next.active,
        ':heatHistory': next.heatHistory,
        ':nextSeq': next.nextSeq,
      };
      const sets = ['version = :version', 'evaluatedTs = :evaluatedTs', 'active = :active', 'heatHistory = :heatHistory', 'nextSeq = :nextSeq'];
      queued.forEach((entry, i) => {
        names[`#p${i}`] = entry.seq;
        values[`:p${i}`] = entry;
        sets.push(`pending.#p${i} = :p${i}`);
      });
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, sk: ALERT_STATE_SK },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'version = :expected',
          ...(queued.length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async claim(deviceId: string, seq: string, owner: string, untilMs: number, nowMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, sk: ALERT_STATE_SK },
          UpdateExpression: 'SET pending.#s.claimedBy = :owner, pending.#s.claimedUntil = :until',
          ConditionExpression: 'attribute_exists(pending.#s) AND (attribute_not_exists(pending.#s.claimedUntil) OR pending.#s.claimedUntil < :now)',
          ExpressionAttributeNames: { '#s': seq },
          ExpressionAttributeValues: { ':owner': owner, ':until': untilMs, ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async release(deviceId: string, seq: string, owner: string): Promise<void> {
    await this.ownedUpdate(deviceId, seq, owner, 'REMOVE pending.#s.claimedBy, pending.#s.claimedUntil SET pending.#s.attempts = if_not_exists(pending.#s.attempts, :zero) + :one', {
      ':zero': 0,
      ':one': 1,
    });
  }

  async complete(deviceId: string, seq: string, owner: string): Promise<void> {
    await this.ownedUpdate(deviceId, seq, owner, 'REMOVE pending.#s', {});
  }

  private async ownedUpdate(deviceId: string, seq: string, owner: string, expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, sk: ALERT_STATE_SK },
          UpdateExpression: expression,
          ConditionExpression: 'pending.#s.claimedBy = :owner',
          ExpressionAttributeNames: { '#s': seq },
          ExpressionAttributeValues: { ':owner': owner, ...values },
        }),
      );
    } catch (error) {
      // Our claim expired and another process took the entry over: it is theirs now.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
