import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** One read of a SecureString: its value (decrypted, trimmed), or why there is none. */
export type ParameterRead = { value: string } | { missing: true } | { unreachable: unknown };

/** Tells "the parameter does not exist" (an operator's step not done yet) from "SSM is out of reach" (retry). */
export async function readSecureParameter(ssm: SSMClient, name: string): Promise<ParameterRead> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return { value: out.Parameter?.Value?.trim() ?? '' };
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return { missing: true };
    return { unreachable: error };
  }
}
