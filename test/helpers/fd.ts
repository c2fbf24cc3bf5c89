/**
 * Central finite differences of the loss of a solve along a random direction v of one
 * parameter group: (L(p + h v) - L(p - h v)) / 2h, to compare with <grad, v>.
 */
import { tf, type Tensor } from '../../src/core/tf.js';
import { solve } from '../../src/core/solvers/driver.js';
import type { GradientProblem, Gradients, Wrt } from '../../src/core/gradients/types.js';
import { randn } from './toy.js';

async function lossOf(problem: GradientProblem): Promise<number> {
  const { x0 } = await solve(problem, problem.xT);
  const v = tf.tidy(() => problem.loss.value(x0).dataSync()[0]);
  x0.dispose();
  return v;
}

/** The directional derivative by central differences and the same from the gradients. */
export async function directional(problem: GradientProblem, grads: Gradients, wrt: Wrt, h = 1e-2, seed = 11): Promise<{ fd: number; analytic: number; scale: number }> {
  const conds = problem.conds;
  const targets: Tensor[] =
    wrt === 'x_T' ? [problem.xT]
    : wrt === 'theta' ? problem.model.thetaVariables
    : conds.map((c) => (wrt === 'z' ? c.z : wrt === 'guidance_scale' ? c.scale! : c.uncond!));
  const directions = targets.map((t, i) => randn(seed + i, t.shape));
  const gradTensors: Tensor[] =
    wrt === 'theta' ? problem.model.thetaNames.map((n) => grads.theta![n]) : wrt === 'x_T' ? [grads.x_T!] : tf.unstack(grads[wrt]!);
  const analytic = gradTensors.reduce((acc, g, i) => acc + tf.tidy(() => tf.sum(tf.mul(g, directions[i])).dataSync()[0]), 0);
  // <g, v> for v ~ N(0, I) is of the order of |g|: the scale its error is judged against.
  const scale = Math.sqrt(gradTensors.reduce((acc, g) => acc + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]), 0));
  if (wrt !== 'x_T' && wrt !== 'theta') gradTensors.forEach((g) => g.dispose());

  const shifted = async (sign: number): Promise<number> => {
    const moved = targets.map((t, i) => tf.tidy(() => tf.add(t, tf.mul(directions[i], sign * h))));
    let value: number;
    if (wrt === 'theta') {
      const saved = problem.model.thetaVariables.map((v) => tf.clone(v));
      problem.model.thetaVariables.forEach((v, i) => v.assign(moved[i]));
      value = await lossOf(problem);
      problem.model.thetaVariables.forEach((v, i) => v.assign(saved[i]));
      tf.dispose(saved);
    } else if (wrt === 'x_T') {
      value = await lossOf({ ...problem, xT: moved[0] });
    } else {
      const key = wrt === 'guidance_scale' ? 'scale' : wrt;
      value = await lossOf({ ...problem, conds: conds.map((c, k) => ({ ...c, [key]: moved[k] })) });
    }
    tf.dispose(moved);
    return value;
  };
  const fd = ((await shifted(1)) - (await shifted(-1))) / (2 * h);
  tf.dispose(directions);
  return { fd, analytic, scale };
}

export function disposeOutcome(r: { x0: Tensor; grads: Gradients }): void {
  tf.dispose([r.x0, ...[r.grads.x_T, r.grads.z, r.grads.guidance_scale, r.grads.uncond].filter((t): t is Tensor => !!t), ...Object.values(r.grads.theta ?? {})]);
}
