/**
 * DDIM = DPM-Solver-1 (Lu et al. 2022, eq. 3.7), the first-order exponential integrator:
 * x_k = (alpha_k / alpha_{k-1}) x_{k-1} - sigma_k (e^h - 1) eps(x_{k-1}, t_{k-1}),
 * h = lambda_k - lambda_{k-1}. The linear part is integrated exactly.
 */
import { tf } from '../tf.js';
import type { Solver } from './solver.js';

export const ddim: Solver = {
  name: 'ddim',
  order: 1,
  evalsPerStep: 1,
  historySize: 0,
  step({ x, t0, t1, eps, schedule }) {
    const h = schedule.lambda(t1) - schedule.lambda(t0);
    const ratio = Math.exp(schedule.logAlpha(t1) - schedule.logAlpha(t0));
    const coef = -schedule.sigma(t1) * Math.expm1(h);
    return { x: tf.add(tf.mul(x, ratio), tf.mul(eps(x, t0), coef)), history: [] };
  },
};
