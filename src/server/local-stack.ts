import { resolve } from 'node:path';
import { createApi } from '../adapters/http/api.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { managementRoutes } from '../adapters/http/management-routes.js';
import { webRoutes } from '../adapters/http/web-routes.js';
import { ingestRoutes, type ApiDeps } from '../adapters/http/routes.js';
import { MAX_BODY_BYTES } from '../adapters/http/json-body.js';
import { createApiDeps } from '../adapters/compose.js';
import { createLocalClients } from '../adapters/dynamodb/client.js';
import { ensureTables } from '../adapters/dynamodb/create-tables.js';
import { tableNamesForPrefix } from '../adapters/dynamodb/tables.js';
import { localAdminToken } from '../adapters/local/admin-token-file.js';
import { lockDataDir } from '../adapters/local/data-dir-lock.js';
import { startDynalite } from '../adapters/local/dynalite.js';
import { createObservability } from '../adapters/observability/powertools.js';
import { StaticAdminToken } from '../adapters/static-admin-token.js';
import { StaticReadTokens } from '../adapters/static-read-tokens.js';
import { adminTokenProblem, ConfigError, intSetting, parseReadTokens, parseSettings, type Settings } from '../app/settings.js';
import type { Clock, Notifier } from '../app/ports.js';
import { deliverPending } from '../app/alerts/deliver.js';
import { sweep } from '../app/alerts/sweep.js';
import { FileNotifier } from '../adapters/local/file-notifier.js';
import { behindFrontDoor, staticFrontDoorSecret } from '../adapters/http/front-door.js';
import { dispatchToLambdas, readingsInRequest } from './lambda-dispatch.js';
import { DEFAULT_MAX_READINGS_IN_FLIGHT, DEFAULT_MAX_REQUESTS_IN_FLIGHT, startHttpServer } from './http-server.js';
import { MAX_READINGS_PER_BATCH } from '../domain/reading.js';
import { startDeliveryRetryTimer } from './delivery-retry-timer.js';
import { startSweepTimer } from './sweep-timer.js';

export interface LocalConfig {
  port: number;
  host: string;
  dataDir: string;
  adminTokenFromEnv: string | undefined;
  /** READ_TOKEN: the read-only tokens (none when unset). */
  readTokens: readonly string[];
  settings: Settings;
  /** How often the offline / reminder / pending-notification sweep runs. */
  sweepIntervalSeconds: number;
  /** Bounds of the Node edge (MAX_REQUESTS_IN_FLIGHT, MAX_READINGS_IN_FLIGHT): beyond them 503 + Retry-After. */
  maxRequestsInFlight: number;
  maxReadingsInFlight: number;
  /** FRONT_DOOR_SECRET: behave as behind the front door (requests without its header get 403), to try it locally. */
  frontDoorSecret: string | undefined;
}

/** The local stack's environment, validated with every problem named at once. */
export function localConfigFromEnv(env: Readonly<Record<string, string | undefined>>): LocalConfig {
  const problems: string[] = [];
  const port = intSetting(env, 'PORT', 3000, 0, 65535, problems);
  const sweepIntervalSeconds = intSetting(env, 'SWEEP_INTERVAL_SECONDS', 30, 1, 3600, problems);
  const maxRequestsInFlight = intSetting(env, 'MAX_REQUESTS_IN_FLIGHT', DEFAULT_MAX_REQUESTS_IN_FLIGHT, 1, 10_000, problems);
  const maxReadingsInFlight = intSetting(env, 'MAX_READINGS_IN_FLIGHT', DEFAULT_MAX_READINGS_IN_FLIGHT, MAX_READINGS_PER_BATCH, 1_000_000, problems);
  let settings: Settings | undefined;
  try {
    settings = parseSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  const adminToken = env.ADMIN_TOKEN?.trim();
  const tokenProblem = adminToken ? adminTokenProblem(adminToken) : undefined;
  if (tokenProblem) problems.push(tokenProblem);
  const readTokens = env.READ_TOKEN?.trim() ? parseReadTokens(env.READ_TOKEN, adminToken) : { tokens: [], problems: [] };
  problems.push(...readTokens.problems);
  if (problems.length > 0 || !settings) throw new ConfigError(problems);
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR?.trim() || '.data'),
    adminTokenFromEnv: env.ADMIN_TOKEN,
    readTokens: readTokens.tokens,
    settings,
    sweepIntervalSeconds,
    maxRequestsInFlight,
    maxReadingsInFlight,
    frontDoorSecret: env.FRONT_DOOR_SECRET?.trim() || undefined,
  };
}

