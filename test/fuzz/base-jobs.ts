/**
 * Valid jobs the fuzzers start from: each reaches a different part of the job format
 * (both tensor encodings, guidance, a sum loss, an explicit grid, adjoint methods and
 * diagnostics, every schedule type, a webhook), so that mutating them reaches every field. All but
 * one use the closed-form `linear` model, so that the mutants the API accepts run in
 * milliseconds; one is the unet-tiny job of the API tests.
 */
import { tinyJob } from '../helpers/stack.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JobObject = { [key: string]: Json };

const term = (weight: number, loss: JobObject): JobObject => ({ weight, loss });
const f32b64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

/** The linear model's job shape: x [B, 4], z [n, B, 3]. */
export function linearJob(steps = 2): JobObject {
  return {
    model: 'linear',
    x_T: { shape: [1, 4], data: [0.5, -0.25, 1, 2] },
    z: { shape: [steps, 1, 3], data: Array.from({ length: steps * 3 }, (_, i) => (i % 5) / 4 - 0.5) },
    loss: { type: 'linear', weights: { shape: [1, 4], data: [1, -2, 0.5, 3] } },
    solver: { method: 'ddim', steps },
  };
}

export const BASE_JOBS: Record<string, () => JobObject> = {
  'linear': () => linearJob(),
  'linear, base64 tensors': () => ({
    ...linearJob(),
    x_T: { shape: [1, 4], dtype: 'float32', b64: f32b64([0.5, -0.25, 1, 2]) },
    z: { shape: [2, 1, 3], dtype: 'float32', b64: f32b64([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]) },
    loss: { type: 'mse', target: { shape: [1, 4], dtype: 'float32', b64: f32b64([0, 0, 0, 0]) } },
  }),
  'linear, guided, batch 2': () => ({
    ...linearJob(),
    x_T: { shape: [2, 4], data: [0.5, -0.25, 1, 2, 0, 1, 0, -1] },
    z: { shape: [2, 2, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0] },
    guidance: { scale: 1.5, uncond: { shape: [2, 2, 3], data: new Array(12).fill(0) } },
    loss: { type: 'cosine', target: { shape: [2, 4], data: [1, 0, 0, 1, 0, 1, 1, 0] } },
    gradient: { wrt: ['x_T', 'z', 'guidance_scale', 'uncond'] },
  }),
  'linear, per-step guidance, sum loss': () => ({
    ...linearJob(),
    guidance: { scale: { shape: [2], data: [1, 2] }, uncond: { shape: [2, 1, 3], data: new Array(6).fill(0.5) } },
    loss: {
      type: 'sum',
      terms: [term(0.5, { type: 'mse', target: { shape: [1, 4], data: [0, 1, 0, 1] } }), term(-1, { type: 'linear', weights: { shape: [1, 4], data: [1, 1, 1, 1] } })],
    },
  }),
  'linear, explicit grid, heun, adjoint': () => ({
    ...linearJob(),
    solver: { method: 'heun', steps: 2, substeps: 2, grid: 'explicit', times: [1, 0.4, 0.01] },
    schedule: { type: 'vp_linear', beta_min: 0.1, beta_max: 12 },
    gradient: { method: 'adjoint', adjoint_substeps: 2, adjoint_solver: 'rk4', diagnostics: { fd_probe: true, fd_step: 0.001, seed: 7, compare_discrete: true } },
  }),
  'linear, discrete schedule, dpmpp_2m, adjoint_deis': () => ({
    ...linearJob(),
    solver: { method: 'dpmpp_2m', steps: 2, grid: 'uniform_lambda', t_end: 0.01 },
    schedule: { type: 'discrete', betas: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 },
    gradient: { method: 'adjoint_deis', order: 1, memory_budget_mb: 16, wrt: ['x_T', 'theta'] },
  }),
  'linear, vp_cosine, rk4, backsolve': () => ({
    ...linearJob(),
    solver: { method: 'rk4', steps: 2, t_start: 0.9, t_end: 0.05 },
    schedule: { type: 'vp_cosine', s: 0.008 },
    gradient: { method: 'adjoint_backsolve', wrt: ['z'] },
  }),
  'unet-tiny': () => tinyJob(2) as JobObject,
  // The stack must allow 127.0.0.1 as a webhook target; nothing listens on port 9, so deliveries just fail.
  'linear, webhook': () => ({ ...linearJob(), webhook: { url: 'http://127.0.0.1:9/hook', events: ['completed', 'failed'], secret: 'fuzz-secret-0123456789' } }),
};
