// What the benchmarks need from the TypeScript sources, bundled on the fly by
// bench/lib/store.mjs (esbuild, npm packages external): the embedded store
// started exactly as the local stack starts it, the table definitions and the
// store adapters, so that items are written the way the API writes them.
export { startDynalite } from '../../src/adapters/local/dynalite.ts';
export { createLocalClients } from '../../src/adapters/dynamodb/client.ts';
export { ensureTables } from '../../src/adapters/dynamodb/create-tables.ts';
export { tableNamesForPrefix } from '../../src/adapters/dynamodb/tables.ts';
export { DynamoReadingStore } from '../../src/adapters/dynamodb/reading-store.ts';
export { DynamoDeviceStore } from '../../src/adapters/dynamodb/device-store.ts';
export { DynamoAlertStateStore } from '../../src/adapters/dynamodb/alert-state-store.ts';
export { newDeviceKey, hashSecret } from '../../src/app/credentials.ts';
export { QueryCommand } from '@aws-sdk/lib-dynamodb';
export { readingKey, timeKey } from '../../src/domain/reading.ts';
export { CreateTableCommand } from '@aws-sdk/client-dynamodb';
export { ScanCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
export { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
export { DynamoAlertStore } from '../../src/adapters/dynamodb/alert-store.ts';
export { sweep, SWEEP_SEGMENTS } from '../../src/app/alerts/sweep.ts';
export { parseSettings } from '../../src/app/settings.ts';
