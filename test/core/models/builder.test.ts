import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { seededUniform, unetNetwork } from '../../../src/core/models/architectures.js';
import { ChannelNorm } from '../../../src/core/models/layers.js';
import { RECIPES, buildFiles, writeModel } from '../../../scripts/make-models.js';
import { MODELS_DIR, PARAMETER_COUNTS, SHIPPED, scratchModels } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

describe('make-models', () => {
  it('has a recipe for every shipped model and nothing else', () => {
    assert.deepEqual(Object.keys(RECIPES).sort(), [...SHIPPED]);
  });

  it('seeds each weight from the model id and weight name alone', () => {
    assert.deepEqual(seededUniform('m', 'a/kernel', 5), seededUniform('m', 'a/kernel', 5));
    assert.notDeepEqual(seededUniform('m', 'a/kernel', 5), seededUniform('m', 'b/kernel', 5));
    assert.notDeepEqual(seededUniform('m', 'a/kernel', 5), seededUniform('n', 'a/kernel', 5));
    assert.ok(seededUniform('m', 'a/kernel', 1000).every((v) => v >= -1 && v < 1));
  });

  for (const id of SHIPPED) {
    it(`${id}: rebuilding gives byte-identical files, equal to the committed ones`, async () => {
      const before = tf.memory().numTensors;
      const first = await buildFiles(id);
      const second = await buildFiles(id);
      assert.equal(tf.memory().numTensors, before, 'building leaked tensors');
      assert.deepEqual([...first.keys()].sort(), [...second.keys()].sort());
      for (const [name, bytes] of first) assert.ok(Buffer.from(bytes).equals(Buffer.from(second.get(name)!)), `${name} differs between builds`);

      const onDisk = (await readdir(join(MODELS_DIR, id))).sort();
      assert.deepEqual(onDisk, [...first.keys()].sort(), 'run `npm run make-models` to refresh models/');
      for (const name of onDisk) {
        const committed = await readFile(join(MODELS_DIR, id, name));
        assert.ok(committed.equals(Buffer.from(first.get(name)!)), `models/${id}/${name} is stale: run \`npm run make-models\``);
      }
      const shardBytes = [...first].filter(([n]) => n.endsWith('.bin')).reduce((n, [, b]) => n + b.byteLength, 0);
      assert.equal(shardBytes, 4 * PARAMETER_COUNTS[id], 'float32 weights, nothing else');
    });
  }

  it('replaces stale files when writing a model folder', async () => {
    const scratch = await scratchModels(['linear']);
    try {
      await writeFile(join(scratch.dir, 'linear', 'group1-shard1of2.bin'), 'stale');
      await writeModel(scratch.dir, 'linear');
      assert.deepEqual((await readdir(join(scratch.dir, 'linear'))).sort(), ['group1-shard1of1.bin', 'manifest.json', 'model.json']);
    } finally {
      await scratch.remove();
    }
  });

  it('unet-32 has the documented shape: channels grow as resolution falls, 0.5M to 1.1M parameters', () => {
    const model = unetNetwork({ name: 'probe', dataShape: [32, 32, 4], condShape: [64], channels: [32, 64, 128], embedding: 128, timeScale: 1000, decoderBlocks: true });
    try {
      const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.outputShape as number[]);
      const width = (res: number) => Math.max(...convs.filter((s) => s[1] === res).map((s) => s[3]));
      assert.deepEqual([width(32), width(16), width(8)], [32, 64, 128]);
      assert.ok(model.countParams() >= 500_000 && model.countParams() <= 1_100_000, String(model.countParams()));
    } finally {
      model.dispose();
    }
  });
});

describe('ChannelNorm', () => {
  it("computes tf.layers.layerNormalization({ axis: -1 })'s values and gradients", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 3, 5], 1, 2, 'float32', 9);
      const dy = tf.randomNormal([2, 3, 3, 5], 0, 1, 'float32', 10);
      const ours = new ChannelNorm({ epsilon: 1e-3 });
      const stock = tf.layers.layerNormalization({ axis: -1, epsilon: 1e-3 });
      ours.apply(x);
      stock.apply(x);
      const params = tf.randomNormal([2, 5], 1, 0.3, 'float32', 11).unstack();
      ours.setWeights(params);
      stock.setWeights(params);
      const run = (layer: tf.layers.Layer) => {
        const vars = layer.weights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.engine().gradients(() => layer.apply(x) as tf.Tensor, [x, ...vars], dy);
        return [value, ...grads].map((t) => Array.from(t.dataSync()));
      };
      const [a, b] = [run(ours), run(stock)];
      a.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-4, `output ${i}[${j}]: ${v} vs ${b[i][j]}`)));
      assert.deepEqual(ours.weights.map((w) => w.shape), [[5], [5]]);
      ours.dispose();
      stock.dispose();
    });
  });
});
