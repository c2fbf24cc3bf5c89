/**
 * A variance-preserving noise schedule, defined by log(alpha_t) and derived from it.
 * All coefficients are float64 scalars: time is the same for the whole batch, so
 * they are computed exactly in JavaScript and only then multiplied into float32 tensors.
 *
 * alpha^2 + sigma^2 = 1, lambda = log(alpha / sigma) (half log-SNR, decreasing in t),
 * f = d log(alpha)/dt (VP drift), g^2 = d(sigma^2)/dt - 2 f sigma^2 = -2 f.
 */
export interface LogAlphaCurve {
  readonly type: string;
  /** Smallest and largest times at which the schedule is defined (alpha in (0, 1)). */
  readonly tMin: number;
  readonly tMax: number;
  logAlpha(t: number): number;
  /** d log(alpha)/dt. */
  dLogAlpha(t: number): number;
  /** The inverse of logAlpha on [tMin, tMax]. */
  timeFromLogAlpha(logAlpha: number): number;
}

/** log(1 + exp(y)) without overflow. */
export function softplus(y: number): number {
  return y > 0 ? y + Math.log1p(Math.exp(-y)) : Math.log1p(Math.exp(y));
}

export class Schedule {
  constructor(readonly curve: LogAlphaCurve) {}

  get type(): string {
    return this.curve.type;
  }
  get tMin(): number {
    return this.curve.tMin;
  }
  get tMax(): number {
    return this.curve.tMax;
  }
  logAlpha(t: number): number {
    return this.curve.logAlpha(t);
  }
  alpha(t: number): number {
    return Math.exp(this.curve.logAlpha(t));
  }
  /** sigma = sqrt(1 - alpha^2), through expm1 so that it stays accurate as alpha -> 1. */
  sigma(t: number): number {
    return Math.sqrt(-Math.expm1(2 * this.curve.logAlpha(t)));
  }
  lambda(t: number): number {
    const la = this.curve.logAlpha(t);
    return la - 0.5 * Math.log(-Math.expm1(2 * la));
  }
  /** t such that lambda(t) = l: log(alpha) = -softplus(-2 l) / 2. */
  inverseLambda(l: number): number {
    return this.curve.timeFromLogAlpha(-0.5 * softplus(-2 * l));
  }
  f(t: number): number {
    return this.curve.dLogAlpha(t);
  }
  g2(t: number): number {
    return -2 * this.curve.dLogAlpha(t);
  }
  /** d lambda / dt = f / sigma^2. */
  dLambda(t: number): number {
    return this.curve.dLogAlpha(t) / -Math.expm1(2 * this.curve.logAlpha(t));
  }
  /**
   * The probability-flow drift as F(x, t) = a(t) x + b(t) eps with a = f and
   * b = g^2 / (2 sigma) = -f / sigma (= -sigma dlambda/dt).
   */
  driftCoefficients(t: number): { a: number; b: number } {
    const f = this.curve.dLogAlpha(t);
    return { a: f, b: -f / this.sigma(t) };
  }
}
