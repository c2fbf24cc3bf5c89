/** The result of a job as it goes on the wire. */
import type { WireTensor } from '../core/tensors/schema.js';
import type { FdProbe } from '../core/gradients/diagnostics.js';

export interface JobResult {
  loss: number;
  x0: WireTensor;
  grad: {
    x_T?: WireTensor;
    /** [n, B, ...cond_shape] */
    z?: WireTensor;
    /** By the weight's name in model.json. */
    theta?: Record<string, WireTensor>;
    /** [n] */
    guidance_scale?: WireTensor;
    /** [n, B, ...cond_shape] */
    uncond?: WireTensor;
  };
  diagnostics: {
    fd_probe?: FdProbe;
    /** Relative L2 difference of each gradient to the exact discrete gradient. */
    vs_discrete?: Record<string, number>;
    /** adjoint_backsolve: relative L2 error of x_T rebuilt by the backward solve. */
    reconstruction_error?: number;
  };
  stats: {
    model: string;
    method: string;
    solver: string;
    /** n: z pieces. */
    steps: number;
    /** Solver steps in all (n × substeps). */
    solver_steps: number;
    /** discrete only: "unrolled" (one pass over the whole tape) or "checkpointed" (per-step recompute + VJP). */
    gradient_mode?: 'unrolled' | 'checkpointed';
    /** Evaluations of eps in the forward solve, and in the backward pass (each with its VJP). */
    nfe_forward: number;
    nfe_backward: number;
    seconds: number;
    backend: string;
  };
}
