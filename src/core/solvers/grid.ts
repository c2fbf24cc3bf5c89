/**
 * The time grid of a solve. The z-schedule has n pieces; piece k (0-based here, z_{k+1}
 * in the maths note) covers [times[k], times[k+1]] of the coarse grid. Each piece is split
 * into `substeps` solver steps, all of which use the same z_k: `interval[s]` says which
 * piece solver step s belongs to. Conditioning is looked up by this index, never by time.
 */
import type { Schedule } from '../schedules/schedule.js';

export const GRID_KINDS = ['uniform_t', 'uniform_lambda', 'explicit'] as const;
export type GridKind = (typeof GRID_KINDS)[number];

export interface GridSpec {
  kind: GridKind;
  /** Number of z pieces (n). */
  steps: number;
  /** Solver steps inside each piece. */
  substeps: number;
  tStart: number;
  tEnd: number;
  /** For `explicit`: n + 1 strictly decreasing times from tStart to tEnd. */
  times?: number[];
}

export interface Grid {
  /** Solver time points, strictly decreasing, length steps * substeps + 1. */
  readonly times: number[];
  /** z piece of each solver step, length steps * substeps. */
  readonly interval: number[];
  /** Number of z pieces. */
  readonly pieces: number;
}

function linspace(a: number, b: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (i === count ? b : a + ((b - a) * i) / count));
}

/** Splits [a, b] into `parts` steps, uniformly in t or in lambda. */
export function subdivide(schedule: Schedule, a: number, b: number, parts: number, inLambda: boolean): number[] {
  if (!inLambda) return linspace(a, b, parts);
  const pts = linspace(schedule.lambda(a), schedule.lambda(b), parts).map((l) => schedule.inverseLambda(l));
  pts[0] = a; // exact ends, whatever the round trip through lambda does
  pts[parts] = b;
  return pts;
}

export function makeGrid(schedule: Schedule, spec: GridSpec): Grid {
  const inLambda = spec.kind === 'uniform_lambda';
  const coarse = spec.kind === 'explicit' ? spec.times! : subdivide(schedule, spec.tStart, spec.tEnd, spec.steps, inLambda);
  const times: number[] = [coarse[0]];
  const interval: number[] = [];
  for (let k = 0; k < spec.steps; k++) {
    const pts = subdivide(schedule, coarse[k], coarse[k + 1], spec.substeps, inLambda);
    for (let j = 1; j <= spec.substeps; j++) {
      times.push(pts[j]);
      interval.push(k);
    }
  }
  return { times, interval, pieces: spec.steps };
}
