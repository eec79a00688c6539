import { fromEnv } from '@aws-sdk/credential-provider-env';
import { ConfigError, parseSettings, requiredSetting } from '../app/settings.js';
import { createApiDeps } from '../adapters/compose.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import type { ApiDeps } from '../adapters/http/routes.js';
import { createObservability, type Observability } from '../adapters/observability/powertools.js';
import type { AdminTokenVerifier, Log, Notifier, ReadTokenVerifier } from '../app/ports.js';

export interface AwsRuntime {
  deps: ApiDeps;
  obs: Observability;
}

/** What every AWS client of a function is built with. */
export interface AwsClientConfig {
  credentials?: ReturnType<typeof fromEnv>;
}

/**
 * The clients a function uses beyond DynamoDB, each a factory in its own file
 * (aws-ssm.ts, aws-sns.ts), so that a function's bundle holds only the SDK
 * clients it imports: ingest and sweep carry no SSM, api no SNS.
 */
export interface RuntimeClients {
  /** Reads the admin token (api only); without it, admin tokens are refused. */
  adminToken?: (env: NodeJS.ProcessEnv, problems: string[], aws: AwsClientConfig, log: Log) => AdminTokenVerifier;
  /** Reads the read tokens (api only); undefined when the deployment has none (no READ_TOKEN_PARAMETER). */
  readTokens?: (env: NodeJS.ProcessEnv, aws: AwsClientConfig, log: Log, admin: AdminTokenVerifier) => ReadTokenVerifier | undefined;
  /** Publishes notifications (ingest, sweep); without it, publishing throws. */
  notifier?: (env: NodeJS.ProcessEnv, problems: string[], aws: AwsClientConfig) => Notifier;
}

const refuseAdmin: AdminTokenVerifier = { verify: async () => false };
// The api function acknowledges and lists alerts but never publishes (its role has no sns:Publish).
const noPublishing: Notifier = {
  publish: async () => {
    throw new Error('this function does not publish notifications');
  },
};

/**
 * Lambda always puts the function's role credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): there the
 * environment provider is all a client needs, and the Lambda bundles leave the
 * SDK's default chain (SSO, STS, INI files, instance metadata) out (build.mjs).
 * Anywhere else (a test importing this from source), the SDK's default chain.
 */
export function awsClientConfig(env: NodeJS.ProcessEnv): AwsClientConfig {
  return env.AWS_LAMBDA_FUNCTION_NAME ? { credentials: fromEnv() } : {};
}

/**
 * Everything a function needs, built once per container (at cold start) from
 * the environment Terraform sets. A missing or bad setting stops the cold
 * start with a message that names it (all of them at once).
 */
export function awsRuntime(serviceName: string, clients: RuntimeClients = {}): AwsRuntime {
  const env = process.env;
  const problems: string[] = [];
  const tables = {
    readings: requiredSetting(env, 'READINGS_TABLE', problems),
    devices: requiredSetting(env, 'DEVICES_TABLE', problems),
    alerts: requiredSetting(env, 'ALERTS_TABLE', problems),
  };
  const aws = awsClientConfig(env);
  const obs = createObservability(serviceName);
  const admin = clients.adminToken ? clients.adminToken(env, problems, aws, obs.logger) : refuseAdmin;
  const readers = clients.readTokens?.(env, aws, obs.logger, admin);
  const notifier = clients.notifier ? clients.notifier(env, problems, aws) : noPublishing;
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    obs,
    deps: createApiDeps({
      db: createDocumentClient(aws),
      tables,
      admin,
      ...(readers ? { readers } : {}),
      settings: parseSettings(env),
      log: obs.logger,
      telemetry: obs.telemetry,
      notifier,
    }),
  };
}
