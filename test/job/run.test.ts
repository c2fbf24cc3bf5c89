/** A whole job in-process on the shipped models: shapes, exactness, repeatability, memory. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tf } from '../../src/core/tf.js';
import { selectBackend } from '../../src/core/backends/select.js';
import { ModelRegistry } from '../../src/core/models/registry.js';
import { loadConfig } from '../../src/config.js';
import { runJob as runOutput, type RunContext, type RunOptions } from '../../src/job/run.js';
import { toJsonResult } from '../../src/job/result.js';
import { decodeTensor } from '../../src/core/tensors/codec.js';
import { CodedError } from '../../src/errors.js';
import { linearClosedForm } from '../helpers/closed-form.js';
import { Schedule } from '../../src/core/schedules/schedule.js';
import { vpLinear } from '../../src/core/schedules/vp-linear.js';

const config = loadConfig({});
const runJob = async (job: unknown, c: RunContext, o: RunOptions = {}) => toJsonResult(await runOutput(job, c, o), 'b64');
let ctx: RunContext;

before(async () => {
  ctx = { registry: new ModelRegistry('models'), config, backend: await selectBackend('cpu') };
});
after(() => ctx.registry.dispose());

const example = () => JSON.parse(readFileSync('examples/unet-tiny-job.json', 'utf8'));
const values = (w: unknown) => decodeTensor(w, 'result').values;

for (const method of ['discrete', 'adjoint', 'adjoint_backsolve', 'adjoint_deis']) {
  test(`${method} on unet-tiny with guidance: every gradient has its shape; a run twice leaks nothing and repeats exactly`, async () => {
    const job = example();
    job.solver = { method: 'dpmpp_2m', steps: 4 };
    job.z = { shape: [4, 1, 6], data: job.z.data.slice(0, 24) };
    job.guidance = { scale: { shape: [4], data: [1, 2, 3, 4] }, uncond: { shape: [4, 1, 6], data: new Array(24).fill(0.1) } };
    job.gradient = { method, wrt: ['x_T', 'z', 'theta', 'guidance_scale', 'uncond'], diagnostics: { fd_probe: true, compare_discrete: method !== 'discrete' } };
    const first = await runJob(job, ctx);
    const tensors = tf.memory().numTensors;
    const second = await runJob(job, ctx);
    await runJob(job, ctx);
    assert.equal(tf.memory().numTensors, tensors, 'live tensors after a second run');
    assert.deepEqual(first.grad.z!.shape, [4, 1, 6]);
    assert.deepEqual(first.grad.uncond!.shape, [4, 1, 6]);
    assert.deepEqual(first.grad.guidance_scale!.shape, [4]);
    assert.deepEqual(first.grad.x_T!.shape, [1, 8, 8, 2]);
    const described = await ctx.registry.describe('unet-tiny');
    assert.deepEqual(Object.keys(first.grad.theta!).sort(), described.weights.map((w) => w.name).sort());
    for (const w of described.weights) assert.deepEqual(first.grad.theta![w.name].shape, w.shape);
    assert.deepEqual(values(second.grad.z), values(first.grad.z));
    assert.equal(second.loss, first.loss);
    assert.equal(first.stats.nfe_forward, 4);
    if (method === 'discrete') assert.ok(first.diagnostics.fd_probe!.relative_error < 1e-2, JSON.stringify(first.diagnostics.fd_probe));
    else assert.ok(first.diagnostics.vs_discrete!.z >= 0);
    if (method === 'adjoint_backsolve') assert.ok(first.diagnostics.reconstruction_error! >= 0);
  });
}

test('discrete says which mode it used, and both modes agree', async () => {
  const job = example();
  const unrolled = await runJob(job, ctx);
  job.gradient.memory_budget_mb = 0;
  const checkpointed = await runJob(job, ctx);
  assert.equal(unrolled.stats.gradient_mode, 'unrolled');
  assert.equal(checkpointed.stats.gradient_mode, 'checkpointed');
  const [a, b] = [values(unrolled.grad.z), values(checkpointed.grad.z)];
  const err = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.reduce((s, v) => s + v * v, 0));
  assert.ok(err <= 1e-5, `relative L2 ${err}`);
});

test('the shipped linear model: ddim gradients equal the closed form (a = 0.3 enters through x, so compare the exact flow with a fine rk4 discrete gradient)', async () => {
  const manifest = JSON.parse(readFileSync('models/linear/manifest.json', 'utf8'));
  assert.match(manifest.description, /0\.3 x/);
  const described = await ctx.registry.describe('linear');
  const model = await ctx.registry.get('linear');
  const weight = (name: string) => model.weights.find((w) => w.name === name)!.variable.dataSync();
  const C = weight('z_proj/kernel');
  const b = weight('z_proj/bias');
  assert.ok(described.weights.some((w) => w.name === 'z_proj/kernel'));
  const xT = [0.3, -1.2, 0.8, 0.1];
  const z = [[0.5, 0.1, -0.3], [-0.2, 0.9, 0.4], [1.1, -0.6, 0.2]];
  const w = [1, -2, 0.5, 3];
  const job = {
    model: 'linear',
    x_T: { shape: [1, 4], data: xT },
    z: { shape: [3, 1, 3], data: z.flat() },
    loss: { type: 'linear', weights: { shape: [1, 4], data: w } },
    solver: { method: 'rk4', steps: 3, substeps: 40, t_start: 0.8, t_end: 0.05 },
    gradient: { method: 'discrete', wrt: ['x_T', 'z'] },
  };
  const r = await runJob(job, ctx);
  const s = new Schedule(vpLinear(0.1, 20));
  const times = [0.8, 0.8 - 0.25, 0.8 - 0.5, 0.05];
  const exact = linearClosedForm(s, 0.3, times, { B: 1, c: 3, d: 4 }, xT, z, C, b, w);
  const rel = (a: ArrayLike<number>, e: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((acc, v, i) => acc + (v - e[i]) ** 2, 0) / Array.from(e).reduce((acc, v) => acc + v * v, 0));
  assert.ok(rel(values(r.x0), exact.x0) < 1e-5, `x0 ${rel(values(r.x0), exact.x0)}`);
  assert.ok(rel(values(r.grad.x_T), exact.gradXT) < 1e-5);
  assert.ok(rel(values(r.grad.z), exact.gradZ.flatMap((g) => Array.from(g))) < 1e-5);
});

test('an unknown model is a 404 naming the field and the known models', async () => {
  const job = example();
  job.model = '../etc';
  await assert.rejects(runJob(job, ctx), (err: unknown) => err instanceof CodedError && err.code === 'UNKNOWN_MODEL' && err.field === 'model' && /one of linear, unet-32, unet-tiny/.test(err.message));
});

test('a loss whose target has the wrong shape is refused, and nothing leaks', async () => {
  const job = example();
  job.loss.target = { shape: [1, 8, 8, 3], data: new Array(192).fill(0) };
  const before = tf.memory().numTensors;
  await assert.rejects(runJob(job, ctx), (err: unknown) => err instanceof CodedError && err.field === 'loss.target.shape');
  assert.equal(tf.memory().numTensors, before);
});

test('a canceled job stops between steps with CANCELED and leaks nothing', async () => {
  const job = example();
  job.gradient.memory_budget_mb = 0;
  const controller = new AbortController();
  const before = tf.memory().numTensors;
  await assert.rejects(
    runJob(job, ctx, { hooks: { signal: controller.signal, onProgress: (p) => p.phase === 'backward' && p.step === 3 && controller.abort() } }),
    (err: unknown) => err instanceof CodedError && err.code === 'CANCELED',
  );
  assert.equal(tf.memory().numTensors, before);
});

test('a loss that overflows while the solve stays finite fails with NUMERICAL_BLOWUP in every gradient method (found by fuzzing: adjoint methods "succeeded" with loss Infinity)', async () => {
  for (const method of ['discrete', 'adjoint', 'adjoint_backsolve', 'adjoint_deis']) {
    const job = {
      model: 'linear',
      x_T: { shape: [1, 4], data: [0.5, -0.25, 1, 2] },
      z: { shape: [2, 1, 3], data: [-0.5, -0.25, 0, 0.25, 0.5, -0.5] },
      guidance: { scale: 3.4e38, uncond: { shape: [2, 1, 3], data: new Array(6).fill(0.5) } },
      loss: { type: 'mse', target: { shape: [1, 4], data: [0, 1, 0, 1] } },
      solver: { method: 'ddim', steps: 2 },
      schedule: { type: 'discrete', num_train_timesteps: 2 },
      gradient: { method },
    };
    await assert.rejects(runJob(job, ctx), (err: unknown) => {
      assert.ok(err instanceof CodedError, String(err));
      assert.equal(err.code, 'NUMERICAL_BLOWUP', `${method}: ${err.message}`);
      return true;
    });
  }
});

test('a gradient that overflows while the loss stays finite fails with NUMERICAL_BLOWUP in the backward phase, not a result that cannot be read back', async () => {
  for (const method of ['discrete', 'adjoint_deis']) {
    const job = {
      model: 'linear',
      x_T: { shape: [1, 4], data: [1e-30, 0, 0, 0] },
      z: { shape: [2, 1, 3], data: new Array(6).fill(0) },
      loss: { type: 'linear', weights: { shape: [1, 4], data: [1e37, 0, 0, 0] } },
      solver: { method: 'ddim', steps: 2 },
      gradient: { method },
    };
    await assert.rejects(runJob(job, ctx), (err: unknown) => {
      assert.ok(err instanceof CodedError, String(err));
      assert.equal(err.code, 'NUMERICAL_BLOWUP', `${method}: ${err.message}`);
      assert.equal(err.details?.phase, 'backward', err.message);
      return true;
    });
  }
});
