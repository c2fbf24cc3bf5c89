import type { LogAlphaCurve } from './schedule.js';

export type BetaTable = 'linear' | 'scaled_linear';

/** DDPM beta tables: "linear" (Ho et al. 2020), "scaled_linear" (latent diffusion). */
export function betaTable(kind: BetaTable, start: number, end: number, n: number): Float64Array {
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = n === 1 ? 0 : i / (n - 1);
    betas[i] = kind === 'linear' ? start + u * (end - start) : (Math.sqrt(start) + u * (Math.sqrt(end) - Math.sqrt(start))) ** 2;
  }
  return betas;
}

/**
 * A discrete DDPM table made continuous as DPM-Solver does: step i (0-based) sits at
 * t_i = (i + 1) / N with log alpha_i = 1/2 sum_{j <= i} log(1 - beta_j), and log alpha is
 * linear in t between them. Defined on [1/N, 1]; f is piecewise constant.
 */
export function discrete(kind: BetaTable, betaStart: number, betaEnd: number, numTrainTimesteps: number): LogAlphaCurve {
  const n = numTrainTimesteps;
  const betas = betaTable(kind, betaStart, betaEnd, n);
  const logAlphas = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += 0.5 * Math.log1p(-betas[i]);
    logAlphas[i] = acc;
  }
  const times = Float64Array.from({ length: n }, (_, i) => (i + 1) / n);
  // Index of the segment [times[i], times[i + 1]] that holds t, clamped to the table.
  const segment = (t: number) => Math.min(n - 2, Math.max(0, Math.floor(t * n - 1)));
  const slope = (i: number) => (logAlphas[i + 1] - logAlphas[i]) / (times[i + 1] - times[i]);
  return {
    type: 'discrete',
    tMin: 1 / n,
    tMax: 1,
    logAlpha: (t) => {
      const i = segment(t);
      return logAlphas[i] + slope(i) * (t - times[i]);
    },
    dLogAlpha: (t) => slope(segment(t)),
    timeFromLogAlpha: (la) => {
      // logAlphas decreases: find the last i with logAlphas[i] >= la.
      let lo = 0;
      let hi = n - 2;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (logAlphas[mid] >= la) lo = mid;
        else hi = mid - 1;
      }
      return times[lo] + (la - logAlphas[lo]) / slope(lo);
    },
  };
}