export interface LocalStack {
  url: string;
  adminToken: string;
  adminTokenGenerated: boolean;
  deps: ApiDeps;
  stop(): Promise<void>;
}


/**
 * The whole API on this machine: dynalite persisted under DATA_DIR, the same
 * Lambda handlers behind the Node HTTP edge.
 */
export interface LocalStackOptions {
  clock?: Clock;
  /** Tests wrap the file notifier (e.g. to make it fail N times). */
  wrapNotifier?: (notifier: Notifier) => Notifier;
  /** Print each notification line (the contract's local sink); tests turn it off. */
  printNotifications?: boolean;
}

export async function startLocalStack(config: LocalConfig, options: LocalStackOptions = {}): Promise<LocalStack> {
  const unlock = lockDataDir(config.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [unlock];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const store = await startDynalite(config.dataDir);
    cleanups.push(() => store.close());
    const { base, db } = createLocalClients(store.endpoint);
    cleanups.push(() => base.destroy());
    const tables = tableNamesForPrefix('local');
    await ensureTables(base, tables);
    const admin = localAdminToken(config.dataDir, config.adminTokenFromEnv);
    // The admin token may come from DATA_DIR/admin-token, unknown to localConfigFromEnv.
    if (config.readTokens.includes(admin.token)) throw new ConfigError(['READ_TOKEN must differ from the admin token (a screen given the read token would have admin rights)']);
    const obs = createObservability('local');
    const fileNotifier = new FileNotifier(config.dataDir, options.printNotifications === false ? () => undefined : undefined);
    const deps = createApiDeps({
      notifier: options.wrapNotifier ? options.wrapNotifier(fileNotifier) : fileNotifier,
      db,
      tables,
      admin: new StaticAdminToken(admin.token),
      readers: new StaticReadTokens(config.readTokens),
      settings: config.settings,
      log: obs.logger,
      telemetry: obs.telemetry,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const retries = startDeliveryRetryTimer((device) => deliverPending(deps, device), deps.clock, obs.logger);
    deps.deliveryRetries = retries;
    cleanups.push(() => retries.stop());
    const frontDoor = config.frontDoorSecret ? staticFrontDoorSecret(config.frontDoorSecret) : undefined;
    const handlers = {
      ingest: httpLambdaHandler(behindFrontDoor(createApi(ingestRoutes(deps), obs.logger), frontDoor), obs),
      api: httpLambdaHandler(behindFrontDoor(createApi(managementRoutes(deps), obs.logger), frontDoor), obs),
      // The page and its files carry no data: served either way, as the web function does in AWS.
      web: httpLambdaHandler(createApi(webRoutes(), obs.logger), obs),
    };
    const server = await startHttpServer(dispatchToLambdas(handlers), {
      port: config.port,
      host: config.host,
      maxBodyBytes: MAX_BODY_BYTES,
      maxRequestsInFlight: config.maxRequestsInFlight,
      maxReadingsInFlight: config.maxReadingsInFlight,
      weigh: readingsInRequest,
      log: obs.logger,
    });
    // The server stops first, so requests in flight finish against an open store.
    cleanups.push(() => server.close());
    const sweeper = startSweepTimer(() => sweep(deps).then(() => undefined), config.sweepIntervalSeconds * 1000, obs.logger);
    cleanups.push(() => sweeper.stop());
    return { url: server.url, adminToken: admin.token, adminTokenGenerated: admin.generated, deps, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
