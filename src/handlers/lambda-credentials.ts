import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only
 * (build.mjs): Lambda always provides the role's credentials in the
 * environment, so the default chain (SSO, STS web identity, INI files,
 * process, instance metadata) would be dead weight at every cold start. The
 * server variant (EC2 instance credentials) and the local stack keep the real
 * chain. Outside Lambda, a bundle run without AWS_ACCESS_KEY_ID fails with the
 * SDK's "Unable to find environment variable credentials".
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
