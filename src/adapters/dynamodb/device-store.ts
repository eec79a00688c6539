import { PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeviceRecord } from '../../domain/device.js';
import type { Reading } from '../../domain/reading.js';
import type { ThresholdsOverride } from '../../domain/thresholds.js';
import type { DevicePatch, DeviceSnapshot, DeviceStore } from '../../app/ports.js';
import { ALERT_STATE_SK, alertStateFromItem } from './alert-state-store.js';
import { isConditionalCheckFailed } from './client.js';

/** Sort key of the device record; its alert state sits beside it (ALERT_STATE_SK). */
export const DEVICE_SK = 'device';

type Item = Record<string, unknown>;

function toRecord(item: Item): DeviceRecord {
  return {
    deviceId: item.deviceId as string,
    name: (item.name as string | undefined) ?? null,
    location: (item.location as string | undefined) ?? null,
    thresholds: (item.thresholds as ThresholdsOverride | undefined) ?? {},
    createdAt: item.createdAt as string,
    keyHash: (item.keyHash as string | undefined) ?? null,
    revokedAt: (item.revokedAt as string | undefined) ?? null,
    lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    latest: (item.latest as Reading | undefined) ?? null,
  };
}

/** Group a device's items (record + alert state) into a snapshot. */
function snapshot(items: Item[]): DeviceSnapshot | undefined {
  const record = items.find((i) => i.sk === DEVICE_SK);
  if (!record) return undefined;
  const alertState = alertStateFromItem(items.find((i) => i.sk === ALERT_STATE_SK));
  return { ...toRecord(record), activeAlerts: Object.keys(alertState.active).length, alertState };
}

export class DynamoDeviceStore implements DeviceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: DeviceRecord): Promise<boolean> {
    const item: Item = { ...record, sk: DEVICE_SK };
    for (const key of Object.keys(item)) if (item[key] === null) delete item[key];
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(deviceId)' }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async get(deviceId: string): Promise<DeviceSnapshot | undefined> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'deviceId = :d',
          ExpressionAttributeValues: { ':d': deviceId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return snapshot(items);
  }

  async list(): Promise<DeviceSnapshot[]> {
    const byDevice = new Map<string, Item[]>();
    let start: Item | undefined;
    do {
      const out = await this.db.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of (out.Items ?? []) as Item[]) {
        const id = item.deviceId as string;
        const group = byDevice.get(id) ?? [];
        group.push(item);
        byDevice.set(id, group);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    const devices: DeviceSnapshot[] = [];
    for (const items of byDevice.values()) {
      const device = snapshot(items);
      if (device) devices.push(device);
    }
    return devices.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }

  async update(deviceId: string, patch: DevicePatch): Promise<DeviceSnapshot | undefined> {
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const field of ['name', 'location', 'thresholds'] as const) {
      if (!(field in patch)) continue;
      const value = patch[field];
      names[`#${field}`] = field;
      if (value === null || value === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (set.length + remove.length > 0) {
      const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim();
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { deviceId, sk: DEVICE_SK },
            UpdateExpression: expression,
            ConditionExpression: 'attribute_exists(deviceId)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    }
    return this.get(deviceId);
  }

  async setKeyHash(deviceId: string, keyHash: string): Promise<boolean> {
    return this.conditionalUpdate(deviceId, 'SET keyHash = :h REMOVE revokedAt', { ':h': keyHash });
  }

  async revoke(deviceId: string, at: string): Promise<boolean> {
    return this.conditionalUpdate(deviceId, 'SET revokedAt = if_not_exists(revokedAt, :at) REMOVE keyHash', { ':at': at });
  }

  async recordContact(deviceId: string, seenAt: string, latestCandidate: Reading | undefined): Promise<void> {
    const writes: Promise<unknown>[] = [
      // Only ever moves forward, so concurrent posts cannot set an older time last.
      this.conditionalUpdate(deviceId, 'SET lastSeenAt = :now', { ':now': seenAt }, 'attribute_not_exists(lastSeenAt) OR lastSeenAt < :now'),
    ];
    if (latestCandidate) {
      writes.push(
        this.conditionalUpdate(
          deviceId,
          'SET latest = :r, latestTs = :ts',
          { ':r': latestCandidate, ':ts': latestCandidate.ts },
          'attribute_not_exists(latestTs) OR latestTs < :ts',
        ),
      );
    }
    await Promise.all(writes);
  }

  /** An update of an existing device record; false when the device or the extra condition does not hold. */
  private async conditionalUpdate(deviceId: string, expression: string, values: Record<string, unknown>, extraCondition?: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, sk: DEVICE_SK },
          UpdateExpression: expression,
          ConditionExpression: extraCondition ? `attribute_exists(deviceId) AND (${extraCondition})` : 'attribute_exists(deviceId)',
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
