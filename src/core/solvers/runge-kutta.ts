/**
 * Explicit Runge-Kutta steps on the probability-flow ODE dx/dt = F(x, t) =
 * f(t) x + g^2(t) / (2 sigma_t) eps(x, t). A method is its Butcher tableau.
 */
import { tf, type Tensor } from '../tf.js';
import type { Schedule } from '../schedules/schedule.js';
import type { EpsFn, Solver, StepArgs } from './solver.js';

export interface Tableau {
  /** Lower-triangular stage coefficients, a[i] has i entries. */
  a: number[][];
  b: number[];
  c: number[];
}

/** F(x, t) = f x + g^2/(2 sigma) eps. */
export function drift(schedule: Schedule, eps: EpsFn, x: Tensor, t: number): Tensor {
  const { a, b } = schedule.driftCoefficients(t);
  return tf.add(tf.mul(x, a), tf.mul(eps(x, t), b));
}

/** x + h sum_j w_j k_j, skipping zero weights. */
export function axpy(x: Tensor, h: number, weights: number[], ks: Tensor[]): Tensor {
  let out = x;
  weights.forEach((w, j) => {
    if (w !== 0) out = tf.add(out, tf.mul(ks[j], h * w));
  });
  return out;
}

export function rungeKutta(name: string, order: number, tableau: Tableau): Solver {
  return {
    name,
    order,
    evalsPerStep: tableau.b.length,
    historySize: 0,
    step({ x, t0, t1, eps, schedule }: StepArgs) {
      const h = t1 - t0;
      const ks: Tensor[] = [];
      tableau.c.forEach((c, i) => {
        ks.push(drift(schedule, eps, axpy(x, h, tableau.a[i], ks), t0 + c * h));
      });
      return { x: axpy(x, h, tableau.b, ks), history: [] };
    },
  };
}
