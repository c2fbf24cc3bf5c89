import { rungeKutta, type Tableau } from './runge-kutta.js';

/** The classic fourth-order Runge-Kutta method. */
export const RK4_TABLEAU: Tableau = {
  a: [[], [0.5], [0, 0.5], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  c: [0, 0.5, 0.5, 1],
};

export const rk4 = rungeKutta('rk4', 4, RK4_TABLEAU);
