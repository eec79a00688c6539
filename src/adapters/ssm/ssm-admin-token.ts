import { ApiError } from '../../domain/errors.js';
import { hashSecret, secretMatchesHash } from '../../app/credentials.js';
import { adminTokenProblem, ConfigError } from '../../app/settings.js';
import type { AdminTokenVerifier, Log } from '../../app/ports.js';
import type { ReadSecureParameter } from './secure-parameter.js';

/**
 * The admin token from an SSM SecureString, provided out of band (never in
 * Terraform state). Checked at start (a cold start, a server's start), then
 * read on use and cached for a minute, so a changed token takes effect within
 * a minute; only its hash is kept in memory.
 */
export class SsmAdminToken implements AdminTokenVerifier {
  private cached: { hash: string; until: number } | undefined;

  constructor(
    private readonly read: ReadSecureParameter,
    private readonly parameterName: string,
    private readonly log: Log,
    private readonly cacheMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<boolean> {
    const hash = await this.currentHash();
    return hash !== undefined && secretMatchesHash(token, hash);
  }

  /**
   * A value that can never authenticate stops the start, naming the problem,
   * as ADMIN_TOKEN does. A parameter not created yet, or SSM out of reach, does
   * not: it is logged, admin requests are refused (or 503) until it can be
   * read, and the other routes keep serving.
   */
  async checkAtStart(): Promise<void> {
    const fetched = await this.read(this.parameterName);
    if ('missing' in fetched) return this.logMissing();
    if ('unreachable' in fetched) {
      this.log.error('reading the admin token parameter at start failed; it is read again on the first admin request', { parameter: this.parameterName, error: fetched.unreachable });
      return;
    }
    const problem = this.problemOf(fetched.value);
    if (problem) throw new ConfigError([problem]);
    this.cached = { hash: hashSecret(fetched.value), until: this.now() + this.cacheMs };
  }

  private async currentHash(): Promise<string | undefined> {
    if (this.cached && this.cached.until > this.now()) return this.cached.hash;
    const fetched = await this.read(this.parameterName);
    if ('missing' in fetched) return this.logMissing();
    if ('unreachable' in fetched) {
      this.log.error('reading the admin token parameter failed', { parameter: this.parameterName, error: fetched.unreachable });
      throw new ApiError('unavailable', 'could not check the admin token; retry', [], { 'retry-after': '5' });
    }
    const problem = this.problemOf(fetched.value);
    if (problem) {
      this.log.error(`${problem}; admin requests are refused`, { parameter: this.parameterName });
      return undefined;
    }
    this.cached = { hash: hashSecret(fetched.value), until: this.now() + this.cacheMs };
    return this.cached.hash;
  }

  private problemOf(value: string): string | undefined {
    const name = `the admin token parameter ${this.parameterName}`;
    return value ? adminTokenProblem(value, name) : `${name} is empty`;
  }

  private logMissing(): undefined {
    this.log.error('the admin token parameter does not exist; create it (see docs/terraform.md)', { parameter: this.parameterName });
    return undefined;
  }
}
