/** The registry of solvers: adding one is a file and a line here. */
import type { Solver } from './solver.js';
import { euler } from './euler.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { ddim } from './ddim.js';
import { dpmpp2m } from './dpmpp-2m.js';

export const SOLVERS: Readonly<Record<string, Solver>> = {
  euler,
  heun,
  rk4,
  ddim,
  dpmpp_2m: dpmpp2m,
};

export const SOLVER_NAMES = Object.keys(SOLVERS);
export type { Solver } from './solver.js';
