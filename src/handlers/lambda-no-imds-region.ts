/**
 * Stands in for the SDK's instance-metadata region lookup
 * (`@smithy/core` config-resolver, `getInstanceMetadataRegion`) in the Lambda
 * bundles only (build.mjs). The SDK asks IMDS for the region when none is
 * configured, and in the "auto" defaults mode; Lambda always sets AWS_REGION
 * and has no instance metadata, so the answer is what the SDK itself gives
 * with AWS_EC2_METADATA_DISABLED: none. The server variant keeps the lookup.
 */
export const getInstanceMetadataRegion = async (): Promise<string | undefined> => undefined;
