/**
 * One explicit Runge-Kutta step of the continuous adjoint system, integrated backward in
 * sampling time (forward in t) from tA to tB > tA:
 *   dx/dt = F(x, t),   da/dt = -(dF/dx)^T a,   dG/dt = -(dF/dp)^T a,
 * where p are the step's conditioning and the weights, and G accumulates dL/dp
 * (the integral of (dF/dp)^T a from tB down to tA in the sampling direction).
 * Each stage is one recorded evaluation of F and its VJP.
 */
import { tf, type Tensor } from '../tf.js';
import { drift, axpy, type Tableau } from '../solvers/runge-kutta.js';
import type { StepConditioning } from '../models/eps.js';
import type { SolveContext } from '../solvers/driver.js';
import { vjp } from './vjp.js';

export interface AugmentedState {
  x: Tensor;
  a: Tensor;
}

/** Returns the new state and the increments of G (one per source); frees nothing it was given. */
export function augmentedStep(
  ctx: SolveContext,
  cond: StepConditioning,
  sources: Tensor[],
  tableau: Tableau,
  state: AugmentedState,
  tA: number,
  tB: number,
): { state: AugmentedState; increments: Tensor[] } {
  const h = tB - tA;
  const kx: Tensor[] = [];
  const ka: Tensor[] = [];
  const kp: Tensor[][] = [];
  tableau.c.forEach((c, i) => {
    const [xi, ai] = tf.tidy(() => [axpy(state.x, h, tableau.a[i], kx), axpy(state.a, h, tableau.a[i], ka)]);
    const t = tA + c * h;
    const { outputs, grads } = vjp(() => [drift(ctx.model.schedule, (x, s) => ctx.model.eps(x, cond, s), xi, t)], [xi, ...sources], [ai]);
    if (xi !== state.x) xi.dispose();
    if (ai !== state.a) ai.dispose();
    kx.push(outputs[0]);
    ka.push(tf.tidy(() => tf.neg(grads[0])));
    grads[0].dispose();
    kp.push(grads.slice(1));
  });
  const next = tf.tidy(() => ({ x: axpy(state.x, h, tableau.b, kx), a: axpy(state.a, h, tableau.b, ka) }));
  const increments = sources.map((_, j) =>
    tf.tidy(() => axpy(tf.zerosLike(kp[0][j]), -h, tableau.b, kp.map((g) => g[j]))),
  );
  [...kx, ...ka, ...kp.flat()].forEach((t) => t.dispose());
  return { state: next, increments };
}
