#!/usr/bin/env node
// Bundles every deployable: the web dashboard (dist/web), one zip per Lambda
// handler (dist/lambda/<name>.zip), the local stack (dist/server/local.mjs) and,
// when present, the device agent. The dashboard is built first: the web Lambda,
// the server variant and the local stack embed it (no S3, nothing to deploy beside the zips).
// Zips are byte-for-byte reproducible (fixed order, timestamps and modes), so
// Terraform's source_code_hash only changes when the code does.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';

const root = dirname(fileURLToPath(import.meta.url));
// DIST_DIR lets a test build a second copy side by side (reproducibility check).
const dist = process.env.DIST_DIR ? join(process.env.DIST_DIR) : join(root, 'dist');

/** Lambda functions: name -> entry point. */
export const lambdas = {
  api: 'src/handlers/api.ts',
  ingest: 'src/handlers/ingest.ts',
  sweep: 'src/handlers/sweep.ts',
  // The dashboard's page and files (src/adapters/http/dashboard-paths.ts): no store, no AWS client.
  web: 'src/handlers/web.ts',
};

// The AWS SDK's ESM build needs `require` for a few Node built-ins.
const esmRequireBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

// --- The web dashboard (src/web, docs/dashboard.md) ---------------------------

const WEB_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * dist/web: index.html, fingerprinted assets under assets/, and assets.json,
 * the manifest the web Lambda and the servers embed: [{path, contentType, immutable, encoding, body}].
 */
async function buildWeb() {
  const outdir = join(dist, 'web');
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(root, 'src/web/app/main.mts') },
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    tsconfig: join(root, 'src/web/tsconfig.json'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    treeShaking: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  const [js, output] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint) ?? [];
  if (!js || !output?.cssBundle) throw new Error('web build: no script or stylesheet came out');
  const icon = await readFile(join(root, 'src/web/icon.svg'));
  const iconName = `icon-${createHash('sha256').update(icon).digest('hex').slice(0, 10)}.svg`;
  await writeFile(join(outdir, 'assets', iconName), icon);
  const url = (file) => `assets/${basename(file)}`;
  const template = await readFile(join(root, 'src/web/index.html'), 'utf8');
  const html = template
    .replace('%APP_JS%', url(js))
    .replace('%APP_CSS%', url(output.cssBundle))
    .replace('%ICON%', url(iconName));
  if (/%[A-Z_]+%/.test(html)) throw new Error('web build: a placeholder of src/web/index.html was not replaced');
  await writeFile(join(outdir, 'index.html'), html);
  const files = ['index.html', ...(await readdir(join(outdir, 'assets'))).sort().map((name) => `assets/${name}`)];
  const assets = [];
  for (const file of files) {
    const body = await readFile(join(outdir, file));
    const contentType = WEB_TYPES[file.slice(file.lastIndexOf('.'))];
    if (!contentType) throw new Error(`web build: no content type for ${file}`);
    const text = contentType.startsWith('text/') || contentType === 'image/svg+xml';
    assets.push({
      path: file === 'index.html' ? '/' : `/${file}`,
      contentType,
      // The page itself must be revalidated; everything it names is fingerprinted.
      immutable: file !== 'index.html',
      encoding: text ? 'utf8' : 'base64',
      body: body.toString(text ? 'utf8' : 'base64'),
    });
  }
  await writeFile(join(outdir, 'assets.json'), JSON.stringify(assets));
  return assets;
}

/**
 * Replaces src/web/assets.ts (which, run from source, reads dist/web/assets.json
 * from disk) by a module holding the manifest itself: the bundles carry the dashboard.
 */
function embedWebAssets() {
  const source = join(root, 'src', 'web', 'assets.ts');
  return {
    name: 'embed-web-assets',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]web[\\/]assets\.ts$/ }, async (args) => {
        if (args.path !== source) return undefined;
        const manifest = join(dist, 'web', 'assets.json');
        if (!existsSync(manifest)) throw new Error(`${relative(root, manifest)} is missing: build the 'web' part first`);
        return {
          contents: `export function loadWebAssets() { return ${await readFile(manifest, 'utf8')}; }\n`,
          loader: 'js',
          watchFiles: [manifest],
        };
      });
    },
  };
}

