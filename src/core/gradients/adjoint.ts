/**
 * The continuous adjoint (maths note, method 1), with the seed's result: for a
 * piecewise-constant z-schedule the adjoint equations are those of a constant z, with z
 * replaced by z(t), so each z_k collects the integral over its own piece only.
 *
 * - `adjoint`: the state comes from the forward checkpoints (re-solved inside a step when
 *   it has several adjoint substeps); each adjoint substep restarts x from such an anchor.
 * - `adjoint_backsolve`: keeps nothing; x is solved backward together with the adjoint
 *   (O(1) memory in the number of steps), and the error of the rebuilt x_T is reported.
 */
import { tf, type Tensor } from '../tf.js';
import { solve, disposeState } from '../solvers/driver.js';
import { report, yieldToEventLoop } from '../hooks.js';
import { EULER_TABLEAU } from '../solvers/euler.js';
import { HEUN_TABLEAU } from '../solvers/heun.js';
import { RK4_TABLEAU } from '../solvers/rk4.js';
import type { Tableau } from '../solvers/runge-kutta.js';
import { GradientSink } from './sink.js';
import { valueAndGrad } from './vjp.js';
import { augmentedStep, type AugmentedState } from './augmented.js';
import { anchors, substepTimes } from './anchors.js';
import type { AdjointSolverName, GradientMethod, GradientOptions, GradientOutcome, GradientProblem } from './types.js';

export const ADJOINT_TABLEAUS: Record<AdjointSolverName, Tableau> = { euler: EULER_TABLEAU, heun: HEUN_TABLEAU, rk4: RK4_TABLEAU };

function relativeError(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)).dataSync()[0]);
}

async function continuousAdjoint(problem: GradientProblem, options: GradientOptions, backsolve: boolean): Promise<GradientOutcome> {
  const steps = problem.grid.interval.length;
  const m = options.adjointSubsteps;
  const tableau = ADJOINT_TABLEAUS[options.adjointSolver];
  const evals0 = problem.model.evaluations;
  const { x0, states } = await solve(problem, problem.xT, { keep: !backsolve, hooks: options.hooks });
  const nfeForward = problem.model.evaluations - evals0;
  const sink = new GradientSink(problem, options.wrt);
  const { value: loss, grad } = valueAndGrad((x) => problem.loss.value(x), x0);
  let state: AugmentedState = { x: tf.clone(x0), a: grad };
  try {
    for (let s = steps - 1; s >= 0; s--) {
      report(options.hooks, 'backward', steps - 1 - s, steps);
      const times = substepTimes(problem, s, m, false);
      const xs = backsolve ? null : anchors(problem, s, times, states![s].x, s === steps - 1 ? x0 : states![s + 1].x);
      const { tensors, slots } = sink.sources(problem.grid.interval[s]);
      for (let j = m; j >= 1; j--) {
        if (xs) {
          state.x.dispose();
          state = { x: tf.clone(xs[j]), a: state.a };
        }
        const { state: next, increments } = augmentedStep(problem, problem.conds[problem.grid.interval[s]], tensors, tableau, state, times[j], times[j - 1]);
        state.x.dispose();
        state.a.dispose();
        state = next;
        sink.add(slots, increments);
      }
      xs?.slice(1, m).forEach((t) => t.dispose());
      if (states && s + 1 < steps) disposeState(states.pop()!);
      await yieldToEventLoop();
    }
    report(options.hooks, 'backward', steps, steps);
    const reconstructionError = backsolve ? relativeError(state.x, problem.xT) : undefined;
    state.x.dispose();
    states?.forEach(disposeState);
    const nfeBackward = problem.model.evaluations - evals0 - nfeForward;
    return { loss, x0, grads: { ...sink.finish(), x_T: state.a }, nfeForward, nfeBackward, reconstructionError };
  } catch (err) {
    [state.x, state.a, x0].forEach((t) => t.dispose());
    states?.forEach(disposeState);
    sink.dispose();
    throw err;
  }
}

export const adjoint: GradientMethod = (problem, options) => continuousAdjoint(problem, options, false);
export const adjointBacksolve: GradientMethod = (problem, options) => continuousAdjoint(problem, options, true);
