/**
 * The shipped models on the wasm backend, the one benchmarks use: every gradient the
 * engine needs must have a kernel there, and agree with the cpu backend.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { loadModel, type LoadedModel } from '../../../src/core/models/load.js';
import { MODELS_DIR, SHIPPED, inputsFor } from './helpers.js';

let wasm = false;
before(async () => {
  wasm = await selectBackend('wasm').then(
    () => true,
    () => false,
  );
});

/** Gradients of <eps, dy> w.r.t. x, z and every weight, as plain arrays. */
function gradients(m: LoadedModel, batch: number): Float32Array[] {
  return tf.tidy(() => {
    const { x, z, t } = inputsFor(m, batch, 1);
    const dy = tf.randomNormal([batch, ...m.manifest.data_shape], 0, 1, 'float32', 4);
    const { grads } = tf.engine().gradients(() => m.call(x, z, t), [x, z, ...m.weights.map((w) => w.variable)], dy);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

describe('shipped models on wasm', () => {
  for (const id of SHIPPED) {
    it(`${id}: finite, non-zero gradients for x, z and every weight`, async (t) => {
      if (!wasm) return t.skip('wasm backend unavailable');
      await selectBackend('wasm');
      const m = await loadModel(join(MODELS_DIR, id));
      try {
        const before = tf.memory().numTensors;
        const grads = gradients(m, id === 'unet-32' ? 2 : 3);
        assert.equal(grads.length, m.weights.length + 2);
        const names = ['x', 'z', ...m.weights.map((w) => w.name)];
        grads.forEach((g, i) => {
          assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), `gradient of ${names[i]}`);
        });
        assert.equal(tf.memory().numTensors, before);
      } finally {
        m.dispose();
      }
    });
  }

  it('unet-tiny: wasm gradients match the cpu backend', async (t) => {
    if (!wasm) return t.skip('wasm backend unavailable');
    await selectBackend('wasm');
    const m = await loadModel(join(MODELS_DIR, 'unet-tiny'));
    try {
      const onWasm = gradients(m, 2);
      await selectBackend('cpu');
      const onCpu = gradients(m, 2);
      onWasm.forEach((g, i) => {
        const scale = Math.max(1e-3, ...onCpu[i].map(Math.abs));
        const worst = g.reduce((w, v, j) => Math.max(w, Math.abs(v - onCpu[i][j])), 0);
        assert.ok(worst <= 1e-3 * scale, `gradient ${i} differs by ${worst} (scale ${scale})`);
      });
    } finally {
      m.dispose();
    }
  });
});
