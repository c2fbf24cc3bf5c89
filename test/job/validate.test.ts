/** Bad jobs are refused at the door with the field and the reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateJob } from '../../src/job/validate.js';
import { CodedError } from '../../src/errors.js';
import { SOLVERS } from '../../src/core/solvers/index.js';
import { GRADIENT_METHODS } from '../../src/core/gradients/index.js';
import { SOLVER_CHOICES, GRADIENT_METHOD_CHOICES } from '../../src/job/schema.js';
import type { ModelManifest } from '../../src/core/models/manifest.js';

const manifest = {
  id: 'toy',
  data_shape: [2, 2],
  cond_shape: [3],
  prediction: 'epsilon',
  schedule: { type: 'vp_linear', beta_min: 0.1, beta_max: 20 },
  time_scale: 1,
} as ModelManifest;
const limits = { limits: { maxSteps: 100, maxSubsteps: 8, maxBatch: 4, maxTensorElements: 10_000 } };

const zeros = (shape: number[]) => ({ shape, data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) });
const b64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

function job(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'toy',
    x_T: zeros([1, 2, 2]),
    z: zeros([3, 1, 3]),
    loss: { type: 'mse', target: zeros([1, 2, 2]) },
    solver: { method: 'ddim', steps: 3 },
    ...patch,
  };
}

function rejects(body: unknown, field: string, reason: RegExp): void {
  assert.throws(
    () => validateJob(body, manifest, limits),
    (err: unknown) => {
      assert.ok(err instanceof CodedError, `not a CodedError: ${err}`);
      assert.equal(err.field, field, `field of "${err.message}"`);
      assert.match(err.message, reason);
      assert.ok(err.status >= 400 && err.status < 500);
      return true;
    },
  );
}

test('a good job passes, with defaults filled in', () => {
  const v = validateJob(job(), manifest, limits);
  assert.equal(v.method, 'discrete');
  assert.deepEqual(v.wrt, ['x_T', 'z']);
  assert.equal(v.grid.tStart, 1);
  assert.equal(v.grid.tEnd, 1e-3);
  assert.equal(v.adjointSolver, 'euler');
  assert.equal(v.job.solver.substeps, 1);
});

test('the schema lists exactly the registered solvers and gradient methods', () => {
  assert.deepEqual([...SOLVER_CHOICES].sort(), Object.keys(SOLVERS).sort());
  assert.deepEqual([...GRADIENT_METHOD_CHOICES].sort(), Object.keys(GRADIENT_METHODS).sort());
});

test('unknown keys are rejected, at any depth', () => {
  rejects(job({ extra: 1 }), 'extra', /unexpected property/);
  rejects(job({ solver: { method: 'ddim', steps: 3, bogus: true } }), 'solver.bogus', /unexpected property/);
  rejects(job({ z: { ...zeros([3, 1, 3]), dtype2: 'x' } }), 'z.dtype2', /unexpected property/);
  rejects(job({ gradient: { method: 'adjoint', diagnostics: { fd: true } } }), 'gradient.diagnostics.fd', /unexpected property/);
});

test('unknown names list the valid choices', () => {
  rejects(job({ solver: { method: 'plms', steps: 3 } }), 'solver.method', /unknown solver "plms": one of euler, heun, rk4, ddim, dpmpp_2m/);
  rejects(job({ gradient: { method: 'magic' } }), 'gradient.method', /unknown gradient method "magic": one of discrete, adjoint/);
  rejects(job({ loss: { type: 'l1', target: zeros([1, 2, 2]) } }), 'loss.type', /unknown "l1": one of mse, linear, cosine, sum/);
  rejects(job({ gradient: { wrt: ['x_T', 'weights'] } }), 'gradient.wrt[1]', /"weights" is not one of x_T, z, theta/);
  rejects(job({ solver: { method: 'ddim', steps: 3, grid: 'log' } }), 'solver.grid', /not one of uniform_t, uniform_lambda, explicit/);
});

test('shapes are checked against the manifest', () => {
  rejects(job({ x_T: zeros([1, 2, 3]) }), 'x_T.shape', /expected \[1,2,2\] but got \[1,2,3\]/);
  rejects(job({ z: zeros([2, 1, 3]) }), 'z.shape', /expected \[3,1,3\]/);
  rejects(job({ z: zeros([3, 2, 3]) }), 'z.shape', /expected \[3,1,3\]/);
  rejects(job({ x_T: zeros([5, 2, 2]) }), 'x_T.shape[0]', /batch 5 is more than the limit of 4/);
  const guided = { scale: zeros([2]), uncond: zeros([3, 1, 3]) };
  rejects(job({ guidance: guided }), 'guidance.scale.shape', /expected \[3\]/);
  rejects(job({ guidance: { scale: 2, uncond: zeros([3, 1, 2]) } }), 'guidance.uncond.shape', /expected \[3,1,3\]/);
});

test('NaN, Inf and malformed tensor data are refused', () => {
  rejects(job({ x_T: { shape: [1, 2, 2], dtype: 'float32', b64: b64([0, NaN, 0, 0]) } }), 'x_T.b64', /NaN at flat index 1/);
  rejects(job({ x_T: { shape: [1, 2, 2], dtype: 'float32', b64: b64([0, 0, Infinity, 0]) } }), 'x_T.b64', /Infinity at flat index 2/);
  rejects(job({ x_T: { shape: [1, 2, 2], data: [0, 0, 0] } }), 'x_T.data', /has 3 values but shape \[1,2,2\] needs 4/);
  rejects(job({ x_T: { shape: [1, 2, 2], data: [0, 0, 0, 1e39] } }), 'x_T.data', /outside the float32 range/);
  rejects(job({ x_T: { shape: [1, 2, 2], data: [0, null, 0, 0] } }), 'x_T.data[1]', /expected number/);
  rejects(job({ x_T: { shape: [1, 2, 2], dtype: 'float32', b64: '*' + b64([0, 0, 0, 0]).slice(1) } }), 'x_T.b64', /character/);
  rejects(job({ x_T: { shape: [1, 2, 2], dtype: 'float16', b64: b64([0, 0, 0, 0]) } }), 'x_T.dtype', /float32/);
  rejects(job({ x_T: { shape: [100, 100, 2], data: [] } }), 'x_T.shape', /20000 elements, more than the limit of 10000/);
});

test('steps, substeps and times are checked', () => {
  rejects(job({ solver: { method: 'ddim', steps: 0 } }), 'solver.steps', /greater or equal to 1/);
  rejects(job({ solver: { method: 'ddim', steps: 101 }, z: zeros([101, 1, 3]) }), 'solver.steps', /more than the limit of 100/);
  rejects(job({ solver: { method: 'ddim', steps: 3, substeps: 9 } }), 'solver.substeps', /limit of 8/);
  rejects(job({ solver: { method: 'ddim', steps: 3, substeps: 1.5 } }), 'solver.substeps', /integer/);
  rejects(job({ solver: { method: 'ddim', steps: 3, t_end: 2 } }), 'solver.t_end', /outside \[0, 1\]/);
  rejects(job({ solver: { method: 'ddim', steps: 3, t_start: 0.5, t_end: 0.6 } }), 'solver.t_end', /below t_start/);
  rejects(job({ solver: { method: 'ddim', steps: 3, grid: 'explicit' } }), 'solver.times', /required with grid "explicit"/);
  rejects(job({ solver: { method: 'ddim', steps: 3, grid: 'explicit', times: [1, 0.5, 0.1] } }), 'solver.times', /has 3 times but steps = 3 needs 4/);
  rejects(job({ solver: { method: 'ddim', steps: 3, grid: 'explicit', times: [1, 0.5, 0.6, 0.1] } }), 'solver.times[2]', /strictly decrease/);
  rejects(job({ solver: { method: 'ddim', steps: 3, times: [1, 0.5, 0.2, 0.1] } }), 'solver.times', /only allowed with grid "explicit"/);
  rejects(job({ gradient: { adjoint_substeps: 99 } }), 'gradient.adjoint_substeps', /limit of 8/);
});

test('schedules given in the job are checked', () => {
  rejects(job({ schedule: { type: 'vp_linear', beta_min: 5, beta_max: 1 } }), 'schedule.beta_max', /at least beta_min/);
  rejects(job({ schedule: { type: 'vp_cubic' } }), 'schedule.type', /unknown "vp_cubic": one of vp_linear, vp_cosine, discrete/);
  rejects(job({ schedule: { type: 'vp_cosine' }, solver: { method: 'ddim', steps: 3, t_start: 1 } }), 'solver.t_start', /outside \[0, 0.9946\]/);
});

test('guidance gradients need guidance', () => {
  rejects(job({ gradient: { wrt: ['z', 'uncond'] } }), 'gradient.wrt', /"uncond" needs guidance/);
  const v = validateJob(job({ guidance: { scale: 3, uncond: zeros([3, 1, 3]) } }), manifest, limits);
  assert.deepEqual(v.wrt, ['x_T', 'z', 'guidance_scale', 'uncond']);
  assert.deepEqual(Array.from(v.tensors.scale!.values), [3, 3, 3]);
});

test('the body must be an object', () => {
  rejects([1, 2], '(body)', /expected a JSON object/);
  rejects(null, '(body)', /expected a JSON object/);
});

test('nesting 10 000 deep is refused naming the field, not a stack overflow', () => {
  const deepArrays = (depth: number) => JSON.parse(`${'['.repeat(depth)}0${']'.repeat(depth)}`);
  const deepObjects = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`);
  rejects(job({ model: deepArrays(10_000) }), 'model', /expected string/);
  rejects(job({ extra: deepObjects(100_000) }), 'extra', /unexpected property/);
  rejects(job({ x_T: { shape: [1, 2, 2], data: [deepArrays(10_000), 0, 0, 0] } }), 'x_T.data[0]', /expected number/);
  rejects(job({ loss: { type: 'sum', terms: [{ weight: 1, loss: deepObjects(10_000) }] } }), 'loss.terms[0].loss.type', /missing/);
});

test('unknown keys that dots cannot name are named in brackets', () => {
  rejects(job({ x_T: { ...zeros([1, 2, 2]), '': 1 } }), 'x_T[""]', /unexpected property/);
  rejects(job({ solver: { method: 'ddim', steps: 3, 'a.b': 1 } }), 'solver["a.b"]', /unexpected property/);
});

test('a tensor for guidance.scale (a number or a tensor) is explained as a tensor', () => {
  const scale = { ...zeros([3]), extra: 1 };
  rejects(job({ guidance: { scale, uncond: zeros([3, 1, 3]) } }), 'guidance.scale.extra', /unexpected property/);
});
