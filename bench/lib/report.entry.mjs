// The air-quality report's use case and what it reads through, bundled on the
// fly by bench/history.mjs (esbuild, npm packages external), so that the
// benchmark can count the bytes each store call reads.
export { airQualityReport } from '../../src/app/air-quality-report.ts';
export { parseSettings } from '../../src/app/settings.ts';
export { DynamoReadingStore } from '../../src/adapters/dynamodb/reading-store.ts';
export { DynamoDeviceStore } from '../../src/adapters/dynamodb/device-store.ts';
