import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../src/core/backends/select.js';
import { buildLoss, COSINE_EPSILON } from '../../../src/core/losses/index.js';
import { assertCoded, assertGradClose, assertNoLeak, assertRelClose, evaluate, N, randomValues, wire, X_SHAPE } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

const B = X_SHAPE[0];
const D = N / B;

/** 1 - mean_b cos(x_b, t_b) and its gradient, in float64, with the documented epsilon. */
function reference(x: Float32Array, t: Float32Array): { value: number; grad: Float64Array } {
  const grad = new Float64Array(x.length);
  let total = 0;
  for (let b = 0; b < B; b++) {
    let dot = 0;
    let xx = 0;
    let tt = 0;
    for (let j = b * D; j < (b + 1) * D; j++) {
      dot += x[j] * t[j];
      xx += x[j] * x[j];
      tt += t[j] * t[j];
    }
    const xn = Math.sqrt(xx + COSINE_EPSILON);
    const tn = Math.sqrt(tt + COSINE_EPSILON);
    total += dot / (xn * tn);
    for (let j = b * D; j < (b + 1) * D; j++) {
      grad[j] = -(t[j] / (xn * tn) - (dot * x[j]) / (xn * xn * xn * tn)) / B;
    }
  }
  return { value: 1 - total / B, grad };
}

test('cosine value and gradient match float64 references, both encodings', () => {
  for (const [seed, encoding] of [[21, 'b64'], [22, 'array']] as const) {
    const x = randomValues(N, seed);
    // Correlated with x, so the value is not near 1 where relative error says little.
    const noise = randomValues(N, seed + 100, 0.3);
    const target = x.map((v, i) => 2 * v + noise[i]);
    assertNoLeak(() => {
      const loss = buildLoss({ type: 'cosine', target: wire(target, encoding) }, 'loss', X_SHAPE);
      const got = evaluate(loss, x);
      loss.dispose();
      const ref = reference(x, target);
      assert.ok(ref.value > 0.005 && ref.value < 0.1, `value ${ref.value} in the intended range`);
      // 1 - cos with cos ≈ 0.98: one float32 rounding of cos (6e-8) is already ~4e-6 of
      // the difference, so 1e-6 is out of reach here; unrelated data below holds 1e-6.
      assertRelClose(got.value, ref.value, 1e-5);
      assertGradClose(got.grad, ref.grad);
    });
  }
});

test('cosine of unrelated data matches float64 to 1e-6', () => {
  const x = randomValues(N, 31);
  const target = randomValues(N, 32);
  const loss = buildLoss({ type: 'cosine', target: wire(target) }, 'loss', X_SHAPE);
  const got = evaluate(loss, x);
  loss.dispose();
  const ref = reference(x, target);
  assertRelClose(got.value, ref.value);
  assertGradClose(got.grad, ref.grad);
});

test('cosine ignores scale: parallel is 0, antiparallel is 2', () => {
  const target = randomValues(N, 41);
  const loss = buildLoss({ type: 'cosine', target: wire(target) }, 'loss', X_SHAPE);
  assert.ok(Math.abs(evaluate(loss, target.map((v) => 3 * v)).value) < 1e-6);
  assert.ok(Math.abs(evaluate(loss, target.map((v) => -0.5 * v)).value - 2) < 1e-6);
  loss.dispose();
});

test('a zero batch element counts as cos = 0 with a finite gradient', () => {
  const x = randomValues(N, 51);
  x.fill(0, 0, D);
  const target = randomValues(N, 52);
  const loss = buildLoss({ type: 'cosine', target: wire(target) }, 'loss', X_SHAPE);
  const got = evaluate(loss, x);
  loss.dispose();
  const ref = reference(x, target);
  assert.ok(got.grad.every(Number.isFinite));
  assertRelClose(got.value, ref.value);
  assertGradClose(got.grad, ref.grad);
  // An all-zero target is just as safe.
  const zero = buildLoss({ type: 'cosine', target: wire(new Float32Array(N)) }, 'loss', X_SHAPE);
  const flat = evaluate(zero, x);
  zero.dispose();
  assert.equal(flat.value, 1);
  assert.ok(flat.grad.every((g) => g === 0));
});

test('cosine refuses a target of another shape, naming the field', () => {
  assertNoLeak(() => {
    assertCoded(() => buildLoss({ type: 'cosine', target: wire(new Float32Array(N), 'b64', [B, D]) }, 'loss', X_SHAPE), {
      code: 'SHAPE_MISMATCH',
      field: 'loss.target.shape',
      message: `loss.target.shape: expected [${X_SHAPE.join(',')}] but got [${B},${D}]`,
    });
  });
  assertCoded(() => buildLoss({ type: 'cosine', target: { shape: [], data: [1] } }, 'loss', []), {
    code: 'INVALID_JOB',
    field: 'loss',
    message: /needs an x with a batch axis/,
  });
});
