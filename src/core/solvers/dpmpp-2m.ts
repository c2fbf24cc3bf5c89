/**
 * DPM-Solver++(2M) (Lu et al. 2022b, Algorithm 2), second-order multistep in the data
 * prediction D = (x - sigma eps) / alpha:
 *   x_k = (sigma_k / sigma_{k-1}) x_{k-1} - alpha_k (e^{-h} - 1) D,
 *   D = (1 + 1/(2r)) D_{k-1} - 1/(2r) D_{k-2},  r = h_{k-1} / h_k,
 * and D = D_{k-1} (first order) when there is no history. It carries D_{k-1} forward,
 * across z pieces too, as samplers with prompt schedules do: where z jumps, the
 * extrapolation sees the jump and that step is first order. The discrete gradient is
 * exact for this method whatever z does.
 */
import { tf } from '../tf.js';
import type { Solver } from './solver.js';

export const dpmpp2m: Solver = {
  name: 'dpmpp_2m',
  order: 2,
  evalsPerStep: 1,
  historySize: 1,
  step({ x, history, t0, t1, tPrev, eps, schedule }) {
    const [l0, l1] = [schedule.lambda(t0), schedule.lambda(t1)];
    const h = l1 - l0;
    const [alpha0, sigma0] = [schedule.alpha(t0), schedule.sigma(t0)];
    const d0 = tf.div(tf.sub(x, tf.mul(eps(x, t0), sigma0)), alpha0);
    let d = d0;
    if (history.length > 0 && tPrev !== undefined) {
      const r = (l0 - schedule.lambda(tPrev)) / h;
      d = tf.sub(tf.mul(d0, 1 + 0.5 / r), tf.mul(history[0], 0.5 / r));
    }
    const xNext = tf.sub(tf.mul(x, schedule.sigma(t1) / sigma0), tf.mul(d, schedule.alpha(t1) * Math.expm1(-h)));
    return { x: xNext, history: [d0] };
  },
};
