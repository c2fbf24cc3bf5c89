/** The narrow interface every solver implements: one step of x_k = Phi_k(x_{k-1}). */
import type { Tensor } from '../tf.js';
import type { Schedule } from '../schedules/schedule.js';

/** eps(x, t) with the step's conditioning already bound. */
export type EpsFn = (x: Tensor, t: number) => Tensor;

export interface StepArgs {
  x: Tensor;
  /** Tensors a multistep solver carries from the step before; empty on a fresh start. */
  history: Tensor[];
  t0: number;
  t1: number;
  /** The time the history was taken at (the step before's t0), when there is history. */
  tPrev?: number;
  eps: EpsFn;
  schedule: Schedule;
}

export interface StepResult {
  x: Tensor;
  history: Tensor[];
}

export interface Solver {
  readonly name: string;
  readonly order: number;
  /** Evaluations of eps per step. */
  readonly evalsPerStep: number;
  /** How many tensors the step carries to the next one (0 for single-step methods). */
  readonly historySize: number;
  step(args: StepArgs): StepResult;
}
