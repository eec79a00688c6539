import { SNSClient } from '@aws-sdk/client-sns';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createApiDeps } from '../adapters/compose.js';
import { createDocumentClient, createLocalClients } from '../adapters/dynamodb/client.js';
import { createApi } from '../adapters/http/api.js';
import { MAX_BODY_BYTES } from '../adapters/http/json-body.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { managementRoutes } from '../adapters/http/management-routes.js';
import { webRoutes } from '../adapters/http/web-routes.js';
import { ingestRoutes } from '../adapters/http/routes.js';
import { FileNotifier } from '../adapters/local/file-notifier.js';
import { createObservability } from '../adapters/observability/powertools.js';
import { SnsNotifier, snsClientConfig } from '../adapters/sns/sns-notifier.js';
import { SsmAdminToken } from '../adapters/ssm/ssm-admin-token.js';
import { SsmFrontDoorSecret } from '../adapters/ssm/ssm-front-door-secret.js';
import { behindFrontDoor, staticFrontDoorSecret, type FrontDoorSecret } from '../adapters/http/front-door.js';
import { StaticAdminToken } from '../adapters/static-admin-token.js';
import { StaticReadTokens } from '../adapters/static-read-tokens.js';
import { SsmReadTokens } from '../adapters/ssm/ssm-read-tokens.js';
import { secureParametersFromEnv } from '../adapters/ssm/secure-parameter.js';
import { deliverPending } from '../app/alerts/deliver.js';
import { sweep } from '../app/alerts/sweep.js';
import { adminTokenProblem, ConfigError, intSetting, parseReadTokens, parseSettings, requiredSetting } from '../app/settings.js';
import { DEFAULT_MAX_READINGS_IN_FLIGHT, DEFAULT_MAX_REQUESTS_IN_FLIGHT, startHttpServer } from './http-server.js';
import { dispatchToLambdas, readingsInRequest } from './lambda-dispatch.js';
import { MAX_READINGS_PER_BATCH } from '../domain/reading.js';
import { startDeliveryRetryTimer } from './delivery-retry-timer.js';
import { startSweepTimer } from './sweep-timer.js';

/**
 * The server variant (vpc mode): the same handlers as the Lambdas behind the
 * same Node HTTP edge as the local stack, against the real DynamoDB and SNS,
 * with the sweep on a timer. Several instances may run the sweep at once:
 * every change it makes is a conditional write.
 *
 * Test-only overrides (never set by Terraform): DYNAMODB_ENDPOINT (an embedded
 * store), NOTIFICATIONS_DIR (notifications to a file instead of SNS),
 * ADMIN_TOKEN and READ_TOKEN (instead of the SSM parameters), FRONT_DOOR_SECRET
 * (instead of FRONT_DOOR_SECRET_PARAMETER).
 */
function config(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const port = intSetting(env, 'PORT', 8080, 0, 65535, problems);
  const sweepSeconds = intSetting(env, 'SWEEP_INTERVAL_SECONDS', 60, 1, 3600, problems);
  const maxRequestsInFlight = intSetting(env, 'MAX_REQUESTS_IN_FLIGHT', DEFAULT_MAX_REQUESTS_IN_FLIGHT, 1, 10_000, problems);
  const maxReadingsInFlight = intSetting(env, 'MAX_READINGS_IN_FLIGHT', DEFAULT_MAX_READINGS_IN_FLIGHT, MAX_READINGS_PER_BATCH, 1_000_000, problems);
  const tables = {
    readings: requiredSetting(env, 'READINGS_TABLE', problems),
    devices: requiredSetting(env, 'DEVICES_TABLE', problems),
    alerts: requiredSetting(env, 'ALERTS_TABLE', problems),
  };
  const notificationsDir = env.NOTIFICATIONS_DIR?.trim();
  const topicArn = notificationsDir ? '' : requiredSetting(env, 'ALERTS_TOPIC_ARN', problems);
  const adminToken = env.ADMIN_TOKEN?.trim();
  const adminParameter = adminToken ? '' : requiredSetting(env, 'ADMIN_TOKEN_PARAMETER', problems);
  const tokenProblem = adminToken ? adminTokenProblem(adminToken) : undefined;
  if (tokenProblem) problems.push(tokenProblem);
  // Optional: without READ_TOKEN or READ_TOKEN_PARAMETER, no read token is accepted.
  const readTokens = env.READ_TOKEN?.trim() ? parseReadTokens(env.READ_TOKEN, adminToken) : { tokens: [], problems: [] };
  problems.push(...readTokens.problems);
  const readParameter = env.READ_TOKEN?.trim() ? '' : env.READ_TOKEN_PARAMETER?.trim() ?? '';
  let settings;
  try {
    settings = parseSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !settings) throw new ConfigError(problems);
  const frontDoorSecret = env.FRONT_DOOR_SECRET?.trim() || undefined;
  const frontDoorParameter = env.FRONT_DOOR_SECRET_PARAMETER?.trim() || undefined;
  return { port, host: env.HOST?.trim() || '0.0.0.0', sweepSeconds, maxRequestsInFlight, maxReadingsInFlight, tables, notificationsDir, topicArn, adminToken, adminParameter, readTokens: readTokens.tokens, readParameter, frontDoorSecret, frontDoorParameter, settings, dynamoEndpoint: env.DYNAMODB_ENDPOINT?.trim() };
}

