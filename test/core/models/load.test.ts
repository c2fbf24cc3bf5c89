import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { loadModel } from '../../../src/core/models/load.js';
import { LINEAR_A, LINEAR_B, LINEAR_C } from '../../../scripts/make-models.js';
import { MODELS_DIR, PARAMETER_COUNTS, SHIPPED, editJson, inputsFor, rejectsCoded, scratchModels } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

describe('loadModel on the shipped models', () => {
  for (const id of SHIPPED) {
    it(`${id}: signature, weights and output`, async () => {
      const before = tf.memory().numTensors;
      const m = await loadModel(join(MODELS_DIR, id));
      try {
        assert.equal(m.manifest.id, id);
        assert.deepEqual([...m.model.inputNames].sort(), ['t', 'x', 'z']);
        const modelJson = JSON.parse(await readFile(join(MODELS_DIR, id, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
        assert.deepEqual(m.weights.map((w) => w.name), specs.map((s) => s.name));
        assert.deepEqual(m.weights.map((w) => w.shape), specs.map((s) => s.shape));
        for (const w of m.weights) assert.deepEqual(w.variable.shape, w.shape);
        assert.equal(m.parameterCount, PARAMETER_COUNTS[id]);
        assert.equal(m.weights.reduce((n, w) => n + w.variable.size, 0), PARAMETER_COUNTS[id]);
        const out = tf.tidy(() => {
          const { x, z, t } = inputsFor(m, 3, 7);
          const y = m.call(x, z, t);
          assert.deepEqual(y.shape, [3, ...m.manifest.data_shape]);
          return tf.moments(y);
        });
        const [mean, variance] = [out.mean.dataSync()[0], out.variance.dataSync()[0]];
        tf.dispose([out.mean, out.variance]);
        assert.ok(Number.isFinite(mean) && Math.abs(mean) < 1, `mean ${mean}`);
        assert.ok(variance > 0.1 && variance < 4, `eps should be O(1), variance ${variance}`);
      } finally {
        m.dispose();
      }
      assert.equal(tf.memory().numTensors, before, 'tensors leaked after dispose');
    });

    // The cpu backend's Conv2DBackpropFilter is a naive loop (~25 s per unet-32 sample):
    // unet-32's gradients are checked on wasm (wasm.test.ts), the same layers here on the small models.
    if (id !== 'unet-32') it(`${id}: call is differentiable w.r.t. x, z and every weight`, async () => {
      const m = await loadModel(join(MODELS_DIR, id));
      try {
        const before = tf.memory().numTensors;
        const batch = 2;
        tf.tidy(() => {
          const { x, z, t } = inputsFor(m, batch, 11);
          const dy = tf.randomNormal([batch, ...m.manifest.data_shape], 0, 1, 'float32', 5);
          const sources = [x, z, ...m.weights.map((w) => w.variable)];
          const { grads } = tf.engine().gradients(() => m.call(x, z, t), sources, dy);
          const names = ['x', 'z', ...m.weights.map((w) => w.name)];
          grads.forEach((g, i) => {
            assert.deepEqual(g.shape, sources[i].shape, names[i]);
            const values = g.dataSync();
            assert.ok(values.every(Number.isFinite), `gradient of ${names[i]} is not finite`);
            assert.ok(values.some((v) => v !== 0), `gradient of ${names[i]} is zero`);
          });
        });
        assert.equal(tf.memory().numTensors, before, 'the gradient computation leaked tensors');
      } finally {
        m.dispose();
      }
    });
  }

  it('linear computes 0.3 x + C z + b exactly', async () => {
    const m = await loadModel(join(MODELS_DIR, 'linear'));
    try {
      const x = [[1, -2, 0.5, 3], [0, 0.25, -1, 2]];
      const z = [[0.5, -1, 2], [3, 0, -0.75]];
      const t = [[0.3], [0.9]];
      const got = tf.tidy(() => m.call(tf.tensor2d(x), tf.tensor2d(z), tf.tensor2d(t)).arraySync() as number[][]);
      x.forEach((xb, b) => {
        for (let j = 0; j < 4; j++) {
          const want = LINEAR_A * xb[j] + z[b].reduce((s, zi, i) => s + zi * LINEAR_C[i][j], 0) + LINEAR_B[j];
          assert.ok(Math.abs(got[b][j] - want) < 1e-6, `eps[${b}][${j}] = ${got[b][j]}, expected ${want}`);
        }
      });
      const byName = Object.fromEntries(m.weights.map((w) => [w.name, w.variable.arraySync()]));
      assert.deepEqual(byName['z_proj/kernel'], LINEAR_C);
      assert.deepEqual(byName['z_proj/bias'], LINEAR_B);
      assert.deepEqual(byName['t_zero/kernel'], [[0, 0, 0, 0]]);
    } finally {
      m.dispose();
    }
  });

  it('keeps the weightsManifest names when the same model is loaded twice', async () => {
    const a = await loadModel(join(MODELS_DIR, 'unet-tiny'));
    const b = await loadModel(join(MODELS_DIR, 'unet-tiny'));
    try {
      assert.deepEqual(b.weights.map((w) => w.name), a.weights.map((w) => w.name));
      // tfjs made the second copy's variable names unique; the reported names must not follow.
      assert.notEqual(b.weights[0].variable.name, a.weights[0].variable.name);
      assert.notEqual(b.weights[0].variable, a.weights[0].variable);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('rejects inputs of the wrong shape', async () => {
    const m = await loadModel(join(MODELS_DIR, 'linear'));
    try {
      const [x, z, t] = [tf.zeros([2, 4]), tf.zeros([2, 3]), tf.zeros([2, 1])];
      await rejectsCoded(() => m.call(x, tf.zeros([2, 2]), t), 'SHAPE_MISMATCH', 'z');
      await rejectsCoded(() => m.call(x, z, tf.zeros([3, 1])), 'SHAPE_MISMATCH', 't');
      await rejectsCoded(() => m.call(tf.zeros([2, 4, 1]), z, t), 'SHAPE_MISMATCH', 'x');
    } finally {
      m.dispose();
    }
  });
});

describe('loadModel on broken folders', () => {
  const cases: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ['a manifest whose data_shape disagrees with the network', (d) => editJson(join(d, 'manifest.json'), (j) => void (j.data_shape = [5])), /input "x" has shape/],
    ['a manifest whose cond_shape disagrees with the network', (d) => editJson(join(d, 'manifest.json'), (j) => void (j.cond_shape = [2])), /input "z" has shape/],
    ['a missing model.json', (d) => rm(join(d, 'model.json')), /cannot read model\.json/],
    ['a missing shard', (d) => rm(join(d, 'group1-shard1of1.bin')), /cannot read weight shard/],
    ['a shard path leaving the folder', (d) => editJson(join(d, 'model.json'), (j) => void (j.weightsManifest[0].paths = ['../linear/group1-shard1of1.bin'])), /leaves the model folder/],
    ['a weight the network lacks', (d) => editJson(join(d, 'model.json'), (j) => void (j.weightsManifest[0].weights[0].name = 'nope/kernel')), /could not build|no variable/],
  ];
  for (const [what, breakIt, message] of cases) {
    it(`rejects ${what}`, async () => {
      const scratch = await scratchModels(['linear']);
      try {
        await breakIt(join(scratch.dir, 'linear'));
        const before = tf.memory().numTensors;
        await rejectsCoded(() => loadModel(join(scratch.dir, 'linear')), 'MODEL_LOAD_FAILED', undefined, message);
        assert.equal(tf.memory().numTensors, before, 'a failed load leaked tensors');
      } finally {
        await scratch.remove();
      }
    });
  }
});
