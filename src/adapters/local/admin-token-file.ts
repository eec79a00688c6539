import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newAdminToken } from '../../app/credentials.js';
import { adminTokenProblem, ConfigError } from '../../app/settings.js';

export interface LocalAdminToken {
  token: string;
  /** True when it was generated now (and should be printed, once). */
  generated: boolean;
  source: 'ADMIN_TOKEN' | 'file';
}

/** ADMIN_TOKEN when set; else the one kept in DATA_DIR/admin-token, generated on first start. */
export function localAdminToken(dataDir: string, fromEnv: string | undefined): LocalAdminToken {
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const problem = adminTokenProblem(fromEnv.trim());
    if (problem) throw new ConfigError([problem]);
    return { token: fromEnv.trim(), generated: false, source: 'ADMIN_TOKEN' };
  }
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    // A file from an older version with a shorter token: replaced by a new one (printed once, as at first start).
    if (adminTokenProblem(token) === undefined) return { token, generated: false, source: 'file' };
  }
  const token = newAdminToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, generated: true, source: 'file' };
}
