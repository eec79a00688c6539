import { hashSecret, secretMatchesHash } from '../app/credentials.js';
import type { ReadTokenVerifier } from '../app/ports.js';

/** Read tokens known at start (READ_TOKEN, already checked by parseReadTokens). Only their hashes are kept. */
export class StaticReadTokens implements ReadTokenVerifier {
  private readonly hashes: readonly string[];

  constructor(tokens: readonly string[]) {
    this.hashes = tokens.map(hashSecret);
  }

  async verify(token: string): Promise<boolean> {
    return matchesAny(token, this.hashes);
  }
}

/** Compares with every hash, without stopping at the first match (no timing hint of which one, or how many). */
export function matchesAny(token: string, hashes: readonly string[]): boolean {
  let found = false;
  for (const hash of hashes) found = secretMatchesHash(token, hash) || found;
  return found;
}