// --- Lambda functions and the local stack ----------------------------------

/** One file with everything in it (AWS SDK included) for Node 22: the Lambdas and the server variant. */
export const selfContained = () => ({
  plugins: [embedWebAssets()],
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

/**
 * In the Lambda bundles only: the SDK's default credential chain becomes the
 * environment provider (src/handlers/lambda-credentials.ts says why). Every
 * client resolves `@aws-sdk/credential-provider-node` through this.
 */
function environmentCredentialsOnly() {
  const replacement = join(root, 'src', 'handlers', 'lambda-credentials.ts');
  return {
    name: 'environment-credentials-only',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: replacement }));
    },
  };
}

/**
 * In the Lambda bundles only: SDK parts no function of ours runs, replaced by
 * small stand-ins (each file says why): the event-stream serde (no DynamoDB,
 * SNS or SSM operation streams events), mnemonist's LRU cache (behind the
 * endpoint-discovery cache, which is off), 9 KiB of every zip; and inside
 * @smithy/core, the region lookup in instance metadata (Lambda sets
 * AWS_REGION) and the JavaScript SHA-256 (the fallback for a Node without
 * node:crypto), 1.5 KiB more.
 */
function unusedSdkParts() {
  const standIns = {
    '@smithy/core/event-streams': join(root, 'src', 'handlers', 'lambda-no-event-streams.ts'),
    'mnemonist/lru-cache': join(root, 'src', 'handlers', 'lambda-endpoint-lru.ts'),
  };
  // Relative imports inside @smithy/core's ESM build, by the module's file name.
  const inner = {
    getInstanceMetadataRegion: join(root, 'src', 'handlers', 'lambda-no-imds-region.ts'),
    Sha256Js: join(root, 'src', 'handlers', 'lambda-no-sha256-js.ts'),
  };
  return {
    name: 'unused-sdk-parts',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^(@smithy\/core\/event-streams|mnemonist\/lru-cache)$/ }, (args) => ({ path: standIns[args.path] }));
      pluginBuild.onResolve({ filter: /^\.{1,2}\/.*\b(getInstanceMetadataRegion|Sha256Js)$/ }, (args) => {
        if (!/[\\/]@smithy[\\/]core[\\/]dist-es[\\/]/.test(args.importer)) return undefined;
        return { path: inner[args.path.slice(args.path.lastIndexOf('/') + 1)] };
      });
    },
  };
}

/** Modules a Lambda bundle must never hold (test/bundles.test.ts reads the metafiles). */
export const forbiddenInLambda = {
  // No function holds the SSM client: GetParameter is one signed POST (src/adapters/ssm/secure-parameter.ts).
  all: ['mnemonist', '@aws-sdk/client-ssm', '@aws-sdk/credential-provider-node', '@aws-sdk/credential-provider-sso', '@aws-sdk/credential-provider-ini', '@smithy/credential-provider-imds', '@aws-sdk/credential-provider-web-identity', '@aws-sdk/credential-provider-process', '@aws-sdk/nested-clients'],
  api: ['@aws-sdk/client-sns'],
  ingest: [],
  sweep: [],
  web: ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sns', '@aws-sdk/credential-provider-env'],
};

/**
 * dist/lambda/<name>.zip holds index.mjs alone. Beside it: <name>/index.mjs
 * and <name>/index.mjs.map (the source map, for decoding stack traces: it is
 * 57% of the bytes and Lambda never reads it) and <name>.meta.json (esbuild's
 * metafile: what went into the bundle, `npx esbuild-visualizer` or
 * https://esbuild.github.io/analyze/ show it).
 */
