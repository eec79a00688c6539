import { hashSecret, secretMatchesHash } from '../app/credentials.js';
import type { AdminTokenVerifier } from '../app/ports.js';

/** The admin token known at start (local stack: ADMIN_TOKEN or DATA_DIR/admin-token). Only its hash is kept. */
export class StaticAdminToken implements AdminTokenVerifier {
  private readonly hash: string;

  constructor(token: string) {
    this.hash = hashSecret(token);
  }

  async verify(token: string): Promise<boolean> {
    return secretMatchesHash(token, this.hash);
  }
}
