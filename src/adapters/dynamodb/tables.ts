/**
 * The one definition of the platform's DynamoDB tables.
 *
 * The local stack and the tests create their tables from this file, and the
 * Terraform drift test (terraform/tests/table-drift.test.ts) holds the tables
 * that Terraform plans to exactly these keys, attributes and indexes.
 * The design is documented in docs/storage.md.
 */

export type KeyType = 'HASH' | 'RANGE';
export type AttributeType = 'S' | 'N';

export interface KeyElement {
  readonly name: string;
  readonly keyType: KeyType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly keys: readonly KeyElement[];
}

export interface TableDefinition {
  /** Logical name; the physical name is `<prefix>-<logical>`. */
  readonly logicalName: 'readings' | 'devices' | 'alerts';
  readonly keys: readonly KeyElement[];
  /** Every attribute used in a key of the table or of one of its indexes. */
  readonly attributes: Readonly<Record<string, AttributeType>>;
  readonly localIndexes: readonly IndexDefinition[];
  readonly globalIndexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute that DynamoDB's TTL deletes by (retention). */
  readonly ttlAttribute?: string;
}

/**
 * readings: readings packed per device and 5-minute bucket (reading-codec.ts).
 *   deviceId HASH
 *   bucket   RANGE  `<bucket start, epoch ms, 16 digits>#<sub-bucket, 3 digits>`:
 *                   a Query in key order is time order, bucket by bucket.
 *   One attribute per reading, named by its identity (`id#<id>`, `ts#<ts>`).
 *   No index: the readings route reads buckets in key order.
 */
export const readingsTable: TableDefinition = {
  logicalName: 'readings',
  keys: [
    { name: 'deviceId', keyType: 'HASH' },
    { name: 'bucket', keyType: 'RANGE' },
  ],
  attributes: { deviceId: 'S', bucket: 'S' },
  localIndexes: [],
  globalIndexes: [],
  ttlAttribute: 'expiresAt',
};

/**
 * devices: one item per device (sk = `device`) holding its record, `latest`,
 * `lastSeenAt`, the evaluation cursor and its alert state with the outbox, so
 * that a post is one conditional write; and the directory (deviceId =
 * `#directory`, sk = the device id: `#` is never in a device id), one key-only
 * item per device so that the device list pages in deviceId order.
 */
export const devicesTable: TableDefinition = {
  logicalName: 'devices',
  keys: [
    { name: 'deviceId', keyType: 'HASH' },
    { name: 'sk', keyType: 'RANGE' },
  ],
  attributes: { deviceId: 'S', sk: 'S' },
  localIndexes: [],
  globalIndexes: [],
};

/**
 * alerts: one item per alert (raised once, escalated and resolved in place).
 *   GSI byStatus (status, raisedKey) lists active or resolved alerts newest first.
 *   GSI byDevice (deviceId, raisedKey) lists one device's alerts newest first.
 *   raisedKey = `<raisedAt UTC ms>#<alertId>`.
 */
export const alertsTable: TableDefinition = {
  logicalName: 'alerts',
  keys: [{ name: 'alertId', keyType: 'HASH' }],
  attributes: { alertId: 'S', status: 'S', deviceId: 'S', raisedKey: 'S' },
  localIndexes: [],
  globalIndexes: [
    {
      name: 'byStatus',
      keys: [
        { name: 'status', keyType: 'HASH' },
        { name: 'raisedKey', keyType: 'RANGE' },
      ],
    },
    {
      name: 'byDevice',
      keys: [
        { name: 'deviceId', keyType: 'HASH' },
        { name: 'raisedKey', keyType: 'RANGE' },
      ],
    },
  ],
  ttlAttribute: 'expiresAt',
};

export const tableDefinitions: readonly TableDefinition[] = [readingsTable, devicesTable, alertsTable];

export interface TableNames {
  readonly readings: string;
  readonly devices: string;
  readonly alerts: string;
}

export function tableNamesForPrefix(prefix: string): TableNames {
  return { readings: `${prefix}-readings`, devices: `${prefix}-devices`, alerts: `${prefix}-alerts` };
}
