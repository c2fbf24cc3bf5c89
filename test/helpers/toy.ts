/**
 * Small in-memory networks and problems for testing the engine without model files:
 * a nonlinear MLP eps(x, z, t) and the closed-form linear eps = a x + z C + b.
 */
import { tf, type Tensor } from '../../src/core/tf.js';
import { EpsModel, type Network, type Prediction, type StepConditioning } from '../../src/core/models/eps.js';
import { Schedule } from '../../src/core/schedules/schedule.js';
import { vpLinear } from '../../src/core/schedules/vp-linear.js';
import { makeGrid, type GridKind } from '../../src/core/solvers/grid.js';
import { SOLVERS } from '../../src/core/solvers/index.js';
import type { GradientOptions, GradientProblem, Wrt } from '../../src/core/gradients/types.js';

/** Deterministic pseudo-random numbers (mulberry32 + Box-Muller). */
export function gaussian(seed: number, count: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = scale * Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return out;
}

export function randn(seed: number, shape: number[], scale = 1): Tensor {
  return tf.tensor(gaussian(seed, shape.reduce((a, b) => a * b, 1), scale), shape);
}

/**
 * eps = sigma_t x + tanh(x W1 + z W2 + t w3 + b1) W4: the exact denoiser of N(0, I) data
 * plus a learned-looking correction, nonlinear in x, z, t and the weights. The first term
 * keeps the flow well conditioned (x stays O(1)), as a trained model's does.
 */
export function mlpNetwork(d = 3, c = 2, hidden = 8, prediction: Prediction = 'epsilon', seed = 1): Network {
  const v = (name: string, shape: number[], scale: number, k: number) => ({ name, variable: tf.variable(randn(seed * 100 + k, shape, scale), true, `${name}_${seed}_${Math.random()}`) });
  const weights = [v('w1', [d, hidden], 0.6, 1), v('w2', [c, hidden], 0.6, 2), v('w3', [1, hidden], 0.8, 3), v('b1', [hidden], 0.2, 4), v('w4', [hidden, d], 0.5, 5)];
  const [w1, w2, w3, b1, w4] = weights.map((w) => w.variable);
  return {
    manifest: { prediction, time_scale: 1, data_shape: [d], cond_shape: [c] },
    weights,
    call: (x, z, t) =>
      tf.tidy(() => {
        // sigma_t of vp_linear(0.1, 20), in tensor ops so that it follows t.
        const logAlpha = tf.sub(tf.mul(tf.square(t), -19.9 / 4), tf.mul(t, 0.05));
        const sigma = tf.sqrt(tf.sub(1, tf.exp(tf.mul(logAlpha, 2))));
        const correction = tf.matMul(tf.tanh(tf.add(tf.addN([tf.matMul(x, w1), tf.matMul(z, w2), tf.matMul(t, w3)]), b1)), w4);
        return tf.add(tf.mul(sigma, x), correction);
      }),
  };
}

/** eps = a x + z C + b, with a scalar (a closed-form ODE). */
export function linearNetwork(a: number, C: Tensor, b: Tensor): Network {
  const cVar = tf.variable(C, true, `C_${Math.random()}`);
  const bVar = tf.variable(b, true, `b_${Math.random()}`);
  return {
    manifest: { prediction: 'epsilon', time_scale: 1, data_shape: [C.shape[1]!], cond_shape: [C.shape[0]!] },
    weights: [
      { name: 'C', variable: cVar },
      { name: 'b', variable: bVar },
    ],
    call: (x, z) => tf.tidy(() => tf.add(tf.add(tf.mul(x, a), tf.matMul(z, cVar)), bVar)),
  };
}

export interface ToyOptions {
  network?: Network;
  solver?: string;
  steps?: number;
  substeps?: number;
  batch?: number;
  grid?: GridKind;
  guidance?: boolean;
  sharedZ?: boolean;
  tStart?: number;
  tEnd?: number;
  seed?: number;
}

/** A problem: x_T, a z-schedule (optionally guidance) and loss = sum(weights * x0^2)/2 + sum(x0). */
export function toyProblem(o: ToyOptions = {}): GradientProblem & { dispose(): void } {
  const network = o.network ?? mlpNetwork();
  const [d, c] = [network.manifest.data_shape, network.manifest.cond_shape];
  const batch = o.batch ?? 1;
  const steps = o.steps ?? 4;
  const seed = o.seed ?? 7;
  const schedule = new Schedule(vpLinear());
  const model = new EpsModel(network, schedule);
  const grid = makeGrid(schedule, { kind: o.grid ?? 'uniform_t', steps, substeps: o.substeps ?? 1, tStart: o.tStart ?? 1, tEnd: o.tEnd ?? 1e-3 });
  const xT = randn(seed, [batch, ...d]);
  const shared = randn(seed + 1, [batch, ...c]);
  const conds: StepConditioning[] = Array.from({ length: steps }, (_, k) => {
    const z = o.sharedZ ? shared : randn(seed + 10 + k, [batch, ...c]);
    if (!o.guidance) return { z };
    return { z, scale: tf.scalar(1.5 + 0.25 * k), uncond: randn(seed + 50 + k, [batch, ...c], 0.5) };
  });
  const target = randn(seed + 99, [batch, ...d]);
  return {
    model,
    solver: SOLVERS[o.solver ?? 'ddim'],
    grid,
    conds,
    xT,
    loss: { value: (x0) => tf.tidy(() => tf.add(tf.mul(tf.sum(tf.mul(tf.square(tf.sub(x0, target)), 0.5)), 1), tf.sum(x0))) },
    dispose() {
      const ts = new Set<Tensor>([xT, shared, target, ...conds.flatMap((cd) => [cd.z, cd.scale, cd.uncond].filter((t): t is Tensor => !!t))]);
      ts.forEach((t) => t.dispose());
    },
  };
}

export function options(o: Omit<Partial<GradientOptions>, 'wrt'> & { wrt?: Wrt[] } = {}): GradientOptions {
  return {
    adjointSubsteps: 1,
    adjointSolver: 'rk4',
    deisOrder: 2,
    memoryBudgetBytes: 0,
    ...o,
    wrt: new Set(o.wrt ?? ['x_T', 'z', 'theta', 'guidance_scale', 'uncond']),
  };
}

/** Relative L2 distance of two tensors (or flat arrays). */
export function relL2(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>): number {
  const av = a instanceof tf.Tensor ? a.dataSync() : a;
  const bv = b instanceof tf.Tensor ? b.dataSync() : b;
  let num = 0;
  let den = 0;
  for (let i = 0; i < av.length; i++) {
    num += (av[i] - bv[i]) ** 2;
    den += bv[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}
