#!/usr/bin/env node
// Bundles every deployable: one zip per Lambda handler (dist/lambda/<name>.zip),
// the local stack (dist/server/local.mjs) and, when present, the device agent.
// Zips are byte-for-byte reproducible (fixed order, timestamps and modes), so
// Terraform's source_code_hash only changes when the code does.
import { build } from 'esbuild';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import yazl from 'yazl';

const root = dirname(fileURLToPath(import.meta.url));
// DIST_DIR lets a test build a second copy side by side (reproducibility check).
const dist = process.env.DIST_DIR ? join(process.env.DIST_DIR) : join(root, 'dist');

/** Lambda functions: name -> entry point. */
export const lambdas = {
  api: 'src/handlers/api.ts',
  ingest: 'src/handlers/ingest.ts',
  sweep: 'src/handlers/sweep.ts',
};

// The AWS SDK's ESM build needs `require` for a few Node built-ins.
const esmRequireBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

async function bundleLambda(name, entry) {
  const outdir = join(dist, 'lambda', name);
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Without 'module' first, esbuild takes the SDK's CommonJS build and the ESM bundle crashes on import.
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    minify: true,
    treeShaking: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const zipPath = join(dist, 'lambda', `${name}.zip`);
  await writeZip(outdir, zipPath);
  return zipPath;
}

async function writeZip(dir, zipPath) {
  const zip = new yazl.ZipFile();
  const files = (await readdir(dir)).sort();
  for (const file of files) {
    zip.addBuffer(await readFile(join(dir, file)), file, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  }
  zip.end();
  await new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

async function bundleLocalServer() {
  await build({
    entryPoints: [join(root, 'src/server/local.ts')],
    outfile: join(dist, 'server', 'local.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Runs from the checkout, next to node_modules (dynalite loads a native LevelDB binding).
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/** docs/openapi.json, derived from the valibot schemas (src/docs/openapi.ts). */
async function writeApiDocs() {
  const out = join(dist, 'docs-gen', 'openapi.mjs');
  await build({ entryPoints: [join(root, 'src/docs/openapi.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const { openApiDocument } = await import(`${pathToFileURL(out).href}?t=${Date.now()}`);
  await mkdir(join(root, 'docs'), { recursive: true });
  await writeFile(join(root, 'docs', 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  console.log('docs/openapi.json');
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const only = process.argv.slice(2);
  const want = (part) => (only.length === 0 && part !== 'docs') || only.includes(part);
  await mkdir(dist, { recursive: true });
  if (want('lambda')) {
    for (const [name, entry] of Object.entries(lambdas)) {
      const zipPath = await bundleLambda(name, entry);
      const unzipped = (await stat(join(dist, 'lambda', name, 'index.mjs'))).size;
      console.log(`dist/lambda/${name}.zip  ${kib((await stat(zipPath)).size)} (index.mjs ${kib(unzipped)})`);
    }
  }
  if (want('server')) {
    await bundleLocalServer();
    console.log('dist/server/local.mjs');
  }
  if (want('docs')) await writeApiDocs();
  if (want('device') && existsSync(join(root, 'device', 'build.mjs'))) {
    const result = spawnSync(process.execPath, [join(root, 'device', 'build.mjs')], { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
