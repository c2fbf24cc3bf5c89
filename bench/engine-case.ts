/**
 * One benchmark case in a fresh process (so peak RSS and wasm memory belong to it alone):
 *   tsx bench/engine-case.ts BACKEND STEPS CASE BATCH
 * Prints one JSON line: forward and gradient seconds, NFE, peak tf bytes (sampled at every
 * step) and the process's peak RSS.
 */
import { tf } from '../src/core/tf.js';
import { selectBackend, type BackendName } from '../src/core/backends/select.js';
import { ModelRegistry } from '../src/core/models/registry.js';
import { EpsModel } from '../src/core/models/eps.js';
import { makeSchedule } from '../src/core/schedules/index.js';
import { makeGrid } from '../src/core/solvers/grid.js';
import { SOLVERS } from '../src/core/solvers/index.js';
import { solve } from '../src/core/solvers/driver.js';
import { GRADIENT_METHODS, type GradientOptions, type GradientProblem, type Wrt } from '../src/core/gradients/index.js';
import { vjp } from '../src/core/gradients/vjp.js';

export const CASES: Record<string, { method: string; theta: boolean; budget?: number; label: string }> = {
  discrete: { method: 'discrete', theta: false, label: 'discrete (within budget)' },
  discrete_ckpt: { method: 'discrete', theta: false, budget: 0, label: 'discrete, checkpoints' },
  discrete_ckpt_theta: { method: 'discrete', theta: true, budget: 0, label: 'discrete, checkpoints, +theta' },
  adjoint: { method: 'adjoint', theta: false, label: 'adjoint (euler, 1 substep)' },
  adjoint_theta: { method: 'adjoint', theta: true, label: 'adjoint, +theta' },
  adjoint_backsolve: { method: 'adjoint_backsolve', theta: false, label: 'adjoint_backsolve' },
  adjoint_deis: { method: 'adjoint_deis', theta: false, label: 'adjoint_deis (order 2)' },
};

const [backendArg, stepsArg, caseName, batchArg] = process.argv.slice(2);
const spec = CASES[caseName];
if (!spec) throw new Error(`unknown case ${caseName}`);
const n = Number(stepsArg);
const batch = Number(batchArg ?? 4);
const backend = await selectBackend(backendArg as BackendName);
const registry = new ModelRegistry('models');
const loaded = await registry.get('unet-32');
const schedule = makeSchedule(loaded.manifest.schedule);
const model = new EpsModel(loaded, schedule);
const xT = tf.randomNormal([batch, ...loaded.manifest.data_shape], 0, 1, 'float32', 1);
const zs = Array.from({ length: n }, (_, k) => tf.randomNormal([batch, ...loaded.manifest.cond_shape], 0, 1, 'float32', 100 + k));
const target = tf.zerosLike(xT);
const problem: GradientProblem = {
  model,
  solver: SOLVERS.ddim,
  grid: makeGrid(schedule, { kind: 'uniform_t', steps: n, substeps: 1, tStart: schedule.tMax, tEnd: Math.max(1e-3, schedule.tMin) }),
  conds: zs.map((z) => ({ z })),
  xT,
  loss: { value: (x0) => tf.tidy(() => tf.mean(tf.square(tf.sub(x0, target)))) },
};

let peakBytes = 0;
const sample = () => (peakBytes = Math.max(peakBytes, tf.memory().numBytes));
const hooks = { onProgress: sample };

// Warm-up: the first calls allocate and compile; time only what follows.
const warm = vjp(() => [model.eps(xT, problem.conds[0], 0.5)], [xT, zs[0], ...(spec.theta ? model.thetaVariables : [])], [xT]);
tf.dispose([...warm.outputs, ...warm.grads]);

// The forward solve twice, the faster counts: a busy machine slows one run, never speeds it up.
let forwardSeconds = Infinity;
let t0 = 0;
for (let rep = 0; rep < 2; rep++) {
  t0 = performance.now();
  const forward = await solve(problem, xT, { hooks });
  forwardSeconds = Math.min(forwardSeconds, (performance.now() - t0) / 1000);
  forward.x0.dispose();
}
const forwardPeak = peakBytes;

peakBytes = 0;
const wrt: Wrt[] = spec.theta ? ['x_T', 'z', 'theta'] : ['x_T', 'z'];
const options: GradientOptions = {
  wrt: new Set(wrt),
  adjointSubsteps: 1,
  adjointSolver: 'euler',
  deisOrder: 2,
  memoryBudgetBytes: (spec.budget ?? 2048) * 2 ** 20,
  hooks,
};
model.evaluations = 0;
t0 = performance.now();
const r = await GRADIENT_METHODS[spec.method](problem, options);
const gradSeconds = (performance.now() - t0) / 1000;
sample();
const { theta, ...rest } = r.grads;
tf.dispose([r.x0, ...Object.values(rest), ...Object.values(theta ?? {})] as tf.Tensor[]);

console.log(
  JSON.stringify({
    backend,
    steps: n,
    batch,
    case: caseName,
    label: spec.label,
    mode: r.mode ?? null,
    forward_seconds: forwardSeconds,
    gradient_seconds: gradSeconds,
    ratio: gradSeconds / forwardSeconds,
    nfe_forward: r.nfeForward,
    nfe_backward: r.nfeBackward,
    nfe_per_second: (r.nfeForward + r.nfeBackward) / gradSeconds,
    peak_tf_mb: peakBytes / 2 ** 20,
    forward_peak_tf_mb: forwardPeak / 2 ** 20,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    parameters: loaded.parameterCount,
  }),
);
registry.dispose();
