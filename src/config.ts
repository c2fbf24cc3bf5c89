/**
 * The service's configuration: read from the environment once, validated, frozen.
 * Nothing else reads process.env.
 */
import { readFileSync } from 'node:fs';
import { BACKENDS, type BackendChoice } from './core/backends/names.js';
import { parseApiKeys, type ApiKeyEntry } from './auth/keys.js';

export interface Config {
  /** Folder with one sub-folder per model. */
  modelsDir: string;
  /** TensorFlow.js backend: tensorflow, wasm, cpu, or auto (the fastest available). */
  backend: BackendChoice;
  /** Largest tape the discrete method may keep to backprop a whole solve in one pass. */
  memoryBudgetMb: number;
  /** Redis for the queue and blobs; without it the service runs an embedded in-process queue. */
  redisUrl: string | null;
  host: string;
  port: number;
  /** Largest request body the API reads. */
  maxBodyBytes: number;
  /** How long inputs and results are kept. */
  blobTtlSeconds: number;
  worker: {
    concurrency: number;
    /** A job's lock lasts this long and is renewed at half of it; a worker that stops renewing loses the job to another. */
    lockDurationMs: number;
    stalledIntervalMs: number;
    /** Tries for transient failures (input errors and numerical failures are never retried). */
    attempts: number;
    /** Touched every few seconds while the worker lives (for container health checks). */
    heartbeatFile: string | null;
    /** On SIGTERM, how long running jobs may take to finish before they are handed back. */
    stopGraceMs: number;
  };
  logLevel: string;
  /** API keys (hashed). Empty: the service runs open, and only on a loopback address. */
  apiKeys: readonly ApiKeyEntry[];
  /** Honour X-Forwarded-For (behind a reverse proxy), so open-mode rate limits see clients. */
  trustProxy: boolean;
  /** Defaults for every key; a key's own limits override them. */
  tenantDefaults: {
    /** Requests per key (per client address when open) in each rate window. */
    rateMax: number;
    rateWindowMs: number;
    /** Jobs a tenant may have queued or running at once. */
    maxActiveJobs: number;
    /** Of those, jobs that ask for dL/dtheta (the expensive gradient). */
    maxActiveThetaJobs: number;
    allowTheta: boolean;
  };
  /** Load shedding: past these the API answers 503 with Retry-After (0 turns a check off). */
  pressure: {
    maxEventLoopDelayMs: number;
    maxHeapUsedBytes: number;
    maxRssBytes: number;
  };
  webhooks: {
    /** Hosts or CIDR ranges that webhooks may reach even though they are loopback, link-local or private. */
    allow: readonly string[];
    /** Signs webhooks when neither the job nor its tenant has a secret. */
    secret: string | null;
    attempts: number;
    timeoutMs: number;
    /** First retry delay; each next one doubles. */
    backoffMs: number;
  };
  /** Port of a worker's Prometheus endpoint (0: none). */
  workerMetricsPort: number;
  /** Limits a job must stay within. */
  limits: {
    maxSteps: number;
    maxSubsteps: number;
    maxBatch: number;
    maxTensorElements: number;
  };
}

type Env = Record<string, string | undefined>;

function apiKeys(env: Env): ApiKeyEntry[] {
  if (env.API_KEYS && env.API_KEYS_FILE) throw new Error('configuration: set API_KEYS or API_KEYS_FILE, not both');
  if (env.API_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(env.API_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new Error(`configuration: API_KEYS_FILE cannot be read (${(err as Error).message})`);
    }
    return parseApiKeys(text, 'API_KEYS_FILE');
  }
  return env.API_KEYS ? parseApiKeys(env.API_KEYS) : [];
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`configuration: ${name} must be true or false, got "${raw}"`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`configuration: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const backend = (env.BACKEND ?? 'auto') as BackendChoice;
  if (backend !== 'auto' && !BACKENDS.includes(backend)) {
    throw new Error(`configuration: BACKEND must be one of auto, ${BACKENDS.join(', ')}, got "${backend}"`);
  }
  return Object.freeze({
    modelsDir: env.MODELS_DIR || 'models',
    backend,
    memoryBudgetMb: integer(env, 'MEMORY_BUDGET_MB', 1024, 0, 1 << 20),
    redisUrl: env.REDIS_URL || null,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    maxBodyBytes: integer(env, 'MAX_BODY_MB', 64, 1, 4096) * 2 ** 20,
    blobTtlSeconds: integer(env, 'BLOB_TTL_SECONDS', 86_400, 1, 365 * 86_400),
    worker: Object.freeze({
      concurrency: integer(env, 'WORKER_CONCURRENCY', 1, 1, 64),
      lockDurationMs: integer(env, 'LOCK_DURATION_MS', 60_000, 1000, 3_600_000),
      stalledIntervalMs: integer(env, 'STALLED_INTERVAL_MS', 30_000, 1000, 3_600_000),
      attempts: integer(env, 'JOB_ATTEMPTS', 3, 1, 100),
      heartbeatFile: env.WORKER_HEARTBEAT_FILE || null,
      stopGraceMs: integer(env, 'STOP_GRACE_MS', 30_000, 0, 3_600_000),
    }),
    logLevel: env.LOG_LEVEL || 'info',
    apiKeys: Object.freeze(apiKeys(env)),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    tenantDefaults: Object.freeze({
      rateMax: integer(env, 'RATE_LIMIT_MAX', 600, 1, 1 << 30),
      rateWindowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
      maxActiveJobs: integer(env, 'TENANT_MAX_ACTIVE_JOBS', 1000, 1, 1 << 30),
      maxActiveThetaJobs: integer(env, 'TENANT_MAX_ACTIVE_THETA_JOBS', 100, 0, 1 << 30),
      allowTheta: boolean(env, 'ALLOW_THETA', true),
    }),
    pressure: Object.freeze({
      maxEventLoopDelayMs: integer(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 3_600_000),
      maxHeapUsedBytes: integer(env, 'MAX_HEAP_USED_MB', 0, 0, 1 << 20) * 2 ** 20,
      maxRssBytes: integer(env, 'MAX_RSS_MB', 0, 0, 1 << 20) * 2 ** 20,
    }),
    webhooks: Object.freeze({
      allow: Object.freeze((env.WEBHOOK_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
      secret: env.WEBHOOK_SECRET || null,
      attempts: integer(env, 'WEBHOOK_ATTEMPTS', 8, 1, 100),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 600_000),
      backoffMs: integer(env, 'WEBHOOK_BACKOFF_MS', 1000, 1, 3_600_000),
    }),
    workerMetricsPort: integer(env, 'WORKER_METRICS_PORT', 0, 0, 65535),
    limits: Object.freeze({
      maxSteps: integer(env, 'MAX_STEPS', 1000, 1, 100_000),
      maxSubsteps: integer(env, 'MAX_SUBSTEPS', 64, 1, 10_000),
      maxBatch: integer(env, 'MAX_BATCH', 64, 1, 1 << 24),
      maxTensorElements: integer(env, 'MAX_TENSOR_ELEMENTS', 1 << 24, 1, 1 << 28),
    }),
  });
}
