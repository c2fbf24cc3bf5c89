import { before, test } from 'node:test';
import { selectBackend } from '../../../src/core/backends/select.js';
import { buildLoss, MAX_SUM_TERMS } from '../../../src/core/losses/index.js';
import { assertCoded, assertGradClose, assertNoLeak, assertRelClose, evaluate, N, randomValues, wire, X_SHAPE } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

const x = randomValues(N, 61);
const target = randomValues(N, 62);
const weights = randomValues(N, 63, 1, 1);
const TERMS = [
  { weight: 0.5, loss: { type: 'mse', target: wire(target) } },
  { weight: -2, loss: { type: 'linear', weights: wire(weights, 'array') } },
  { weight: 3, loss: { type: 'cosine', target: wire(target) } },
];

test('a sum equals the weighted sum of its separately built terms', () => {
  assertNoLeak(() => {
    const parts = TERMS.map((t) => {
      const loss = buildLoss(t.loss, 'loss', X_SHAPE);
      const got = evaluate(loss, x);
      loss.dispose();
      return got;
    });
    const sum = buildLoss({ type: 'sum', terms: TERMS }, 'loss', X_SHAPE);
    const got = evaluate(sum, x);
    sum.dispose();

    let value = 0;
    const grad = new Float64Array(N);
    TERMS.forEach((t, k) => {
      value += t.weight * parts[k].value;
      for (let i = 0; i < N; i++) grad[i] += t.weight * parts[k].grad[i];
    });
    assertRelClose(got.value, value);
    assertGradClose(got.grad, grad);
  });
});

test('a one-term sum scales its term', () => {
  const single = buildLoss(TERMS[0].loss, 'loss', X_SHAPE);
  const scaled = buildLoss({ type: 'sum', terms: [{ weight: 4, loss: TERMS[0].loss }] }, 'loss', X_SHAPE);
  const a = evaluate(single, x);
  const b = evaluate(scaled, x);
  single.dispose();
  scaled.dispose();
  assertRelClose(b.value, 4 * a.value);
  assertGradClose(b.grad, a.grad.map((g) => 4 * g));
});

test('a sum cannot contain a sum', () => {
  const nested = { type: 'sum', terms: [TERMS[0], { weight: 1, loss: { type: 'sum', terms: [TERMS[0]] } }] };
  assertNoLeak(() => {
    assertCoded(() => buildLoss(nested, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms[1].loss.type',
      message: 'loss.terms[1].loss.type: a sum term cannot itself be a sum (flatten the weights instead): one of mse, linear, cosine',
    });
  });
});

test('term count, weights and term shapes are checked, leaking nothing', () => {
  const term = TERMS[1];
  assertNoLeak(() => {
    assertCoded(() => buildLoss({ type: 'sum', terms: [] }, 'loss', X_SHAPE), { code: 'INVALID_JOB', field: 'loss.terms' });
    assertCoded(() => buildLoss({ type: 'sum', terms: Array(MAX_SUM_TERMS + 1).fill(term) }, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms',
      message: 'loss.terms: expected an array of 1 to 16 terms',
    });
    assertCoded(() => buildLoss({ type: 'sum', terms: [term, { weight: Number.NaN, loss: term.loss }] }, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms[1].weight',
    });
    assertCoded(() => buildLoss({ type: 'sum', terms: [term, { weight: '1', loss: term.loss }] }, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms[1].weight',
    });
    assertCoded(() => buildLoss({ type: 'sum', terms: [{ ...term, scale: 2 }] }, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms[0].scale',
    });
    // The first two terms build (and hold tensors) before the third fails.
    const badShape = { weight: 1, loss: { type: 'mse', target: wire(target, 'b64', [N]) } };
    assertCoded(() => buildLoss({ type: 'sum', terms: [TERMS[0], TERMS[2], badShape] }, 'loss', X_SHAPE), {
      code: 'SHAPE_MISMATCH',
      field: 'loss.terms[2].loss.target.shape',
    });
    assertCoded(() => buildLoss({ type: 'sum', terms: [TERMS[0], { weight: 1, loss: { type: 'huber' } }] }, 'loss', X_SHAPE), {
      code: 'INVALID_JOB',
      field: 'loss.terms[1].loss.type',
      message: 'loss.terms[1].loss.type: unknown loss "huber": one of mse, linear, cosine',
    });
  });
});

test('16 terms are allowed', () => {
  assertNoLeak(() => {
    const loss = buildLoss({ type: 'sum', terms: Array(MAX_SUM_TERMS).fill(TERMS[1]) }, 'loss', X_SHAPE);
    const single = buildLoss(TERMS[1].loss, 'loss', X_SHAPE);
    assertRelClose(evaluate(loss, x).value, -2 * MAX_SUM_TERMS * evaluate(single, x).value);
    loss.dispose();
    single.dispose();
  });
});
