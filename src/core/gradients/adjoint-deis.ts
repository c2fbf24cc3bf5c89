/**
 * The exponential-integrator adjoint (maths note, method 3; after AdjointDEIS, Blasingame
 * & Liu 2024). With a~ = alpha_t a, the linear part -f a of the adjoint equation drops out
 * exactly, and in lambda the system reads
 *   d a~/d lambda = e^{-lambda} V,  V = alpha a~^T d eps/dx,
 *   dG/d lambda   = e^{-lambda} U,  U = a~^T d eps/dp   (p: z_k, w_k, u_k, theta),
 * (using g^2/(2 sigma) = -sigma dlambda/dt and sigma/alpha = e^{-lambda}). Going back from
 * lambda_j to lambda_{j-1} (h = lambda_{j-1} - lambda_j < 0), V and U are expanded in lambda
 * and e^{-lambda} is integrated exactly:
 *   order 1:  + e^{-lambda_j} (1 - e^{-h}) V_j
 *   order 2:  + e^{-lambda_j} (1 - (1 + h) e^{-h}) (V_j - V_r) / (lambda_j - lambda_r)
 * with r the point visited before (multistep). The history restarts at every z piece,
 * where V and U jump; one first-order step per piece keeps the global order 2.
 */
import { tf, type Tensor } from '../tf.js';
import { solve, disposeState } from '../solvers/driver.js';
import { report, yieldToEventLoop } from '../hooks.js';
import { GradientSink } from './sink.js';
import { vjp, valueAndGrad } from './vjp.js';
import { anchors, substepTimes } from './anchors.js';
import type { GradientMethod, GradientOutcome } from './types.js';

interface Sample {
  lambda: number;
  piece: number;
  v: Tensor;
  u: Tensor[];
}

const disposeSample = (p: Sample | null) => p && [p.v, ...p.u].forEach((t) => t.dispose());

export const adjointDeis: GradientMethod = async (problem, options): Promise<GradientOutcome> => {
  const { schedule } = problem.model;
  const steps = problem.grid.interval.length;
  const m = options.adjointSubsteps;
  const evals0 = problem.model.evaluations;
  const { x0, states } = await solve(problem, problem.xT, { keep: true, hooks: options.hooks });
  const nfeForward = problem.model.evaluations - evals0;
  const sink = new GradientSink(problem, options.wrt);
  const { value: loss, grad } = valueAndGrad((x) => problem.loss.value(x), x0);
  let aTilde = tf.tidy(() => tf.mul(grad, schedule.alpha(problem.grid.times[steps])));
  grad.dispose();
  let prev: Sample | null = null;
  try {
    for (let s = steps - 1; s >= 0; s--) {
      report(options.hooks, 'backward', steps - 1 - s, steps);
      const piece = problem.grid.interval[s];
      const cond = problem.conds[piece];
      const times = substepTimes(problem, s, m, true);
      const xs = anchors(problem, s, times, states![s].x, s === steps - 1 ? x0 : states![s + 1].x);
      const { tensors, slots } = sink.sources(piece);
      for (let j = m; j >= 1; j--) {
        const lj = schedule.lambda(times[j]);
        const h = schedule.lambda(times[j - 1]) - lj;
        const { outputs, grads } = vjp(() => [problem.model.eps(xs[j], cond, times[j])], [xs[j], ...tensors], [aTilde]);
        outputs[0].dispose();
        const v = tf.tidy(() => tf.mul(grads[0], schedule.alpha(times[j])));
        grads[0].dispose();
        const sample: Sample = { lambda: lj, piece, v, u: grads.slice(1) };
        const c1 = -Math.exp(-lj) * Math.expm1(-h);
        const multistep = options.deisOrder === 2 && prev !== null && prev.piece === piece;
        const c2 = multistep ? (Math.exp(-lj) * (-Math.expm1(-h) - h * Math.exp(-h))) / (lj - prev!.lambda) : 0;
        const next = tf.tidy(() => {
          let out = tf.add(aTilde, tf.mul(v, c1));
          if (multistep) out = tf.add(out, tf.mul(tf.sub(v, prev!.v), c2));
          return out;
        });
        aTilde.dispose();
        aTilde = next;
        const increments = sample.u.map((u, i) =>
          tf.tidy(() => (multistep ? tf.add(tf.mul(u, c1), tf.mul(tf.sub(u, prev!.u[i]), c2)) : tf.mul(u, c1))),
        );
        sink.add(slots, increments);
        disposeSample(prev);
        prev = sample;
      }
      xs.slice(1, m).forEach((t) => t.dispose());
      if (s + 1 < steps) disposeState(states!.pop()!);
      await yieldToEventLoop();
    }
    report(options.hooks, 'backward', steps, steps);
    disposeSample(prev);
    states!.forEach(disposeState);
    const xTGrad = tf.tidy(() => tf.div(aTilde, schedule.alpha(problem.grid.times[0])));
    aTilde.dispose();
    const nfeBackward = problem.model.evaluations - evals0 - nfeForward;
    return { loss, x0, grads: { ...sink.finish(), x_T: xTGrad }, nfeForward, nfeBackward };
  } catch (err) {
    [aTilde, x0].forEach((t) => t.dispose());
    disposeSample(prev);
    states!.forEach(disposeState);
    sink.dispose();
    throw err;
  }
};
