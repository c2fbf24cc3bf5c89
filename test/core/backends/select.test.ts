/** Backend choice, and theta-gradients of the conv models equal on wasm and cpu. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { ModelRegistry } from '../../../src/core/models/registry.js';
import { CodedError } from '../../../src/errors.js';
import { vjp } from '../../../src/core/gradients/vjp.js';

const registry = new ModelRegistry('models');
after(() => registry.dispose());

test('auto picks the fastest backend that initialises (wasm where tfjs-node is not installed)', async () => {
  const name = await selectBackend('auto');
  assert.ok(['tensorflow', 'wasm'].includes(name));
  assert.equal(tf.getBackend(), name);
});

test('an unavailable backend is a clear error', async () => {
  let installed = true;
  try {
    await import('@tensorflow/tfjs-node' as string);
  } catch {
    installed = false;
  }
  if (installed) return;
  await assert.rejects(selectBackend('tensorflow'), (err: unknown) => err instanceof CodedError && err.code === 'BACKEND_UNAVAILABLE' && /tfjs-node-gpu/.test(err.message));
});

// unet-32 takes a minute on cpu (its filter gradients are plain JavaScript loops): the tiny one covers the same layers.
for (const id of ['unet-tiny']) {
  test(`${id}: output and the VJP w.r.t. x, z and every weight agree on wasm and cpu`, async () => {
    const model = await registry.get(id);
    const { data_shape, cond_shape } = model.manifest;
    const run = async (backend: 'wasm' | 'cpu') => {
      await selectBackend(backend);
      const x = tf.randomNormal([2, ...data_shape], 0, 1, 'float32', 1);
      const z = tf.randomNormal([2, ...cond_shape], 0, 1, 'float32', 2);
      const t = tf.tensor2d([[300], [800]]);
      const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 3);
      const { outputs, grads } = vjp(() => [model.call(x, z, t)], [x, z, ...model.weights.map((w) => w.variable)], [dy]);
      const out = [outputs[0], ...grads].map((g) => g.dataSync().slice());
      tf.dispose([x, z, t, dy, ...outputs, ...grads]);
      return out;
    };
    const wasm = await run('wasm');
    const cpu = await run('cpu');
    const names = ['output', 'x', 'z', ...model.weights.map((w) => w.name)];
    cpu.forEach((c, i) => {
      let num = 0;
      let den = 0;
      c.forEach((v, j) => {
        num += (v - wasm[i][j]) ** 2;
        den += v * v;
      });
      const rel = Math.sqrt(num / Math.max(den, 1e-30));
      assert.ok(rel <= 1e-5, `${names[i]}: relative L2 ${rel}`);
    });
  });
}
