/**
 * The service's configuration: read from the environment once, validated, frozen.
 * Nothing else reads process.env.
 */
import { BACKENDS, type BackendChoice } from './core/backends/select.js';

export interface Config {
  /** Folder with one sub-folder per model. */
  modelsDir: string;
  /** TensorFlow.js backend: tensorflow, wasm, cpu, or auto (the fastest available). */
  backend: BackendChoice;
  /** Largest tape the discrete method may keep to backprop a whole solve in one pass. */
  memoryBudgetMb: number;
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
    limits: Object.freeze({
      maxSteps: integer(env, 'MAX_STEPS', 1000, 1, 100_000),
      maxSubsteps: integer(env, 'MAX_SUBSTEPS', 64, 1, 10_000),
      maxBatch: integer(env, 'MAX_BATCH', 64, 1, 1 << 16),
      maxTensorElements: integer(env, 'MAX_TENSOR_ELEMENTS', 1 << 24, 1, 1 << 28),
    }),
  });
}
