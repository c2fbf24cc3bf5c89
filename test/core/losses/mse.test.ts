import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { buildLoss } from '../../../src/core/losses/index.js';
import { assertCoded, assertGradClose, assertNoLeak, assertRelClose, evaluate, N, randomValues, wire, X_SHAPE } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

function reference(x: Float32Array, target: Float32Array): { value: number; grad: Float64Array } {
  let sum = 0;
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - target[i];
    sum += d * d;
    grad[i] = (2 * d) / x.length;
  }
  return { value: sum / x.length, grad };
}

test('mse value and gradient match float64 references, both encodings', () => {
  for (const [seed, encoding] of [[1, 'b64'], [2, 'array']] as const) {
    const x = randomValues(N, seed);
    const target = randomValues(N, seed + 100, 0.5, 0.2);
    assertNoLeak(() => {
      const loss = buildLoss({ type: 'mse', target: wire(target, encoding) }, 'loss', X_SHAPE);
      const got = evaluate(loss, x);
      loss.dispose();
      const ref = reference(x, target);
      assertRelClose(got.value, ref.value);
      assertGradClose(got.grad, ref.grad);
    });
  }
});

test('mse is zero at the target', () => {
  const target = randomValues(N, 5);
  const loss = buildLoss({ type: 'mse', target: wire(target) }, 'loss', X_SHAPE);
  const got = evaluate(loss, target);
  loss.dispose();
  assert.equal(got.value, 0);
  assert.ok(got.grad.every((g) => g === 0));
});

test('mse refuses a target of another shape, naming the field', () => {
  assertNoLeak(() => {
    assertCoded(() => buildLoss({ type: 'mse', target: wire(new Float32Array(N), 'b64', [3, 40]) }, 'loss', X_SHAPE), {
      code: 'SHAPE_MISMATCH',
      field: 'loss.target.shape',
      message: 'loss.target.shape: expected [3,2,5,4] but got [3,40]',
    });
  });
});

test('mse reports target errors and stray properties under its own path', () => {
  assertCoded(() => buildLoss({ type: 'mse' }, 'job.loss', X_SHAPE), { code: 'INVALID_TENSOR', field: 'job.loss.target' });
  const bad = { shape: X_SHAPE, data: Array.from({ length: N }, (_, i) => (i === 7 ? Number.NaN : 0)) };
  assertCoded(() => buildLoss({ type: 'mse', target: bad }, 'loss', X_SHAPE), {
    code: 'INVALID_TENSOR',
    field: 'loss.target.data',
    message: 'loss.target.data: non-finite value NaN at flat index 7',
  });
  assertCoded(() => buildLoss({ type: 'mse', target: wire(new Float32Array(N)), weights: 1 }, 'loss', X_SHAPE), {
    code: 'INVALID_JOB',
    field: 'loss.weights',
  });
});

test('mse refuses an x of another shape than it was built for', () => {
  const loss = buildLoss({ type: 'mse', target: wire(new Float32Array(N)) }, 'loss', X_SHAPE);
  const x = tf.zeros([3, 40]);
  assert.throws(() => loss.value(x), /built for x of shape \[3,2,5,4\] but got \[3,40\]/);
  x.dispose();
  loss.dispose();
});