async function main(): Promise<void> {
  let c: ReturnType<typeof config>;
  try {
    c = config(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const obs = createObservability('server');
  const db = c.dynamoEndpoint ? createLocalClients(c.dynamoEndpoint).db : createDocumentClient();
  // One SSM reader (instance credentials, AWS_REGION) for the admin token, the read tokens and the front door secret.
  const ssm = secureParametersFromEnv(process.env, defaultProvider());
  const admin = c.adminToken ? new StaticAdminToken(c.adminToken) : new SsmAdminToken(ssm, c.adminParameter, obs.logger);
  const deps = createApiDeps({
    db,
    tables: c.tables,
    admin,
    readers: c.readParameter ? new SsmReadTokens(ssm, c.readParameter, admin, obs.logger) : new StaticReadTokens(c.readTokens),
    settings: c.settings,
    log: obs.logger,
    telemetry: obs.telemetry,
    notifier: c.notificationsDir ? new FileNotifier(c.notificationsDir) : new SnsNotifier(new SNSClient(snsClientConfig()), c.topicArn),
  });
  try {
    await deps.admin.checkAtStart?.();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const retries = startDeliveryRetryTimer((device) => deliverPending(deps, device), deps.clock, obs.logger);
  deps.deliveryRetries = retries;
  // With a front door, requests that did not come through it are refused (front-door.ts).
  const frontDoor: FrontDoorSecret | undefined = c.frontDoorSecret
    ? staticFrontDoorSecret(c.frontDoorSecret)
    : c.frontDoorParameter
      ? new SsmFrontDoorSecret(ssm, c.frontDoorParameter, obs.logger)
      : undefined;
  const server = await startHttpServer(
    dispatchToLambdas({
      ingest: httpLambdaHandler(behindFrontDoor(createApi(ingestRoutes(deps), obs.logger), frontDoor), obs),
      api: httpLambdaHandler(behindFrontDoor(createApi(managementRoutes(deps), obs.logger), frontDoor), obs),
      // The page and its files carry no data: served either way, as the web function does in AWS.
      web: httpLambdaHandler(createApi(webRoutes(), obs.logger), obs),
    }),
    // Above the load balancer's 60 s idle timeout, so it never reuses a connection we are closing.
    { port: c.port, host: c.host, maxBodyBytes: MAX_BODY_BYTES, keepAliveTimeoutMs: 65_000, maxRequestsInFlight: c.maxRequestsInFlight, maxReadingsInFlight: c.maxReadingsInFlight, weigh: readingsInRequest, log: obs.logger },
  );
  const sweeper = startSweepTimer(
    async () => {
      obs.logger.info('sweep', { ...(await sweep(deps)) });
      if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
    },
    c.sweepSeconds * 1000,
    obs.logger,
  );
  // Handlers first: a signal right after the 'listening' line must find them installed.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    obs.logger.info('stopping', { signal });
    Promise.all([server.close().then(() => retries.stop()), sweeper.stop()])
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        obs.logger.error('shutdown failed', { error });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  obs.logger.info(`listening on ${server.url}`);
  console.log(`listening on ${server.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
