/**
 * The service's configuration: read from the environment once, validated, frozen.
 * Nothing else reads process.env.
 */
import { BACKENDS, type BackendChoice } from './core/backends/names.js';

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
  /** Limits a job must stay within. */
  limits: {
    maxSteps: number;
    maxSubsteps: number;
    maxBatch: number;
    maxTensorElements: number;
  };
}

type Env = Record<string, string | undefined>;

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
    limits: Object.freeze({
      maxSteps: integer(env, 'MAX_STEPS', 1000, 1, 100_000),
      maxSubsteps: integer(env, 'MAX_SUBSTEPS', 64, 1, 10_000),
      maxBatch: integer(env, 'MAX_BATCH', 64, 1, 1 << 24),
      maxTensorElements: integer(env, 'MAX_TENSOR_ELEMENTS', 1 << 24, 1, 1 << 28),
    }),
  });
}
