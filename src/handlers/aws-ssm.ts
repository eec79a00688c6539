import { SSMClient } from '@aws-sdk/client-ssm';
import { requiredSetting } from '../app/settings.js';
import { SsmAdminToken } from '../adapters/ssm/ssm-admin-token.js';
import { SsmReadTokens } from '../adapters/ssm/ssm-read-tokens.js';
import type { RuntimeClients } from './aws-runtime.js';

/** The admin token from the SSM parameter ADMIN_TOKEN_PARAMETER names (the api function only). */
export const ssmAdminToken: NonNullable<RuntimeClients['adminToken']> = (env, problems, aws, log) =>
  new SsmAdminToken(new SSMClient(aws), requiredSetting(env, 'ADMIN_TOKEN_PARAMETER', problems), log);

/** The read tokens from the SSM parameter READ_TOKEN_PARAMETER names, when it is set (optional: without it, no read token). */
export const ssmReadTokens: NonNullable<RuntimeClients['readTokens']> = (env, aws, log, admin) => {
  const name = env.READ_TOKEN_PARAMETER?.trim();
  return name ? new SsmReadTokens(new SSMClient(aws), name, admin, log) : undefined;
};
