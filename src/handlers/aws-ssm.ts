import { SSMClient } from '@aws-sdk/client-ssm';
import { requiredSetting } from '../app/settings.js';
import { SsmAdminToken } from '../adapters/ssm/ssm-admin-token.js';
import type { RuntimeClients } from './aws-runtime.js';

/** The admin token from the SSM parameter ADMIN_TOKEN_PARAMETER names (the api function only). */
export const ssmAdminToken: NonNullable<RuntimeClients['adminToken']> = (env, problems, aws, log) =>
  new SsmAdminToken(new SSMClient(aws), requiredSetting(env, 'ADMIN_TOKEN_PARAMETER', problems), log);
