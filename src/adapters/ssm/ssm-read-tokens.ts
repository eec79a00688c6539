import { ApiError } from '../../domain/errors.js';
import { hashSecret } from '../../app/credentials.js';
import { parseReadTokens } from '../../app/settings.js';
import type { AdminTokenVerifier, Log, ReadTokenVerifier } from '../../app/ports.js';
import { matchesAny } from '../static-read-tokens.js';
import type { ReadSecureParameter } from './secure-parameter.js';

/**
 * The read tokens from an SSM SecureString (READ_TOKEN_PARAMETER), provided
 * out of band like the admin token: read on first use, cached for a minute
 * (a changed list takes effect within a minute), only hashes kept. A value
 * that breaks the rules of READ_TOKEN (or holds the admin token) is logged
 * and no read token is accepted, so the mistake shows at the first screen.
 */
export class SsmReadTokens implements ReadTokenVerifier {
  private cached: { hashes: readonly string[]; until: number } | undefined;

  constructor(
    private readonly read: ReadSecureParameter,
    private readonly parameterName: string,
    private readonly admin: AdminTokenVerifier,
    private readonly log: Log,
    private readonly cacheMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<boolean> {
    return matchesAny(token, await this.currentHashes());
  }

  private async currentHashes(): Promise<readonly string[]> {
    if (this.cached && this.cached.until > this.now()) return this.cached.hashes;
    const hashes = await this.load();
    // A refused value is cached too: a bad parameter costs one GetParameter a minute, not one a request.
    this.cached = { hashes, until: this.now() + this.cacheMs };
    return hashes;
  }

  private async load(): Promise<readonly string[]> {
    const read = await this.read(this.parameterName);
    if ('missing' in read) {
      this.log.error('the read token parameter does not exist; create it (see docs/terraform.md); read tokens are refused', { parameter: this.parameterName });
      return [];
    }
    if ('unreachable' in read) {
      this.log.error('reading the read token parameter failed', { parameter: this.parameterName, error: read.unreachable });
      throw new ApiError('unavailable', 'could not check the read token; retry', [], { 'retry-after': '5' });
    }
    const value = read.value;
    const { tokens, problems } = value ? parseReadTokens(value, undefined, 'the read token parameter') : { tokens: [], problems: ['the read token parameter is empty'] };
    for (const token of problems.length === 0 ? tokens : []) {
      if (await this.admin.verify(token)) problems.push('the read token parameter must not hold the admin token (a screen given the read token would have admin rights)');
    }
    if (problems.length > 0) {
      this.log.error(`${problems.join('; ')}; read tokens are refused`, { parameter: this.parameterName });
      return [];
    }
    return tokens.map(hashSecret);
  }
}
