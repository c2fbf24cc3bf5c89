/**
 * Checks a gradient can carry with it, so a user can trust (or distrust) the numbers:
 * - a directional finite-difference probe: (L(p + h v) - L(p - h v)) / 2h against <grad, v>
 *   for a seeded v ~ N(0, I) over every parameter differentiated;
 * - for the adjoint methods, the relative L2 difference to the exact discrete gradient.
 */
import { tf, type Tensor } from '../tf.js';
import { solve } from '../solvers/driver.js';
import type { StepConditioning } from '../models/eps.js';
import type { GradientOptions, GradientProblem, Gradients, Wrt } from './types.js';
import { discrete } from './discrete.js';

export interface FdProbe {
  step: number;
  directional_fd: number;
  directional_grad: number;
  relative_error: number;
}

const COND_KEY: Record<'z' | 'guidance_scale' | 'uncond', keyof StepConditioning> = { z: 'z', guidance_scale: 'scale', uncond: 'uncond' };

async function lossAt(problem: GradientProblem): Promise<number> {
  const { x0 } = await solve(problem, problem.xT);
  const value = tf.tidy(() => problem.loss.value(x0).dataSync()[0]);
  x0.dispose();
  return value;
}

export async function fdProbe(problem: GradientProblem, grads: Gradients, wrt: ReadonlySet<Wrt>, h: number, seed: number): Promise<FdProbe> {
  const dirs = new Map<Wrt, Tensor[]>();
  let analytic = 0;
  let salt = seed;
  const direction = (t: Tensor) => tf.randomNormal(t.shape, 0, 1, 'float32', salt++);
  const dot = (a: Tensor, b: Tensor) => tf.tidy(() => tf.sum(tf.mul(a, b)).dataSync()[0]);
  for (const w of wrt) {
    if (w === 'x_T' && grads.x_T) {
      const v = direction(problem.xT);
      analytic += dot(grads.x_T, v);
      dirs.set(w, [v]);
    } else if (w === 'theta' && grads.theta) {
      const vs = problem.model.thetaVariables.map(direction);
      problem.model.thetaNames.forEach((name, i) => (analytic += dot(grads.theta![name], vs[i])));
      dirs.set(w, vs);
    } else if (w !== 'x_T' && w !== 'theta' && grads[w]) {
      const vs = problem.conds.map((c) => direction(c[COND_KEY[w]] as Tensor));
      const stacked = tf.stack(vs);
      analytic += dot(grads[w]!, stacked);
      stacked.dispose();
      dirs.set(w, vs);
    }
  }
  const at = async (sign: number): Promise<number> => {
    const move = (t: Tensor, v: Tensor) => tf.tidy(() => tf.add(t, tf.mul(v, sign * h)));
    const created: Tensor[] = [];
    const keep = <T extends Tensor>(t: T) => (created.push(t), t);
    const xT = dirs.has('x_T') ? keep(move(problem.xT, dirs.get('x_T')![0])) : problem.xT;
    const conds = problem.conds.map((c, k) => {
      const out = { ...c };
      for (const w of ['z', 'guidance_scale', 'uncond'] as const) {
        if (dirs.has(w)) (out as Record<string, Tensor>)[COND_KEY[w]] = keep(move(c[COND_KEY[w]] as Tensor, dirs.get(w)![k]));
      }
      return out;
    });
    const saved = dirs.has('theta') ? problem.model.thetaVariables.map((v) => tf.clone(v)) : [];
    try {
      problem.model.thetaVariables.forEach((v, i) => {
        if (!dirs.has('theta')) return;
        const moved = move(saved[i], dirs.get('theta')![i]);
        v.assign(moved); // the variable takes the data; the wrapper is ours to free
        moved.dispose();
      });
      return await lossAt({ ...problem, xT, conds });
    } finally {
      problem.model.thetaVariables.forEach((v, i) => dirs.has('theta') && v.assign(saved[i]));
      tf.dispose([...created, ...saved]);
    }
  };
  const evaluations = problem.model.evaluations;
  const fd = ((await at(1)) - (await at(-1))) / (2 * h);
  problem.model.evaluations = evaluations; // the probe's solves are not the job's
  dirs.forEach((vs) => tf.dispose(vs));
  return { step: h, directional_fd: fd, directional_grad: analytic, relative_error: Math.abs(fd - analytic) / Math.max(Math.abs(fd), Math.abs(analytic), 1e-30) };
}

function relativeL2(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.maximum(tf.norm(b), 1e-30)).dataSync()[0]);
}

/** Relative L2 difference of each gradient to the exact discrete gradient of the same solve. */
export async function compareWithDiscrete(problem: GradientProblem, options: GradientOptions, grads: Gradients): Promise<Record<string, number>> {
  const evaluations = problem.model.evaluations;
  const exact = await discrete(problem, { ...options, hooks: undefined });
  problem.model.evaluations = evaluations;
  const out: Record<string, number> = {};
  for (const key of ['x_T', 'z', 'guidance_scale', 'uncond'] as const) {
    if (grads[key] && exact.grads[key]) out[key] = relativeL2(grads[key]!, exact.grads[key]!);
  }
  if (grads.theta && exact.grads.theta) {
    for (const name of Object.keys(grads.theta)) out[`theta/${name}`] = relativeL2(grads.theta[name], exact.grads.theta[name]);
  }
  const { theta, ...rest } = exact.grads;
  tf.dispose([exact.x0, ...Object.values(rest), ...Object.values(theta ?? {})] as Tensor[]);
  return out;
}
