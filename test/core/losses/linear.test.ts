import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/core/backends/select.js';
import { buildLoss } from '../../../src/core/losses/index.js';
import { assertCoded, assertGradClose, assertNoLeak, assertRelClose, evaluate, N, randomValues, wire, X_SHAPE } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

test('linear value matches float64 and its gradient is exactly the weights', () => {
  for (const [seed, encoding] of [[11, 'b64'], [12, 'array']] as const) {
    const x = randomValues(N, seed, 1, 0.5);
    const weights = randomValues(N, seed + 100, 2, 1);
    assertNoLeak(() => {
      const loss = buildLoss({ type: 'linear', weights: wire(weights, encoding) }, 'loss', X_SHAPE);
      const got = evaluate(loss, x);
      loss.dispose();
      let ref = 0;
      for (let i = 0; i < N; i++) ref += weights[i] * x[i];
      assertRelClose(got.value, ref);
      assertGradClose(got.grad, weights);
      assert.deepEqual(got.grad, weights, 'd(sum w*x)/dx = w, bit for bit');
    });
  }
});

test('linear with one-hot weights picks one element of x', () => {
  const x = randomValues(N, 13);
  const weights = new Float32Array(N);
  weights[17] = 1;
  const loss = buildLoss({ type: 'linear', weights: wire(weights, 'array') }, 'loss', X_SHAPE);
  assert.equal(evaluate(loss, x).value, x[17]);
  loss.dispose();
});

test('linear refuses weights of another shape, naming the field', () => {
  assertNoLeak(() => {
    assertCoded(() => buildLoss({ type: 'linear', weights: wire(new Float32Array(N), 'array', [1, ...X_SHAPE]) }, 'loss', X_SHAPE), {
      code: 'SHAPE_MISMATCH',
      field: 'loss.weights.shape',
      message: 'loss.weights.shape: expected [3,2,5,4] but got [1,3,2,5,4]',
    });
  });
  assertCoded(() => buildLoss({ type: 'linear', target: wire(new Float32Array(N)) }, 'loss', X_SHAPE), {
    code: 'INVALID_JOB',
    field: 'loss.target',
  });
});
