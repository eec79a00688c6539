import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdminTokenVerifier, Clock, Log, Notifier, ReadTokenVerifier, Telemetry } from '../app/ports.js';
import type { Settings } from '../app/settings.js';
import { DynamoAlertStateStore } from './dynamodb/alert-state-store.js';
import { DynamoAlertStore } from './dynamodb/alert-store.js';
import { DynamoDeviceStore } from './dynamodb/device-store.js';
import { DynamoReadingStore } from './dynamodb/reading-store.js';
import { DynamoSilenceStore } from './dynamodb/silence-store.js';
import type { TableNames } from './dynamodb/tables.js';
import type { ApiDeps } from './http/routes.js';
import { contextualLog } from './observability/request-context.js';

export interface RuntimeParts {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  admin: AdminTokenVerifier;
  /** The read tokens; without them (no READ_TOKEN), none is accepted. */
  readers?: ReadTokenVerifier;
  settings: Settings;
  log: Log;
  telemetry: Telemetry;
  notifier: Notifier;
  clock?: Clock;
}

const noReadTokens: ReadTokenVerifier = { verify: async () => false };

export const systemClock: Clock = { now: () => Date.now() };

/** Wires the use cases to DynamoDB: the one place every edge (Lambda, local stack, server) builds its dependencies. */
export function createApiDeps(parts: RuntimeParts): ApiDeps {
  return {
    devices: new DynamoDeviceStore(parts.db, parts.tables.devices),
    readings: new DynamoReadingStore(parts.db, parts.tables.readings),
    admin: parts.admin,
    readers: parts.readers ?? noReadTokens,
    clock: parts.clock ?? systemClock,
    settings: parts.settings,
    // Every line a use case logs carries the request's id and device (per request, never shared).
    log: contextualLog(parts.log),
    telemetry: parts.telemetry,
    alertStates: new DynamoAlertStateStore(parts.db, parts.tables.devices),
    alerts: new DynamoAlertStore(parts.db, parts.tables.alerts),
    silences: new DynamoSilenceStore(parts.db, parts.tables.alerts),
    notifier: parts.notifier,
    newAlertId: () => `al_${randomBytes(12).toString('base64url')}`,
    instanceId: randomUUID(),
  };
}
