import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { readFileSync } from 'node:fs';
import { buildLoss, LOSS_TYPES, LOSSES, LossSpecSchema, TERM_LOSSES } from '../../../src/core/losses/index.js';
import { assertCoded, assertNoLeak, evaluate, N, randomValues, wire, X_SHAPE } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

const target = wire(randomValues(N, 71));

test('the registry lists exactly the four losses, as the tf-free names do', () => {
  assert.deepEqual(Object.keys(LOSSES), ['mse', 'linear', 'cosine', 'sum']);
  assert.deepEqual([...LOSS_TYPES], Object.keys(LOSSES));
  assert.deepEqual(Object.keys(TERM_LOSSES), ['mse', 'linear', 'cosine']);
  for (const [name, impl] of Object.entries(LOSSES)) {
    assert.ok((LossSpecSchema.anyOf as unknown[]).includes(impl.schema), `${name}'s schema is in the union`);
  }
});

test('the schema modules import nothing but TypeBox and each other (no TensorFlow.js)', () => {
  for (const path of ['../../../src/core/losses/schema.ts', '../../../src/core/tensors/schema.ts']) {
    const source = readFileSync(new URL(path, import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.ok(imports.length > 0);
    for (const spec of imports) assert.ok(['@sinclair/typebox', '../tensors/schema.js'].includes(spec), `${path} imports ${spec}`);
  }
});

test('an unknown type lists the valid choices', () => {
  assertCoded(() => buildLoss({ type: 'x' }, 'loss', X_SHAPE), {
    code: 'INVALID_JOB',
    field: 'loss.type',
    message: 'loss.type: unknown loss "x": one of mse, linear, cosine, sum',
  });
  assertCoded(() => buildLoss({ type: 'toString' }, 'loss', X_SHAPE), { code: 'INVALID_JOB', field: 'loss.type' });
  assertCoded(() => buildLoss({ type: 3 }, 'loss', X_SHAPE), {
    code: 'INVALID_JOB',
    field: 'loss.type',
    message: 'loss.type: unknown loss 3: one of mse, linear, cosine, sum',
  });
  assertCoded(() => buildLoss({ target }, 'loss', X_SHAPE), {
    code: 'INVALID_JOB',
    field: 'loss.type',
    message: 'loss.type: missing: one of mse, linear, cosine, sum',
  });
  assertCoded(() => buildLoss('mse', 'loss', X_SHAPE), { code: 'INVALID_JOB', field: 'loss' });
});

test('every loss builds, evaluates and disposes without leaking', () => {
  const specs = [
    { type: 'mse', target },
    { type: 'linear', weights: target },
    { type: 'cosine', target },
    { type: 'sum', terms: [{ weight: 1, loss: { type: 'mse', target } }, { weight: 2, loss: { type: 'cosine', target } }] },
  ];
  const x = randomValues(N, 72);
  for (const spec of specs) {
    assertNoLeak(() => {
      const loss = buildLoss(spec, 'loss', X_SHAPE);
      // Outside any tidy, value() leaves just its result alive: no intermediates.
      const xt = tf.tensor(x, X_SHAPE);
      const live = tf.memory().numTensors;
      const result = loss.value(xt);
      assert.equal(tf.memory().numTensors, live + 1, `${spec.type} keeps only its result`);
      tf.dispose([result, xt]);
      const { value, grad } = evaluate(loss, x);
      loss.dispose();
      assert.ok(Number.isFinite(value) && grad.every(Number.isFinite), spec.type);
    });
  }
});

test('the schema accepts the specs buildLoss accepts and refuses the rest', () => {
  const mse = { type: 'mse', target };
  const good = [
    mse,
    { type: 'linear', weights: { shape: [2], data: [1, 2] } },
    { type: 'cosine', target },
    { type: 'sum', terms: [{ weight: -1.5, loss: mse }] },
  ];
  for (const spec of good) assert.ok(Value.Check(LossSpecSchema, spec), JSON.stringify(spec).slice(0, 80));
  const bad = [
    { type: 'x' },
    { type: 'mse', target, extra: 1 },
    { type: 'mse', weights: target },
    { type: 'sum', terms: [] },
    { type: 'sum', terms: [{ weight: 1, loss: { type: 'sum', terms: [{ weight: 1, loss: mse }] } }] },
    { type: 'sum', terms: Array(17).fill({ weight: 1, loss: mse }) },
    { type: 'sum', terms: [{ weight: 1, loss: mse, note: '' }] },
  ];
  for (const spec of bad) assert.ok(!Value.Check(LossSpecSchema, spec), JSON.stringify(spec).slice(0, 80));
});

test('the schema is plain, non-recursive JSON Schema with described fields', () => {
  const json = JSON.parse(JSON.stringify(LossSpecSchema));
  assert.ok(!JSON.stringify(json).includes('$ref'));
  assert.equal(json.anyOf.length, 4);
  const walk = (node: Record<string, unknown>): void => {
    if (node.type === 'object') {
      assert.equal(node.additionalProperties, false);
      for (const prop of Object.values(node.properties as Record<string, Record<string, unknown>>)) {
        assert.ok(prop.description, `described: ${JSON.stringify(prop).slice(0, 60)}`);
      }
    }
    for (const child of Object.values(node)) {
      if (child && typeof child === 'object') walk(child as Record<string, unknown>);
    }
  };
  walk(json);
});
