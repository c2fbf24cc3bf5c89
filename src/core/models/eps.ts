/**
 * One noise predictor eps(x, cond, t) out of a network, whatever it predicts and
 * whether or not guidance is on:
 * - prediction: epsilon as is; v: eps = alpha v + sigma x; x0: eps = (x - alpha x0) / sigma
 *   (all affine in the output, so guidance may combine raw outputs first);
 * - classifier-free guidance: eps = eps(x, u, t) + w (eps(x, z, t) - eps(x, u, t)), with the
 *   conditional and unconditional halves batched into one network call of 2B.
 */
import { tf, type Tensor } from '../tf.js';
import type { Schedule } from '../schedules/schedule.js';

export type Prediction = 'epsilon' | 'v' | 'x0';

/** What eps needs of a network: the loaded model satisfies it, and so can a test's closed form. */
export interface Network {
  readonly manifest: { prediction: Prediction; time_scale?: number; data_shape: number[]; cond_shape: number[] };
  readonly weights: ReadonlyArray<{ name: string; variable: tf.Variable }>;
  call(x: Tensor, z: Tensor, tScaled: Tensor): Tensor;
}

/** The conditioning of one solver step: z_k and, with guidance, w_k (a scalar) and u_k. */
export interface StepConditioning {
  z: Tensor;
  scale?: Tensor;
  uncond?: Tensor;
}

export class EpsModel {
  /**
   * Evaluations of eps so far (a guided evaluation is one batched network call): what the
   * gradient methods count with. Measurements and diagnostics put it back when they are done.
   */
  evaluations = 0;
  /** Evaluations diagnostics do not put back (only the one-off tape measurement does): the job's whole work, for its stats. */
  allEvaluations = 0;

  constructor(
    readonly network: Network,
    readonly schedule: Schedule,
  ) {}

  get thetaNames(): string[] {
    return this.network.weights.map((w) => w.name);
  }
  get thetaVariables(): tf.Variable[] {
    return this.network.weights.map((w) => w.variable);
  }

  eps(x: Tensor, cond: StepConditioning, t: number): Tensor {
    this.evaluations++;
    this.allEvaluations++;
    return tf.tidy(() => {
      const timeScale = this.network.manifest.time_scale ?? 1;
      const batch = x.shape[0];
      let out: Tensor;
      if (cond.scale && cond.uncond) {
        const both = this.network.call(
          tf.concat([x, x], 0),
          tf.concat([cond.uncond, cond.z], 0),
          tf.fill([2 * batch, 1], t * timeScale),
        );
        const [outU, outZ] = tf.split(both, 2, 0);
        out = tf.add(outU, tf.mul(cond.scale, tf.sub(outZ, outU)));
      } else {
        out = this.network.call(x, cond.z, tf.fill([batch, 1], t * timeScale));
      }
      return this.toEpsilon(out, x, t);
    });
  }

  private toEpsilon(out: Tensor, x: Tensor, t: number): Tensor {
    const prediction = this.network.manifest.prediction;
    if (prediction === 'epsilon') return out;
    const alpha = this.schedule.alpha(t);
    const sigma = this.schedule.sigma(t);
    if (prediction === 'v') return tf.add(tf.mul(out, alpha), tf.mul(x, sigma));
    return tf.div(tf.sub(x, tf.mul(out, alpha)), sigma);
  }
}
