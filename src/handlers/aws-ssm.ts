import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { requiredSetting } from '../app/settings.js';
import { SsmAdminToken } from '../adapters/ssm/ssm-admin-token.js';
import { SsmReadTokens } from '../adapters/ssm/ssm-read-tokens.js';
import { SsmFrontDoorSecret } from '../adapters/ssm/ssm-front-door-secret.js';
import { secureParametersFromEnv, type ReadSecureParameter } from '../adapters/ssm/secure-parameter.js';
import type { FrontDoorSecret } from '../adapters/http/front-door.js';
import type { Log } from '../app/ports.js';
import { awsClientConfig, type AwsClientConfig, type RuntimeClients } from './aws-runtime.js';

let reader: ReadSecureParameter | undefined;
/**
 * One SSM reader per container for the admin token, the read tokens and the
 * front door secret. In the Lambda bundles the default chain is the
 * environment provider (build.mjs), as for every other client.
 */
function secureParameters(env: NodeJS.ProcessEnv, aws: AwsClientConfig): ReadSecureParameter {
  reader ??= secureParametersFromEnv(env, aws.credentials ?? defaultProvider());
  return reader;
}

/** The admin token from the SSM parameter ADMIN_TOKEN_PARAMETER names (the api function only). */
export const ssmAdminToken: NonNullable<RuntimeClients['adminToken']> = (env, problems, aws, log) =>
  new SsmAdminToken(secureParameters(env, aws), requiredSetting(env, 'ADMIN_TOKEN_PARAMETER', problems), log);

/** The read tokens from the SSM parameter READ_TOKEN_PARAMETER names, when it is set (optional: without it, no read token). */
export const ssmReadTokens: NonNullable<RuntimeClients['readTokens']> = (env, aws, log, admin) => {
  const name = env.READ_TOKEN_PARAMETER?.trim();
  return name ? new SsmReadTokens(secureParameters(env, aws), name, admin, log) : undefined;
};

/** With a front door (FRONT_DOOR_SECRET_PARAMETER set by Terraform), its origin secret; else none (api and ingest). */
export function ssmFrontDoorSecret(env: NodeJS.ProcessEnv, log: Log): FrontDoorSecret | undefined {
  const name = env.FRONT_DOOR_SECRET_PARAMETER?.trim();
  return name ? new SsmFrontDoorSecret(secureParameters(env, awsClientConfig(env)), name, log) : undefined;
}
