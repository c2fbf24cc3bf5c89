/** What a gradient method is given and what it returns. */
import type { Tensor } from '../tf.js';
import type { SolveContext } from '../solvers/driver.js';
import type { Hooks } from '../hooks.js';

export const WRT_NAMES = ['x_T', 'z', 'theta', 'guidance_scale', 'uncond'] as const;
export type Wrt = (typeof WRT_NAMES)[number];

export const ADJOINT_SOLVERS = ['euler', 'heun', 'rk4'] as const;
export type AdjointSolverName = (typeof ADJOINT_SOLVERS)[number];

/** A differentiable scalar loss of x_0. */
export interface LossFn {
  value(x0: Tensor): Tensor;
}

export interface GradientProblem extends SolveContext {
  xT: Tensor;
  loss: LossFn;
}

export interface GradientOptions {
  wrt: ReadonlySet<Wrt>;
  /** Adjoint substeps inside each solver step (continuous adjoint methods). */
  adjointSubsteps: number;
  /** Runge-Kutta method of the continuous adjoint's backward integration. */
  adjointSolver: AdjointSolverName;
  /** Order of the exponential-integrator adjoint (1, or 2: multistep). */
  deisOrder: 1 | 2;
  /** Largest tape, in bytes, that the discrete method may keep to backprop in one pass. */
  memoryBudgetBytes: number;
  hooks?: Hooks;
}

export interface Gradients {
  x_T?: Tensor;
  /** [n, B, ...cond_shape] */
  z?: Tensor;
  theta?: Record<string, Tensor>;
  /** [n] */
  guidance_scale?: Tensor;
  /** [n, B, ...cond_shape] */
  uncond?: Tensor;
}

export interface GradientOutcome {
  loss: number;
  x0: Tensor;
  grads: Gradients;
  nfeForward: number;
  nfeBackward: number;
  /** How the discrete method ran: one pass over the whole tape, or per-step checkpoints. */
  mode?: 'unrolled' | 'checkpointed';
  /** Relative L2 error of x_T rebuilt by a backward solve (adjoint_backsolve). */
  reconstructionError?: number;
}

export type GradientMethod = (problem: GradientProblem, options: GradientOptions) => Promise<GradientOutcome>;
