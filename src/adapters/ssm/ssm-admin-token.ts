import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ApiError } from '../../domain/errors.js';
import { hashSecret, secretMatchesHash } from '../../app/credentials.js';
import { adminTokenProblem } from '../../app/settings.js';
import type { AdminTokenVerifier, Log } from '../../app/ports.js';

/**
 * The admin token from an SSM SecureString, provided out of band (never in
 * Terraform state). Read on first use and cached for a minute, so a changed
 * token takes effect within a minute; only its hash is kept in memory.
 */
export class SsmAdminToken implements AdminTokenVerifier {
  private cached: { hash: string; until: number } | undefined;

  constructor(
    private readonly ssm: SSMClient,
    private readonly parameterName: string,
    private readonly log: Log,
    private readonly cacheMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<boolean> {
    const hash = await this.currentHash();
    return hash !== undefined && secretMatchesHash(token, hash);
  }

  private async currentHash(): Promise<string | undefined> {
    if (this.cached && this.cached.until > this.now()) return this.cached.hash;
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName, WithDecryption: true }));
      const value = out.Parameter?.Value?.trim();
      const problem = value ? adminTokenProblem(value, 'the admin token parameter') : 'the admin token parameter is empty';
      if (!value || problem) {
        this.log.error(`${problem}; admin requests are refused`, { parameter: this.parameterName });
        return undefined;
      }
      this.cached = { hash: hashSecret(value), until: this.now() + this.cacheMs };
      return this.cached.hash;
    } catch (error) {
      if (error instanceof Error && error.name === 'ParameterNotFound') {
        this.log.error('the admin token parameter does not exist; create it (see docs/terraform.md)', { parameter: this.parameterName });
        return undefined;
      }
      this.log.error('reading the admin token parameter failed', { parameter: this.parameterName, error });
      throw new ApiError('unavailable', 'could not check the admin token; retry', [], { 'retry-after': '5' });
    }
  }
}
