/**
 * The exact gradient of the solver that ran (maths note, method 2).
 *
 * When the whole solve's tape fits the memory budget, it backpropagates through the
 * unrolled solve in one pass (fastest). Otherwise it keeps the state entering each step
 * and, going back, recomputes step s and pulls the adjoint through it:
 *   a_{s} = (dPhi_s/dx)^T a_{s+1},  dL/dz_k += (dPhi_s/dz_k)^T a_{s+1},  dL/dtheta += ...
 * Multistep solvers carry history; its adjoint is carried back the same way.
 */
import { tf, type Tensor } from '../tf.js';
import { runStep, solve, disposeState } from '../solvers/driver.js';
import { CodedError } from '../../errors.js';
import { report, yieldToEventLoop } from '../hooks.js';
import { GradientSink } from './sink.js';
import { vjp, valueAndGrad } from './vjp.js';
import { estimateTapeBytes } from './tape-size.js';
import type { GradientMethod, GradientOptions, GradientOutcome, GradientProblem } from './types.js';

async function unrolled(problem: GradientProblem, options: GradientOptions): Promise<GradientOutcome> {
  const steps = problem.grid.interval.length;
  const sink = new GradientSink(problem, options.wrt);
  // One pass over the whole solve: every piece's conditioning, and the weights once.
  const condSources = problem.conds.map((_, k) => sink.conditioningSources(k));
  const thetaSources = sink.thetaSources();
  const inputs = [problem.xT, ...condSources.flatMap((p) => p.tensors), ...thetaSources.tensors];
  const evals0 = problem.model.evaluations;
  let x0: Tensor | null = null;
  const { value, grads } = tf.engine().gradients(
    () => {
      let state = { x: problem.xT, history: [] as Tensor[] };
      for (let s = 0; s < steps; s++) {
        report(options.hooks, 'forward', s, steps);
        state = runStep(problem, s, state);
      }
      x0 = tf.keep(state.x);
      return problem.loss.value(state.x);
    },
    inputs,
    undefined,
    true,
  );
  const nfeForward = problem.model.evaluations - evals0;
  report(options.hooks, 'backward', steps, steps);
  const loss = value.dataSync()[0];
  value.dispose();
  const filled = grads.map((g, i) => g ?? tf.zerosLike(inputs[i]));
  if (!Number.isFinite(loss)) {
    // One pass cannot say where it blew up: solve again, step by step, to name the step.
    filled.forEach((g) => g.dispose());
    x0!.dispose();
    (await solve(problem, problem.xT)).x0.dispose();
    throw new CodedError('NUMERICAL_BLOWUP', 'the loss is NaN or Inf', { details: { phase: 'loss' } });
  }
  const xTGrad = filled.shift()!;
  for (const p of [...condSources, thetaSources]) sink.add(p.slots, filled.splice(0, p.tensors.length));
  return { loss, x0: x0!, grads: { ...sink.finish(), x_T: xTGrad }, nfeForward, nfeBackward: 0, mode: 'unrolled' };
}

async function checkpointed(problem: GradientProblem, options: GradientOptions): Promise<GradientOutcome> {
  const steps = problem.grid.interval.length;
  const evals0 = problem.model.evaluations;
  const { x0, states } = await solve(problem, problem.xT, { keep: true, hooks: options.hooks });
  const nfeForward = problem.model.evaluations - evals0;
  const sink = new GradientSink(problem, options.wrt);
  const { value: loss, grad } = valueAndGrad((x) => problem.loss.value(x), x0);
  let adjX = grad;
  let adjHistory: Tensor[] = [];
  try {
    for (let s = steps - 1; s >= 0; s--) {
      report(options.hooks, 'backward', steps - 1 - s, steps);
      const state = states![s];
      const { tensors, slots } = sink.sources(problem.grid.interval[s]);
      const { outputs, grads } = vjp(
        () => {
          const out = runStep(problem, s, state);
          // The last step's history feeds nothing: leave it out of the product.
          return adjHistory.length ? [out.x, ...out.history] : [out.x];
        },
        [state.x, ...state.history, ...tensors],
        [adjX, ...adjHistory],
      );
      outputs.forEach((o) => o.dispose());
      [adjX, ...adjHistory].forEach((t) => t.dispose());
      adjX = grads[0];
      adjHistory = grads.slice(1, 1 + state.history.length);
      sink.add(slots, grads.slice(1 + state.history.length));
      disposeState(state);
      states!.pop();
      await yieldToEventLoop();
    }
    report(options.hooks, 'backward', steps, steps);
    adjHistory.forEach((t) => t.dispose());
    const nfeBackward = problem.model.evaluations - evals0 - nfeForward;
    return { loss, x0, grads: { ...sink.finish(), x_T: adjX }, nfeForward, nfeBackward, mode: 'checkpointed' };
  } catch (err) {
    [adjX, ...adjHistory, x0].forEach((t) => t.dispose());
    states!.forEach(disposeState);
    sink.dispose();
    throw err;
  }
}

export const discrete: GradientMethod = async (problem, options) => {
  const budget = options.memoryBudgetBytes;
  const fits = budget > 0 && estimateTapeBytes(problem) <= budget;
  return fits ? unrolled(problem, options) : checkpointed(problem, options);
};

export const discreteCheckpointed: GradientMethod = checkpointed;
export const discreteUnrolled: GradientMethod = unrolled;
