import type { Log } from '../../app/ports.js';
import type { FrontDoorSecret } from '../http/front-door.js';
import type { ReadSecureParameter } from './secure-parameter.js';

/**
 * The front door's origin secret from the SSM SecureString Terraform creates
 * (FRONT_DOOR_SECRET_PARAMETER). Read on first use and cached for a minute;
 * when a read fails, the last value read is kept (or none: requests are then
 * let through, see FrontDoorSecret). The value is never logged.
 */
export class SsmFrontDoorSecret implements FrontDoorSecret {
  private cached: { value: string; until: number } | undefined;
  /** After a failed read, the next try waits this long (no SSM call per request in an outage). */
  private retryAt = 0;

  constructor(
    private readonly read: ReadSecureParameter,
    private readonly parameterName: string,
    private readonly log: Log,
    private readonly cacheMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<string | undefined> {
    if (this.cached && this.cached.until > this.now()) return this.cached.value;
    if (this.retryAt > this.now()) return this.cached?.value;
    const read = await this.read(this.parameterName);
    if ('value' in read && read.value) {
      this.cached = { value: read.value, until: this.now() + this.cacheMs };
      return read.value;
    }
    if ('value' in read) {
      this.log.error('the front door secret parameter is empty; requests are not checked', { parameter: this.parameterName });
      return undefined;
    }
    this.retryAt = this.now() + 5_000;
    const error = 'unreachable' in read ? read.unreachable : 'ParameterNotFound';
    this.log.error('reading the front door secret failed; requests are not checked until it is read', {
      parameter: this.parameterName,
      error: error instanceof Error ? error.name : String(error),
    });
    return this.cached?.value;
  }
}
