/**
 * API keys: each maps to a tenant, scopes and optional limits of its own. Configuration
 * holds only the SHA-256 of a key (keys are long random strings, so a fast hash is the
 * right one: there is nothing to brute-force). `npm run apikey` makes a key and its entry.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SCOPES = ['jobs', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Per-key limits; what a key leaves out falls back to the service-wide default. */
export interface KeyLimits {
  /** Requests per rate window. */
  rateMax?: number;
  /** Jobs queued or running at once, for the key's tenant. */
  maxActiveJobs?: number;
  /** Of those, jobs that ask for dL/dtheta. */
  maxActiveThetaJobs?: number;
  maxSteps?: number;
  maxTensorElements?: number;
  /** Whether jobs may ask for dL/dtheta (the expensive gradient). */
  allowTheta?: boolean;
}

export interface ApiKeyEntry {
  tenant: string;
  /** Hex SHA-256 of the key. */
  sha256: string;
  scopes: Scope[];
  limits: KeyLimits;
  /** Signs this tenant's webhooks, unless a job brings its own secret. */
  webhookSecret?: string;
}

export const KEY_PREFIX = 'dg_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LIMIT_NAMES: Record<keyof KeyLimits, 'int' | 'bool'> = { rateMax: 'int', maxActiveJobs: 'int', maxActiveThetaJobs: 'int', maxSteps: 'int', maxTensorElements: 'int', allowTheta: 'bool' };

/** Parses the API_KEYS configuration (a JSON array); throws a message naming the entry and field. */
export function parseApiKeys(json: string, source = 'API_KEYS'): ApiKeyEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`configuration: ${source} is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new Error(`configuration: ${source} must be a JSON array of {tenant, sha256, scopes, limits?, webhook_secret?}`);
  const seen = new Set<string>();
  return raw.map((e: unknown, i) => {
    const at = `${source}[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`configuration: ${at} must be an object`);
    const entry = e as Record<string, unknown>;
    for (const k of Object.keys(entry)) {
      if (!['tenant', 'sha256', 'scopes', 'limits', 'webhook_secret'].includes(k)) throw new Error(`configuration: ${at}.${k} is not a known field`);
    }
    if (typeof entry.tenant !== 'string' || !TENANT.test(entry.tenant)) throw new Error(`configuration: ${at}.tenant must be 1-64 letters, digits, '_', '.' or '-'`);
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) throw new Error(`configuration: ${at}.sha256 must be 64 lowercase hex digits (the SHA-256 of the key)`);
    if (seen.has(entry.sha256)) throw new Error(`configuration: ${at}.sha256 repeats an earlier key`);
    seen.add(entry.sha256);
    const scopes = entry.scopes ?? ['jobs'];
    if (!Array.isArray(scopes) || scopes.some((s) => !SCOPES.includes(s as Scope))) throw new Error(`configuration: ${at}.scopes must be a list of ${SCOPES.join(', ')}`);
    const limits: KeyLimits = {};
    if (entry.limits !== undefined) {
      if (typeof entry.limits !== 'object' || entry.limits === null) throw new Error(`configuration: ${at}.limits must be an object`);
      for (const [name, value] of Object.entries(entry.limits)) {
        const kind = LIMIT_NAMES[name as keyof KeyLimits];
        if (!kind) throw new Error(`configuration: ${at}.limits.${name} is not one of ${Object.keys(LIMIT_NAMES).join(', ')}`);
        if (kind === 'int' ? !(Number.isInteger(value) && (value as number) >= 0) : typeof value !== 'boolean') {
          throw new Error(`configuration: ${at}.limits.${name} must be ${kind === 'int' ? 'a non-negative integer' : 'true or false'}`);
        }
        (limits as Record<string, unknown>)[name] = value;
      }
    }
    if (entry.webhook_secret !== undefined && (typeof entry.webhook_secret !== 'string' || entry.webhook_secret.length < 16)) {
      throw new Error(`configuration: ${at}.webhook_secret must be a string of at least 16 characters`);
    }
    return { tenant: entry.tenant, sha256: entry.sha256, scopes: scopes as Scope[], limits, webhookSecret: entry.webhook_secret as string | undefined };
  });
}
