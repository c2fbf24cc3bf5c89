/**
 * How many bytes the tape of a whole unrolled solve would hold: the bytes one recorded
 * evaluation of eps keeps for its backward pass, measured once per network and input
 * layout, times the evaluations of the solve, with a margin for the backward pass's
 * own temporaries.
 */
import { tf } from '../tf.js';
import type { Network } from '../models/eps.js';
import type { GradientProblem } from './types.js';

const MARGIN = 1.5;
const measured = new WeakMap<Network, Map<string, number>>();

function bytesPerEvaluation(problem: GradientProblem): number {
  const cond = problem.conds[0];
  const key = `${problem.xT.shape.join('x')}|${cond.uncond ? 'guided' : 'plain'}`;
  const cache = measured.get(problem.model.network) ?? new Map<string, number>();
  measured.set(problem.model.network, cache);
  const known = cache.get(key);
  if (known !== undefined) return known;
  const before = tf.memory().numBytes;
  let during = before;
  const { evaluations, allEvaluations } = problem.model;
  const { value, grads } = tf.engine().gradients(
    () => {
      const y = problem.model.eps(problem.xT, cond, problem.grid.times[0]);
      during = tf.memory().numBytes;
      return tf.sum(y);
    },
    [problem.xT],
    undefined,
    true,
  );
  // A measurement, once per network and layout: part of no job's count, so the counts repeat.
  Object.assign(problem.model, { evaluations, allEvaluations });
  value.dispose();
  grads.forEach((g) => g?.dispose());
  const bytes = Math.max(0, during - before);
  cache.set(key, bytes);
  return bytes;
}

export function estimateTapeBytes(problem: GradientProblem): number {
  const evaluations = problem.grid.interval.length * problem.solver.evalsPerStep;
  const stateBytes = problem.xT.size * 4 * (1 + problem.solver.historySize) * (problem.grid.interval.length + 1);
  return MARGIN * evaluations * bytesPerEvaluation(problem) + stateBytes;
}
