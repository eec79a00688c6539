import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertState, PendingNotification } from '../../domain/alerts/types.js';
import type { AlertStateStore } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';
import { addAlertStateWrite, alertStateFromItem, DEVICE_SK, newUpdate, writeOnVersion } from './device-item.js';

export { alertStateFromItem } from './device-item.js';
/** The alert state lives in the device's own item (device-item.ts). */
export const ALERT_STATE_SK = DEVICE_SK;

/**
 * A device's alert state, inside its device item: every change is a
 * conditional write on the item's version, so a transition and its
 * notification are committed by one write (no transactions). Outbox claims
 * and removals touch only their own entry, never the version.
 */
export class DynamoAlertStateStore implements AlertStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(deviceId: string): Promise<AlertState> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { deviceId, sk: ALERT_STATE_SK },
        ConsistentRead: true,
        ProjectionExpression: '#v, #et, #hh, #as, #pending',
        ExpressionAttributeNames: { '#v': 'v', '#et': 'et', '#hh': 'hh', '#as': 'as', '#pending': 'pending' },
      }),
    );
    return alertStateFromItem(out.Item);
  }

  async commit(deviceId: string, expectedVersion: number, next: AlertState, queued: readonly PendingNotification[], previous?: AlertState): Promise<boolean> {
    const parts = newUpdate();
    addAlertStateWrite(parts, expectedVersion + 1, previous, next, queued);
    return writeOnVersion(this.db, this.tableName, deviceId, parts, expectedVersion);
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
