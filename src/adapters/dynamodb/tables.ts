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
 * readings: one item per stored reading.
 *   deviceId   HASH
 *   readingKey RANGE  the reading's identity: `id#<id>` or `ts#<ts>`, so a
 *                     conditional put is the idempotency check.
 *   LSI byTime on timeKey = `<ts UTC ms>#<readingKey>`: ascending time order
 *   with strongly consistent reads for the readings route.
 */
export const readingsTable: TableDefinition = {
  logicalName: 'readings',
  keys: [
    { name: 'deviceId', keyType: 'HASH' },
    { name: 'readingKey', keyType: 'RANGE' },
  ],
  attributes: { deviceId: 'S', readingKey: 'S', timeKey: 'S' },
  localIndexes: [
    {
      name: 'byTime',
      keys: [
        { name: 'deviceId', keyType: 'HASH' },
        { name: 'timeKey', keyType: 'RANGE' },
      ],
    },
  ],
  globalIndexes: [],
  ttlAttribute: 'expiresAt',
};

/**
 * devices: the device record (sk = `device`) and, beside it, one alert-state
 * item per (device, kind) (sk = `alert#<kind>`), so that a single strongly
 * consistent Query returns a device with all of its alert state.
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
