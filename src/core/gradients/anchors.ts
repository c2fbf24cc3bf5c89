/**
 * Points inside one solver step where the continuous adjoint needs the state: the step is
 * split into m substeps, and x is re-solved forward from the step's checkpoint with the
 * job's own solver (fresh history), all with the step's conditioning.
 */
import { tf, type Tensor } from '../tf.js';
import { integrate, type SolveContext } from '../solvers/driver.js';
import { subdivide } from '../solvers/grid.js';

/** Times of the m substeps of step s, in sampling order (times[0] = t_s > ... > times[m] = t_{s+1}). */
export function substepTimes(ctx: SolveContext, s: number, m: number, inLambda: boolean): number[] {
  return subdivide(ctx.model.schedule, ctx.grid.times[s], ctx.grid.times[s + 1], m, inLambda);
}

/**
 * x at every substep point: xs[0] = the checkpoint entering step s, xs[m] = `end` (the
 * checkpoint leaving it), and re-solved points between them. Only the middle ones are new.
 */
export function anchors(ctx: SolveContext, s: number, times: number[], start: Tensor, end: Tensor): Tensor[] {
  const m = times.length - 1;
  const cond = ctx.conds[ctx.grid.interval[s]];
  const xs: Tensor[] = [start];
  let state = { x: start, history: [] as Tensor[] };
  for (let j = 1; j < m; j++) {
    const next = tf.tidy(() => {
      const out = integrate(ctx, cond, state, [times[j - 1], times[j]], j > 1 ? times[j - 2] : undefined);
      return { x: out.x, history: out.history };
    });
    if (state.x !== start) state.history.forEach((t) => t.dispose());
    state = next;
    xs.push(next.x);
  }
  state.history.forEach((t) => t.dispose());
  xs.push(end);
  return xs;
}
