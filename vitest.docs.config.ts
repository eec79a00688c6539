import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `make screenshots`: regenerates docs/screenshots/ from the local stack in headless Chromium. */
export default mergeConfig(base, defineConfig({ test: { include: ['test/web/screenshots.docs.ts'] } }));
