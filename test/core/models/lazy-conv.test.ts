/** The rewired conv layers compute what the stock fused layers compute, and skip filter gradients. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { loadModel } from '../../../src/core/models/load.js';

before(async () => {
  await selectBackend('wasm');
});

test('unet-tiny: lazy conv layers give the stock output and gradients, without computing filter gradients for dL/dx', async () => {
  const lazy = await loadModel('models/unet-tiny');
  const json = JSON.parse(readFileSync('models/unet-tiny/model.json', 'utf8'));
  const stock = await tf.models.modelFromJSON({ modelTopology: json.modelTopology });
  const shard = readFileSync('models/unet-tiny/group1-shard1of1.bin');
  const values = tf.io.decodeWeights(shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength), json.weightsManifest[0].weights);
  stock.loadWeights(values);
  tf.dispose(Object.values(values));

  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 1);
  const z = tf.randomNormal([2, 6], 0, 1, 'float32', 2);
  const t = tf.tensor2d([[100], [900]]);
  const inputs = stock.inputNames.map((n) => ({ x, z, t })[n as 'x' | 'z' | 't']);
  const dy = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 3);
  const a = tf.engine().gradients(() => lazy.call(x, z, t), [x, z], dy);
  const b = tf.engine().gradients(() => stock.apply(inputs, { training: false }) as tf.Tensor, [x, z], dy);
  for (const [u, v] of [[a.value, b.value], [a.grads[0], b.grads[0]], [a.grads[1], b.grads[1]]]) {
    const rel = tf.tidy(() => tf.div(tf.norm(tf.sub(u, v)), tf.norm(v)).dataSync()[0]);
    assert.ok(rel < 1e-6, `relative difference ${rel}`);
  }
  const profile = await tf.profile(() => {
    const r = tf.engine().gradients(() => lazy.call(x, z, t), [x, z], dy);
    tf.dispose([r.value, ...r.grads]);
  });
  assert.ok(!profile.kernelNames.includes('Conv2DBackpropFilter'), 'no filter gradient when only x and z are differentiated');
  assert.ok(profile.kernelNames.includes('Conv2DBackpropInput'));
  tf.dispose([x, z, t, dy, a.value, b.value, ...a.grads, ...b.grads]);
  stock.dispose();
  lazy.dispose();
});
