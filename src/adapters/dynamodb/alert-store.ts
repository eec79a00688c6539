import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, PendingNotification } from '../../domain/alerts/types.js';
import type { AlertPage, AlertQuery, AlertStore } from '../../app/ports.js';
import { isConditionalCheckFailed } from './client.js';

type Item = Record<string, unknown>;

const raisedKey = (raisedAt: string, alertId: string) => `${raisedAt}#${alertId}`;

function toAlert(item: Item): Alert {
  const alert: Alert = {
    alertId: item.alertId as string,
    deviceId: item.deviceId as string,
    kind: item.kind as Alert['kind'],
    severity: item.severity as Alert['severity'],
    status: item.status as Alert['status'],
    raisedAt: item.raisedAt as string,
    value: item.value as Alert['value'],
    threshold: item.threshold as Alert['threshold'],
  };
  if (typeof item.resolvedAt === 'string') alert.resolvedAt = item.resolvedAt;
  if (typeof item.acknowledgedAt === 'string') alert.acknowledgedAt = item.acknowledgedAt;
  if (item.late === true) alert.late = true;
  if (item.silenced === true) alert.silenced = true;
  if (alert.threshold === undefined) alert.threshold = null;
  return alert;
}

/** Alert records: written from the outbox (idempotently), listed newest first through the byStatus and byDevice indexes. */
export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: PendingNotification, expiresAtSeconds: number): Promise<void> {
    try {
      if (entry.transition === 'raised') {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              alertId: entry.alertId,
              deviceId: entry.deviceId,
              kind: entry.kind,
              severity: entry.severity,
              status: 'active',
              raisedAt: entry.raisedAt,
              raisedKey: raisedKey(entry.raisedAt, entry.alertId),
              value: entry.value,
              threshold: entry.threshold,
              ...(entry.late ? { late: true } : {}),
              ...(entry.silenced ? { silenced: true } : {}),
            },
            ConditionExpression: 'attribute_not_exists(alertId)',
          }),
        );
      } else if (entry.transition === 'escalated') {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { alertId: entry.alertId },
            UpdateExpression: 'SET severity = :s, #value = :v, threshold = :t',
            ConditionExpression: 'attribute_exists(alertId)',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':s': entry.severity, ':v': entry.value, ':t': entry.threshold },
          }),
        );
      } else if (entry.transition === 'changed') {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { alertId: entry.alertId },
            UpdateExpression: 'SET #value = :v',
            ConditionExpression: 'attribute_exists(alertId)',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':v': entry.value },
          }),
        );
      } else if (entry.transition === 'resolved') {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { alertId: entry.alertId },
            UpdateExpression: 'SET #status = :resolved, resolvedAt = :at, expiresAt = :exp',
            ConditionExpression: 'attribute_exists(alertId)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':resolved': 'resolved', ':at': entry.at, ':exp': expiresAtSeconds },
          }),
        );
      }
    } catch (error) {
      // Written already (a retried raise), or its raise was never recorded: nothing more to do here.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async get(alertId: string): Promise<Alert | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { alertId }, ConsistentRead: true }));
    return out.Item ? toAlert(out.Item) : undefined;
  }

  async acknowledge(alertId: string, at: string): Promise<Alert | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { alertId },
          UpdateExpression: 'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at)',
          ConditionExpression: 'attribute_exists(alertId)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toAlert(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async list(query: AlertQuery): Promise<AlertPage> {
    const wanted = query.limit + 1;
    const partitions: { index: string; key: string; value: string; status?: string }[] = query.deviceId
      ? [{ index: 'byDevice', key: 'deviceId', value: query.deviceId, ...(query.status !== 'all' ? { status: query.status } : {}) }]
      : (query.status === 'all' ? ['active', 'resolved'] : [query.status]).map((status) => ({ index: 'byStatus', key: 'status', value: status }));
    const found: Item[] = [];
    for (const partition of partitions) found.push(...(await this.queryPartition(partition, query.before, wanted)));
    found.sort((a, b) => ((a.raisedKey as string) < (b.raisedKey as string) ? 1 : -1));
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(toAlert), ...(found.length > query.limit && last ? { lastKey: last.raisedKey as string } : {}) };
  }

  /** Newest first, strictly before `before`, until `wanted` items (after the status filter). */
  private async queryPartition(p: { index: string; key: string; value: string; status?: string }, before: string | undefined, wanted: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    const names: Record<string, string> = { '#pk': p.key };
    const values: Record<string, unknown> = { ':pk': p.value };
    let condition = '#pk = :pk';
    if (before) {
      condition += ' AND raisedKey < :before';
      values[':before'] = before;
    }
    if (p.status) {
      names['#status'] = 'status';
      values[':status'] = p.status;
    }
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: p.index,
          KeyConditionExpression: condition,
          ...(p.status ? { FilterExpression: '#status = :status' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: Math.max(wanted - items.length, 10),
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start && items.length < wanted);
    return items.slice(0, wanted);
  }
}
