import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MEASUREMENT_FIELDS, readingKey, timeKey, type Reading } from '../../domain/reading.js';
import type { ReadingPage, ReadingQuery, ReadingStore, StoredReading } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';

type Item = Record<string, unknown>;

/** Exactly the fields the reading was sent with, plus receivedAt (key order as a person reads it). */
function toStored(item: Item): StoredReading {
  const reading: Record<string, unknown> = typeof item.id === 'string' ? { id: item.id, ts: item.ts } : { ts: item.ts };
  for (const field of MEASUREMENT_FIELDS) if (item[field] !== undefined) reading[field] = item[field];
  if (Array.isArray(item.faults) && item.faults.length > 0) reading.faults = item.faults;
  reading.receivedAt = item.receivedAt;
  return reading as unknown as StoredReading;
}

/** Readings keyed by identity (the conditional put is the idempotency check), listed in time order through the byTime LSI. */
export class DynamoReadingStore implements ReadingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(deviceId: string, reading: Reading, receivedAt: string, expiresAtSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...reading, deviceId, readingKey: readingKey(reading), timeKey: timeKey(reading), receivedAt, expiresAt: expiresAtSeconds },
          ConditionExpression: 'attribute_not_exists(readingKey)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async get(deviceId: string, key: string): Promise<StoredReading | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { deviceId, readingKey: key }, ConsistentRead: true }));
    return out.Item ? toStored(out.Item) : undefined;
  }

  async query(deviceId: string, query: ReadingQuery): Promise<ReadingPage> {
    // Ask for one item more than the page so that the last page carries no cursor.
    const wanted = query.limit + 1;
    const items: Item[] = [];
    let start: Item | undefined = query.after
      ? { deviceId, timeKey: query.after, readingKey: query.after.slice(query.after.indexOf('#') + 1) }
      : undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byTime',
          KeyConditionExpression: 'deviceId = :d AND timeKey BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':d': deviceId, ':from': query.from, ':to': query.to },
          ConsistentRead: true,
          ScanIndexForward: true,
          Limit: wanted - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start && items.length < wanted);
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toStored),
      ...(items.length > query.limit && last ? { lastTimeKey: last.timeKey as string } : {}),
    };
  }

  /** The whole range, page after page of the time query (1,000 items a page). */
  async *readRange(deviceId: string, fromIso: string, toIso: string): AsyncIterable<StoredReading> {
    let after: string | undefined;
    do {
      const page = await this.query(deviceId, { from: fromIso, to: toIso, limit: 1000, ...(after ? { after } : {}) });
      yield* page.items;
      after = page.lastTimeKey;
    } while (after);
  }
}
