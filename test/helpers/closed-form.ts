/**
 * The exact solution of the probability-flow ODE for eps = a x + z_k C + b (a scalar),
 * in float64. With S = asinh(e^{-lambda}) (dS/dt = g^2/(2 sigma)), one piece from s to t is
 *   x_t = P x_s + I (z_k C + b),  P = (alpha_t/alpha_s) e^{a (S_t - S_s)},
 *   I = alpha_t e^{a S_t} [e^{(1-a) S}/(2(1-a)) - e^{-(1+a) S}/(2(1+a))]_{S_s}^{S_t}.
 * With L = sum(w * x_0) the gradients follow by the chain rule through these affine maps.
 */
import type { Schedule } from '../../src/core/schedules/schedule.js';

export interface ClosedForm {
  x0: Float64Array;
  gradXT: Float64Array;
  /** [n][B*c] */
  gradZ: Float64Array[];
  gradC: Float64Array;
  gradB: Float64Array;
}

export function pieceCoefficients(schedule: Schedule, a: number, s: number, t: number): { P: number; I: number } {
  const S = (u: number) => Math.asinh(Math.exp(-schedule.lambda(u)));
  const [Ss, St] = [S(s), S(t)];
  const prim = (x: number) => Math.exp((1 - a) * x) / (2 * (1 - a)) - Math.exp(-(1 + a) * x) / (2 * (1 + a));
  return {
    P: (schedule.alpha(t) / schedule.alpha(s)) * Math.exp(a * (St - Ss)),
    I: schedule.alpha(t) * Math.exp(a * St) * (prim(St) - prim(Ss)),
  };
}

/** x: [B, d] flat, z[k]: [B, c] flat, C: [c, d] flat, w: [B, d] flat, times: n + 1 decreasing. */
export function linearClosedForm(
  schedule: Schedule,
  a: number,
  times: number[],
  dims: { B: number; c: number; d: number },
  xT: ArrayLike<number>,
  z: ArrayLike<number>[],
  C: ArrayLike<number>,
  b: ArrayLike<number>,
  w: ArrayLike<number>,
): ClosedForm {
  const { B, c, d } = dims;
  const n = times.length - 1;
  const coeffs = Array.from({ length: n }, (_, k) => pieceCoefficients(schedule, a, times[k], times[k + 1]));
  const x = Float64Array.from(xT);
  coeffs.forEach(({ P, I }, k) => {
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < d; j++) {
        let e = b[j];
        for (let l = 0; l < c; l++) e += z[k][i * c + l] * C[l * d + j];
        x[i * d + j] = P * x[i * d + j] + I * e;
      }
    }
  });
  // after[k] = product of P_j for the pieces after k.
  const after = new Array<number>(n).fill(1);
  for (let k = n - 2; k >= 0; k--) after[k] = after[k + 1] * coeffs[k + 1].P;
  const total = after[0] * coeffs[0].P;
  const gradXT = Float64Array.from(w, (v) => v * total);
  const gradZ: Float64Array[] = [];
  const gradC = new Float64Array(c * d);
  const gradB = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    const m = after[k] * coeffs[k].I;
    const gz = new Float64Array(B * c);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < d; j++) {
        const g = m * w[i * d + j];
        gradB[j] += g;
        for (let l = 0; l < c; l++) {
          gz[i * c + l] += g * C[l * d + j];
          gradC[l * d + j] += g * z[k][i * c + l];
        }
      }
    }
    gradZ.push(gz);
  }
  return { x0: x, gradXT, gradZ, gradC, gradB };
}
