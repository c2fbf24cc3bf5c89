import { rungeKutta, type Tableau } from './runge-kutta.js';

/** Heun's method (explicit trapezoid): Euler predictor, trapezoidal corrector. */
export const HEUN_TABLEAU: Tableau = { a: [[], [1]], b: [0.5, 0.5], c: [0, 1] };

export const heun = rungeKutta('heun', 2, HEUN_TABLEAU);
