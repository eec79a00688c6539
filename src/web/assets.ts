import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file of the built dashboard, as `build.mjs` writes it into `dist/web/assets.json`. */
export interface WebAsset {
  /** URL path: `/` for the page, `/assets/<name>-<hash>.<ext>` for the rest. */
  path: string;
  contentType: string;
  /** Fingerprinted (its name changes with its content): cacheable for ever. */
  immutable: boolean;
  encoding: 'utf8' | 'base64';
  body: string;
}

/**
 * The dashboard's files.
 *
 * In the Lambda zips and the local-stack bundle this module does not exist:
 * `build.mjs` (plugin `embed-web-assets`) replaces it with one whose
 * `loadWebAssets` returns the manifest itself, so the bundles carry the
 * dashboard. Run from source (vitest, a debugger) it reads the same manifest
 * from `dist/web/assets.json`, built by `node build.mjs web`. An empty list
 * when it has not been built, or in a bundle made without the plugin.
 */
export function loadWebAssets(): WebAsset[] {
  // Bundled without the plugin, dist/ is not where this path says: no dashboard (GET / says so), the API still runs.
  if (!/\/src\/web\/assets\.[cm]?[jt]s$/.test(import.meta.url)) return [];
  const manifest = fileURLToPath(new URL('../../dist/web/assets.json', import.meta.url));
  if (!existsSync(manifest)) return [];
  return JSON.parse(readFileSync(manifest, 'utf8')) as WebAsset[];
}
