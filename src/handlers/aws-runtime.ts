import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, parseSettings, requiredSetting } from '../app/settings.js';
import { createApiDeps } from '../adapters/compose.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import type { ApiDeps } from '../adapters/http/routes.js';
import { createObservability, type Observability } from '../adapters/observability/powertools.js';
import { SnsNotifier, snsClientConfig } from '../adapters/sns/sns-notifier.js';
import { SsmAdminToken } from '../adapters/ssm/ssm-admin-token.js';
import type { AdminTokenVerifier, Notifier } from '../app/ports.js';

export interface AwsRuntime {
  deps: ApiDeps;
  obs: Observability;
}

const refuseAdmin: AdminTokenVerifier = { verify: async () => false };
// The api function acknowledges and lists alerts but never publishes (its role has no sns:Publish).
const noPublishing: Notifier = {
  publish: async () => {
    throw new Error('this function does not publish notifications');
  },
};

/**
 * Everything a function needs, built once per container (at cold start) from
 * the environment Terraform sets. A missing or bad setting stops the cold
 * start with a message that names it.
 */
export function awsRuntime(serviceName: string, options: { adminToken: boolean; publishes: boolean }): AwsRuntime {
  const env = process.env;
  const problems: string[] = [];
  const tables = {
    readings: requiredSetting(env, 'READINGS_TABLE', problems),
    devices: requiredSetting(env, 'DEVICES_TABLE', problems),
    alerts: requiredSetting(env, 'ALERTS_TABLE', problems),
  };
  const adminParameter = options.adminToken ? requiredSetting(env, 'ADMIN_TOKEN_PARAMETER', problems) : '';
  const topicArn = options.publishes ? requiredSetting(env, 'ALERTS_TOPIC_ARN', problems) : '';
  if (problems.length > 0) throw new ConfigError(problems);
  const settings = parseSettings(env);
  const obs = createObservability(serviceName);
  const admin = options.adminToken ? new SsmAdminToken(new SSMClient({}), adminParameter, obs.logger) : refuseAdmin;
  return {
    obs,
    deps: createApiDeps({
      db: createDocumentClient(),
      tables,
      admin,
      settings,
      log: obs.logger,
      telemetry: obs.telemetry,
      notifier: options.publishes ? new SnsNotifier(new SNSClient(snsClientConfig()), topicArn) : noPublishing,
    }),
  };
}
