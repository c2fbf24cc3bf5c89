import type { LogAlphaCurve } from './schedule.js';

/**
 * The cosine schedule of Nichol & Dhariwal (2021), continuous in t:
 * alpha_t = cos(pi/2 (t + s)/(1 + s)) / cos(pi/2 s/(1 + s)).
 * alpha reaches 0 at t = 1, so the schedule stops at t = 0.9946, as DPM-Solver does,
 * where log-SNR is still finite.
 */
export function vpCosine(s = 0.008): LogAlphaCurve {
  const k = Math.PI / (2 * (1 + s));
  const logCos0 = Math.log(Math.cos(k * s));
  return {
    type: 'vp_cosine',
    tMin: 0,
    tMax: 0.9946,
    logAlpha: (t) => Math.log(Math.cos(k * (t + s))) - logCos0,
    dLogAlpha: (t) => -k * Math.tan(k * (t + s)),
    timeFromLogAlpha: (la) => Math.acos(Math.exp(la + logCos0)) / k - s,
  };
}
