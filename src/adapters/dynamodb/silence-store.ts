import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Silence } from '../../domain/alerts/silence.js';
import type { SilencePage, SilenceStore } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';

type Item = Record<string, unknown>;

/**
 * Silences live in the alerts table under their own key prefix, so no new
 * table is needed: alertId = `silence#<silenceId>`, status = `silence` and
 * raisedKey = `<createdAt>#<silenceId>`, which lists them newest first
 * through the byStatus index. They carry no `deviceId` attribute (the
 * silenced device is `silenceDeviceId`), so they never show in a device's
 * alerts, and no alert id can contain `#`.
 */
const PREFIX = 'silence#';
const STATUS = 'silence';
const key = (silenceId: string) => ({ alertId: `${PREFIX}${silenceId}` });

function toSilence(item: Item): Silence {
  return {
    silenceId: item.silenceId as string,
    deviceId: (item.silenceDeviceId as string | null | undefined) ?? null,
    kinds: (item.kinds as Silence['kinds'] | undefined) ?? null,
    from: item.from as string,
    until: item.until as string,
    reason: item.reason as string,
    createdAt: item.createdAt as string,
    endedAt: (item.endedAt as string | null | undefined) ?? null,
  };
}

export class DynamoSilenceStore implements SilenceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(s: Silence, expiresAtSeconds: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key(s.silenceId),
          status: STATUS,
          raisedKey: `${s.createdAt}#${s.silenceId}`,
          silenceId: s.silenceId,
          silenceDeviceId: s.deviceId,
          kinds: s.kinds,
          from: s.from,
          until: s.until,
          reason: s.reason,
          createdAt: s.createdAt,
          endedAt: null,
          startNotified: false,
          endNotified: false,
          expiresAt: expiresAtSeconds,
        },
        ConditionExpression: 'attribute_not_exists(alertId)',
      }),
    );
  }

  async get(silenceId: string): Promise<(Silence & { startNotified: boolean; endNotified: boolean }) | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(silenceId), ConsistentRead: true }));
    if (!out.Item || out.Item.status !== STATUS) return undefined;
    return { ...toSilence(out.Item), startNotified: out.Item.startNotified === true, endNotified: out.Item.endNotified === true };
  }

  async end(silenceId: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(silenceId),
          UpdateExpression: 'SET endedAt = :at',
          ConditionExpression: '#status = :silence AND attribute_type(endedAt, :nullType)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at, ':nullType': 'NULL', ':silence': STATUS },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async claimNotice(silenceId: string, notice: 'start' | 'end', owner: string, untilMs: number, nowMs: number): Promise<boolean> {
    const flag = notice === 'start' ? 'startNotified' : 'endNotified';
    const claim = notice === 'start' ? 'startClaim' : 'endClaim';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(silenceId),
          UpdateExpression: `SET ${claim} = :claim`,
          ConditionExpression: `${flag} = :false AND (attribute_not_exists(${claim}) OR ${claim}.untilMs < :now)`,
          ExpressionAttributeValues: { ':claim': { owner, untilMs }, ':false': false, ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async completeNotice(silenceId: string, notice: 'start' | 'end', owner: string): Promise<void> {
    const flag = notice === 'start' ? 'startNotified' : 'endNotified';
    const claim = notice === 'start' ? 'startClaim' : 'endClaim';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(silenceId),
          UpdateExpression: `SET ${flag} = :true REMOVE ${claim}`,
          ConditionExpression: `${claim}.#owner = :owner`,
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':true': true, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async releaseNotice(silenceId: string, notice: 'start' | 'end', owner: string): Promise<void> {
    const claim = notice === 'start' ? 'startClaim' : 'endClaim';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(silenceId),
          UpdateExpression: `REMOVE ${claim}`,
          ConditionExpression: `${claim}.#owner = :owner`,
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async list(query: { limit: number; before?: string; createdFrom?: string; createdTo?: string; open?: boolean }): Promise<SilencePage> {
    const items: Item[] = [];
    let start: Item | undefined;
    const values: Record<string, unknown> = { ':s': STATUS };
    let condition = '#status = :s';
    const upper = query.before ?? (query.createdTo ? `${query.createdTo}#~` : undefined);
    if (upper && query.createdFrom) {
      condition += ' AND raisedKey BETWEEN :lo AND :hi';
      values[':lo'] = query.createdFrom;
      values[':hi'] = upper;
    } else if (upper) {
      condition += ' AND raisedKey < :hi';
      values[':hi'] = upper;
    } else if (query.createdFrom) {
      condition += ' AND raisedKey >= :lo';
      values[':lo'] = query.createdFrom;
    }
    const filter = query.open ? { FilterExpression: 'attribute_type(endedAt, :nullType) OR endNotified = :false' } : {};
    if (query.open) Object.assign(values, { ':nullType': 'NULL', ':false': false });
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: condition,
          ...filter,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start && items.length <= query.limit);
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((i) => ({ ...toSilence(i), startNotified: i.startNotified === true, endNotified: i.endNotified === true })),
      ...(items.length > query.limit && last ? { lastKey: last.raisedKey as string } : {}),
    };
  }
}
