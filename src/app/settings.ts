import * as v from 'valibot';
import { issuesToDetails } from '../domain/issues.js';
import { isTimeZone, DEFAULT_OCCUPIED_HOURS, DEFAULT_TIME_ZONE, parseOccupiedHours, type OccupiedHours } from '../domain/occupied-hours.js';
import {
  DEFAULT_THRESHOLDS,
  isThresholdPresetName,
  mergeThresholds,
  THRESHOLD_PRESETS,
  thresholdProblems,
  ThresholdsOverrideSchema,
  type Thresholds,
} from '../domain/thresholds.js';

/**
 * Deployment settings, parsed and validated in one place. Lambda, the local
 * stack and the servers all receive them the same way: environment variables
 * (Terraform sets them from one map).
 */
export interface Settings {
  retentionDays: number;
  publicRead: boolean;
  /** Deployment-wide thresholds (THRESHOLDS_PRESET defaults, then OFFLINE_AFTER_SECONDS, then THRESHOLDS). */
  thresholds: Thresholds;
  notificationLanguage: 'en' | 'fr';
  /** 0 turns reminders off. */
  reminderMinutes: number;
  /**
   * How per-board values reach CloudWatch beyond the one log line per post:
   * `off` (default), `logs` (also one structured log line a reading, read by
   * the Logs Insights widgets), `metrics` (one custom metric series per board
   * and measurement: costly for large fleets).
   */
  deviceSeries: 'logs' | 'metrics' | 'off';
  /** Minutes after raisedAt before an unacknowledged critical alert is escalated (0 turns it off). */
  escalateAfterMinutes: number;
  /** The emergency number the notification texts tell people to call. */
  emergencyNumber: string;
  /** Seconds between a board's posts while nothing is alarming (UPLOAD_INTERVAL_SECONDS). */
  uploadIntervalSeconds: number;
  /** When rooms are occupied (OCCUPIED_HOURS), on the wall clock of `timeZone`: the ICONE index counts these hours only. */
  occupiedHours: OccupiedHours;
  /** IANA time zone of the buildings (TIMEZONE). */
  timeZone: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads an integer variable, collecting a clear problem instead of throwing. */
export function intSetting(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
    return fallback;
  }
  return value;
}

