import { rungeKutta, type Tableau } from './runge-kutta.js';

/** x_k = x_{k-1} + (t_k - t_{k-1}) F(x_{k-1}, t_{k-1}). */
export const EULER_TABLEAU: Tableau = { a: [[]], b: [1], c: [0] };

export const euler = rungeKutta('euler', 1, EULER_TABLEAU);
