/**
 * The one driver loop every solver and every gradient method runs on. Step s (0-based)
 * goes from grid.times[s] to grid.times[s + 1] with the conditioning of its piece,
 * grid.interval[s].
 */
import { tf, type Tensor } from '../tf.js';
import { CodedError } from '../../errors.js';
import type { EpsModel, StepConditioning } from '../models/eps.js';
import type { Solver } from './solver.js';
import type { Grid } from './grid.js';
import { report, yieldToEventLoop, type Hooks } from '../hooks.js';

export interface SolveContext {
  model: EpsModel;
  solver: Solver;
  grid: Grid;
  /** One conditioning per z piece. */
  conds: StepConditioning[];
}

export interface State {
  x: Tensor;
  history: Tensor[];
}

export function disposeState(state: State): void {
  state.x.dispose();
  state.history.forEach((t) => t.dispose());
}

/** Integrates from times[0] to times[last] with one conditioning (used inside a step too). */
export function integrate(ctx: SolveContext, cond: StepConditioning, start: State, times: number[], tPrev?: number): State {
  const eps = (x: Tensor, t: number) => ctx.model.eps(x, cond, t);
  let state = start;
  for (let i = 0; i + 1 < times.length; i++) {
    const prev = i === 0 ? tPrev : times[i - 1];
    const next = ctx.solver.step({ ...state, t0: times[i], t1: times[i + 1], tPrev: prev, eps, schedule: ctx.model.schedule });
    state = next;
  }
  return state;
}

/** Solver step s, tape-friendly (no tidy): the caller owns what it creates. */
export function runStep(ctx: SolveContext, s: number, state: State): State {
  const { times, interval } = ctx.grid;
  return integrate(ctx, ctx.conds[interval[s]], state, [times[s], times[s + 1]], s > 0 ? times[s - 1] : undefined);
}

/** Fails with NUMERICAL_BLOWUP, naming the step, when x holds NaN or Inf. */
export function assertFinite(x: Tensor, step: number, phase: string): void {
  const peak = tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0]);
  if (!Number.isFinite(peak)) {
    throw new CodedError('NUMERICAL_BLOWUP', `the ${phase} pass produced NaN or Inf at solver step ${step}`, {
      details: { step, phase },
    });
  }
}

export interface SolveOutcome {
  x0: Tensor;
  /** The state entering each step (checkpoints), when asked for. */
  states: State[] | null;
}

/** Solves from x_T to x_0. With `keep`, the state entering every step is kept. */
export async function solve(ctx: SolveContext, xT: Tensor, opts: { keep?: boolean; hooks?: Hooks } = {}): Promise<SolveOutcome> {
  const steps = ctx.grid.interval.length;
  const states: State[] = [];
  let state: State = { x: tf.clone(xT), history: [] };
  for (let s = 0; s < steps; s++) {
    report(opts.hooks, 'forward', s, steps);
    const next = tf.tidy(() => {
      const out = runStep(ctx, s, state);
      return { x: out.x, history: out.history };
    });
    if (opts.keep) states.push(state);
    else disposeState(state);
    state = next;
    assertFinite(state.x, s + 1, 'forward');
    await yieldToEventLoop();
  }
  report(opts.hooks, 'forward', steps, steps);
  state.history.forEach((t) => t.dispose());
  return { x0: state.x, states: opts.keep ? states : null };
}
