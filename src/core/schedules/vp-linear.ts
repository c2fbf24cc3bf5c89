import type { LogAlphaCurve } from './schedule.js';

/**
 * VP with linear beta(t) = beta_min + t (beta_max - beta_min) on [0, 1]
 * (Song et al. 2021): log alpha_t = -(beta_max - beta_min) t^2 / 4 - beta_min t / 2.
 */
export function vpLinear(betaMin = 0.1, betaMax = 20): LogAlphaCurve {
  const d = betaMax - betaMin;
  return {
    type: 'vp_linear',
    tMin: 0,
    tMax: 1,
    logAlpha: (t) => -0.25 * d * t * t - 0.5 * betaMin * t,
    dLogAlpha: (t) => -0.5 * (betaMin + d * t),
    // The positive root of d t^2/4 + beta_min t/2 + logAlpha = 0, in the form
    // without cancellation (as in DPM-Solver's NoiseScheduleVP.inverse_lambda).
    timeFromLogAlpha: (la) => (-2 * la) / (0.5 * betaMin + Math.sqrt(0.25 * betaMin * betaMin - d * la)),
  };
}
