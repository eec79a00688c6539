import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeviceRecord } from '../../domain/device.js';
import type { Reading } from '../../domain/reading.js';
import type { ThresholdsOverride } from '../../domain/thresholds.js';
import type { DevicePage, DevicePatch, DeviceSnapshot, DeviceStore, PostWrite } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';
import { addAlertStateWrite, alertStateFromItem, DEVICE_SK, initialAlertAttributes, newUpdate, updateExpression, writeOnVersion } from './device-item.js';

export { DEVICE_SK } from './device-item.js';

/** Partition of the directory: one key-only item per device, sorted by id (`#` is never in a device id). */
export const DIRECTORY_ID = '#directory';

type Item = Record<string, unknown>;

function snapshot(item: Item): DeviceSnapshot {
  const alertState = alertStateFromItem(item);
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
    uploadIntervalSeconds: (item.uploadIntervalSeconds as number | undefined) ?? null,
    activeAlerts: Object.keys(alertState.active).length,
    alertState,
  };
}

const PATCHABLE = ['name', 'location', 'thresholds', 'uploadIntervalSeconds'] as const;

/**
 * One item per device: record, `latest`, `lastSeenAt` and the alert state
 * with its outbox (device-item.ts), so that a post is one conditional
 * UpdateItem. The directory partition lists devices in id order.
 */
export class DynamoDeviceStore implements DeviceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: DeviceRecord): Promise<boolean> {
    const item: Item = { ...record, sk: DEVICE_SK, ...initialAlertAttributes() };
    for (const key of Object.keys(item)) if (item[key] === null) delete item[key];
    // Directory entry first: a crash in between leaves an entry without a device, which listing skips.
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { deviceId: DIRECTORY_ID, sk: record.deviceId } }));
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(deviceId)' }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async get(deviceId: string): Promise<DeviceSnapshot | undefined> {
    if (deviceId === DIRECTORY_ID) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { deviceId, sk: DEVICE_SK }, ConsistentRead: true }));
    return out.Item ? snapshot(out.Item) : undefined;
  }

  async list(): Promise<DeviceSnapshot[]> {
    const devices: DeviceSnapshot[] = [];
    let start: Item | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :device',
          ExpressionAttributeValues: { ':device': DEVICE_SK },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (out.Items ?? []) as Item[]) if (item.deviceId !== DIRECTORY_ID) devices.push(snapshot(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return devices.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }

  async *scanSegment(segment: number, totalSegments: number): AsyncIterable<DeviceSnapshot[]> {
    let start: Item | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          FilterExpression: 'sk = :device',
          ExpressionAttributeValues: { ':device': DEVICE_SK },
          ExclusiveStartKey: start,
        }),
      );
      yield ((out.Items ?? []) as Item[]).filter((i) => i.deviceId !== DIRECTORY_ID).map(snapshot);
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async listPage(limit: number, afterDeviceId?: string): Promise<DevicePage> {
    const ids: string[] = [];
    let start: Item | undefined = afterDeviceId !== undefined ? { deviceId: DIRECTORY_ID, sk: afterDeviceId } : undefined;
    // One more than the page, so that the last page carries no cursor.
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'deviceId = :d',
          ExpressionAttributeValues: { ':d': DIRECTORY_ID },
          ConsistentRead: true,
          Limit: limit + 1 - ids.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (out.Items ?? []) as Item[]) ids.push(item.sk as string);
      start = out.LastEvaluatedKey;
    } while (start && ids.length < limit + 1);
    const pageIds = ids.slice(0, limit);
    const found = new Map<string, DeviceSnapshot>();
    for (let i = 0; i < pageIds.length; i += 100) {
      let keys: Item[] | undefined = pageIds.slice(i, i + 100).map((deviceId) => ({ deviceId, sk: DEVICE_SK }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of (out.Responses?.[this.tableName] ?? []) as Item[]) found.set(item.deviceId as string, snapshot(item));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    const items = pageIds.flatMap((id) => found.get(id) ?? []);
    const last = pageIds[pageIds.length - 1];
    return { items, ...(ids.length > limit && last !== undefined ? { lastDeviceId: last } : {}) };
  }

  async update(deviceId: string, patch: DevicePatch): Promise<DeviceSnapshot | undefined> {
    const parts = newUpdate();
    for (const field of PATCHABLE) {
      if (!(field in patch)) continue;
      const value = patch[field];
      parts.names[`#${field}`] = field;
      if (value === null || value === undefined) parts.removes.push(`#${field}`);
      else {
        parts.sets.push(`#${field} = :${field}`);
        parts.values[`:${field}`] = value;
      }
    }
    if (parts.sets.length + parts.removes.length > 0) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { deviceId, sk: DEVICE_SK },
            UpdateExpression: updateExpression(parts),
            ConditionExpression: 'attribute_exists(deviceId)',
            ExpressionAttributeNames: parts.names,
            ...(Object.keys(parts.values).length ? { ExpressionAttributeValues: parts.values } : {}),
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

  async recordPost(deviceId: string, post: PostWrite): Promise<boolean> {
    const parts = newUpdate();
    addAlertStateWrite(parts, post.previous.version + 1, post.previous, post.next, post.queued);
    parts.names['#seen'] = 'lastSeenAt';
    parts.values[':seen'] = post.seenAt;
    parts.sets.push('#seen = :seen');
    if (post.latest) {
      parts.names['#latest'] = 'latest';
      parts.values[':latest'] = post.latest;
      parts.sets.push('#latest = :latest');
    }
    // The version guards lastSeenAt and latest too: both were computed from the state read at that version.
    return writeOnVersion(this.db, this.tableName, deviceId, parts, post.previous.version);
  }

  /** An update of an existing device record; false when the device does not exist. */
  private async conditionalUpdate(deviceId: string, expression: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deviceId, sk: DEVICE_SK },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(deviceId)',
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
