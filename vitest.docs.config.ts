import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `make screenshots`: regenerates docs/screenshots/ from the local stack in headless Chromium.
 * Only that file: mergeConfig would append to the base `include` and run the whole suite.
 */
export default defineConfig({ ...base, test: { ...base.test, include: ['test/web/screenshots.docs.ts'] } });