export function boolSetting(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got ${JSON.stringify(env[name])})`);
  return fallback;
}

export function requiredSetting(env: Env, name: string, problems: string[]): string {
  const raw = env[name]?.trim();
  if (!raw) {
    problems.push(`${name} is required`);
    return '';
  }
  return raw;
}

function thresholdsSetting(env: Env, problems: string[]): Thresholds {
  const preset = (env.THRESHOLDS_PRESET?.trim() || 'default').toLowerCase();
  if (!isThresholdPresetName(preset)) {
    problems.push(`THRESHOLDS_PRESET must be ${Object.keys(THRESHOLD_PRESETS).join(' or ')} (got ${JSON.stringify(env.THRESHOLDS_PRESET)})`);
  }
  let base = { ...(isThresholdPresetName(preset) ? THRESHOLD_PRESETS[preset] : DEFAULT_THRESHOLDS) };
  const offline = intSetting(env, 'OFFLINE_AFTER_SECONDS', DEFAULT_THRESHOLDS.offlineAfterSeconds, 1, 7 * 24 * 3600, problems);
  base = { ...base, offlineAfterSeconds: offline };
  const raw = env.THRESHOLDS?.trim();
  if (!raw) return base;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push('THRESHOLDS must be JSON of the thresholds object, e.g. {"co2":{"warning":1200}}');
    return base;
  }
  const parsed = v.safeParse(ThresholdsOverrideSchema, json);
  if (!parsed.success) {
    for (const d of issuesToDetails(parsed.issues, 'THRESHOLDS')) problems.push(`${d.path}: ${d.message}`);
    return base;
  }
  const merged = mergeThresholds(base, parsed.output);
  for (const d of thresholdProblems(merged, 'THRESHOLDS')) problems.push(`${d.path}: ${d.message}`);
  return merged;
}

/** A decimal number of minutes (ESCALATE_AFTER_MINUTES), 0 allowed. */
function minutesSetting(env: Env, name: string, fallback: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value) || value > max) {
    problems.push(`${name} must be a number of minutes from 0 to ${max}, decimals allowed (got ${JSON.stringify(env[name])})`);
    return fallback;
  }
  return value;
}

/** The number as people dial it (112, 18, 911, +3312345678): digits and an optional leading +, no spaces. */
function emergencyNumberSetting(env: Env, problems: string[]): string {
  const raw = env.EMERGENCY_NUMBER?.trim();
  if (raw === undefined || raw === '') return '112';
  if (!/^\+?[0-9]{2,15}$/.test(raw)) {
    problems.push(`EMERGENCY_NUMBER must be the number to dial, 2 to 15 digits (got ${JSON.stringify(env.EMERGENCY_NUMBER)})`);
    return '112';
  }
  return raw;
}

function occupiedHoursSetting(env: Env, problems: string[]): OccupiedHours {
  const raw = env.OCCUPIED_HOURS?.trim() || DEFAULT_OCCUPIED_HOURS;
  const parsed = parseOccupiedHours(raw);
  if (parsed.ok) return parsed.value;
  for (const p of parsed.problems) problems.push(`OCCUPIED_HOURS: ${p}; the setting is comma-separated "Day[-Day] HH:MM-HH:MM" ranges, e.g. "Mon-Fri 08:00-18:00, Sat 09:00-12:00"`);
  return (parseOccupiedHours(DEFAULT_OCCUPIED_HOURS) as { ok: true; value: OccupiedHours }).value;
}

function timeZoneSetting(env: Env, problems: string[]): string {
  const raw = env.TIMEZONE?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(raw)) {
    problems.push(`TIMEZONE must be an IANA time zone name such as Europe/Paris, America/Montreal or UTC (got ${JSON.stringify(env.TIMEZONE)})`);
    return DEFAULT_TIME_ZONE;
  }
  return raw;
}

export function parseSettings(env: Env): Settings {
  const problems: string[] = [];
  const language = (env.NOTIFICATION_LANGUAGE?.trim() || 'en').toLowerCase();
  const deviceSeries = (env.DEVICE_SERIES?.trim() || 'off').toLowerCase();
  if (!['logs', 'metrics', 'off'].includes(deviceSeries)) problems.push(`DEVICE_SERIES must be logs, metrics or off (got ${JSON.stringify(env.DEVICE_SERIES)})`);
  if (language !== 'en' && language !== 'fr') problems.push(`NOTIFICATION_LANGUAGE must be en or fr (got ${JSON.stringify(env.NOTIFICATION_LANGUAGE)})`);
  const settings: Settings = {
    retentionDays: intSetting(env, 'RETENTION_DAYS', 90, 1, 3650, problems),
    publicRead: boolSetting(env, 'PUBLIC_READ', false, problems),
    thresholds: thresholdsSetting(env, problems),
    notificationLanguage: language === 'fr' ? 'fr' : 'en',
    reminderMinutes: intSetting(env, 'REMINDER_MINUTES', 30, 0, 7 * 24 * 60, problems),
    deviceSeries: deviceSeries as Settings['deviceSeries'],
    escalateAfterMinutes: minutesSetting(env, 'ESCALATE_AFTER_MINUTES', 10, 7 * 24 * 60, problems),
    emergencyNumber: emergencyNumberSetting(env, problems),
    uploadIntervalSeconds: intSetting(env, 'UPLOAD_INTERVAL_SECONDS', 300, 10, 3600, problems),
    occupiedHours: occupiedHoursSetting(env, problems),
    timeZone: timeZoneSetting(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * Why an admin token could never authenticate (or would be too weak to), or
 * undefined when it is fine: a token the API cannot accept must stop the
 * start, not fail every request later.
 */
export function adminTokenProblem(token: string, name = 'ADMIN_TOKEN'): string | undefined {
  // Bearer tokens are one run of non-space characters (RFC 6750); a device-key prefix makes it read as a device key.
  if (/\s/.test(token)) return `${name} must not contain whitespace (a Bearer token is one word, so it could never authenticate)`;
  if (token.startsWith('dk.')) return `${name} must not start with "dk." (that is the device-key prefix: it would be checked as a device key and never authenticate)`;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) return `${name} must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (got ${token.length}); e.g. openssl rand -base64 32`;
  if (token.length > 512) return `${name} must be at most 512 characters (longer Bearer tokens are refused)`;
  return undefined;
}

/** At most this many read tokens at once: one per group of screens, or the old and the new one while rotating. */
export const MAX_READ_TOKENS = 5;

/**
 * The read tokens of READ_TOKEN (or of its SSM parameter): one token, or
 * several separated by commas, so that a token can be replaced screen by
 * screen (add the new one, update the screens, remove the old one). Each
 * follows the admin token's rules, and none may be the admin token (a kiosk
 * given "the read token" would then hold admin rights). Commas cannot occur
 * in a Bearer token (RFC 6750), so the list is unambiguous.
 */
export function parseReadTokens(raw: string, adminToken: string | undefined, name = 'READ_TOKEN'): { tokens: string[]; problems: string[] } {
  const tokens = raw.split(',').map((t) => t.trim());
  const problems: string[] = [];
  if (tokens.length > MAX_READ_TOKENS) problems.push(`${name} holds ${tokens.length} tokens; at most ${MAX_READ_TOKENS}, separated by commas`);
  tokens.forEach((token, i) => {
    const which = tokens.length > 1 ? `${name} (token ${i + 1} of ${tokens.length})` : name;
    if (token === '') return problems.push(`${which} is empty (tokens are separated by single commas)`);
    const problem = adminTokenProblem(token, which);
    if (problem) return problems.push(problem);
    if (tokens.indexOf(token) !== i) return problems.push(`${which} is listed twice`);
    if (adminToken !== undefined && token === adminToken) return problems.push(`${which} must differ from the admin token (a screen given the read token would have admin rights)`);
    return undefined;
  });
  return { tokens, problems };
}