async function bundleLambda(name, entry) {
  const outdir = join(dist, 'lambda', name);
  await rm(outdir, { recursive: true, force: true });
  const result = await build({ ...lambdaBuildOptions(), entryPoints: [join(root, entry)], outfile: join(outdir, 'index.mjs') });
  await writeFile(join(dist, 'lambda', `${name}.meta.json`), JSON.stringify(result.metafile));
  const zipPath = join(dist, 'lambda', `${name}.zip`);
  await writeZip(outdir, zipPath, ['index.mjs']);
  return zipPath;
}

/** esbuild options of a Lambda bundle (bench/coldstart.mjs builds its baseline from them). */
export function lambdaBuildOptions() {
  const options = selfContained();
  return {
    ...options,
    plugins: [...options.plugins, environmentCredentialsOnly(), unusedSdkParts()],
    // The map stays beside the zip; the comment lets `node --enable-source-maps` find it after unzipping next to it.
    sourcemap: 'linked',
    metafile: true,
  };
}

/** A reproducible zip of `files` of `dir` (fixed order, timestamps and modes). */
export async function writeZip(dir, zipPath, files) {
  const zip = new yazl.ZipFile();
  for (const file of files) {
    zip.addBuffer(await readFile(join(dir, file)), file, { mtime: FIXED_MTIME, mode: 0o100644, compress: true, compressionLevel: 9 });
  }
  zip.end();
  await new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

async function bundleLocalServer() {
  await build({
    entryPoints: [join(root, 'src/server/local.ts')],
    plugins: [embedWebAssets()],
    outfile: join(dist, 'server', 'local.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Runs from the checkout, next to node_modules (dynalite loads a native LevelDB binding).
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/** The server variant (vpc mode): the same handlers behind the Node edge, one file the instances fetch from S3. */
async function bundleServerVariant() {
  await build({ ...selfContained(), entryPoints: [join(root, 'src/server/server.ts')], outfile: join(dist, 'server', 'server.mjs') });
}

/** docs/openapi.json and terraform/app-routes.json, derived from the route table and the valibot schemas (src/docs/openapi.ts). */
async function writeApiDocs() {
  const out = join(dist, 'docs-gen', 'openapi.mjs');
  await build({ entryPoints: [join(root, 'src/docs/openapi.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const { openApiDocument, appRoutes } = await import(`${pathToFileURL(out).href}?t=${Date.now()}`);
  await mkdir(join(root, 'docs'), { recursive: true });
  await writeFile(join(root, 'docs', 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  await writeFile(join(root, 'terraform', 'app-routes.json'), `${JSON.stringify(appRoutes(), null, 2)}\n`);
  console.log('docs/openapi.json, terraform/app-routes.json');
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const only = process.argv.slice(2);
  const want = (part) => (only.length === 0 && part !== 'docs') || only.includes(part);
  await mkdir(dist, { recursive: true });
  // The web Lambda and the servers embed the dashboard: building any of them builds it first.
  if (want('web') || want('lambda') || want('server')) {
    const assets = await buildWeb();
    const gzipped = assets.reduce((sum, a) => sum + gzipSync(Buffer.from(a.body, a.encoding), { level: 9 }).length, 0);
    console.log(`dist/web  ${assets.length} files, ${kib(gzipped)} gzipped`);
  }
  if (want('lambda')) {
    for (const [name, entry] of Object.entries(lambdas)) {
      const zipPath = await bundleLambda(name, entry);
      const unzipped = (await stat(join(dist, 'lambda', name, 'index.mjs'))).size;
      console.log(`dist/lambda/${name}.zip  ${kib((await stat(zipPath)).size)} (index.mjs ${kib(unzipped)})`);
    }
  }
  if (want('server')) {
    await bundleLocalServer();
    await bundleServerVariant();
    console.log(`dist/server/local.mjs, dist/server/server.mjs  ${kib((await stat(join(dist, 'server', 'server.mjs'))).size)}`);
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
