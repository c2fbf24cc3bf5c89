import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { ModelRegistry } from '../../../src/core/models/registry.js';
import { MODELS_DIR, PARAMETER_COUNTS, SHIPPED, editJson, rejectsCoded, scratchModels } from './helpers.js';

before(async () => {
  await selectBackend('cpu');
});

describe('ModelRegistry', () => {
  it('lists the shipped models by id', async () => {
    const manifests = await new ModelRegistry(MODELS_DIR).list();
    assert.deepEqual(manifests.map((m) => m.id), [...SHIPPED]);
    const byId = Object.fromEntries(manifests.map((m) => [m.id, m]));
    assert.equal(byId['unet-32'].schedule.type, 'discrete');
    assert.equal(byId['unet-tiny'].time_scale, 1000);
  });

  it('describes weights without loading the network', async () => {
    const registry = new ModelRegistry(MODELS_DIR);
    const before = tf.memory().numTensors;
    for (const id of SHIPPED) {
      const d = await registry.describe(id);
      assert.equal(d.manifest.id, id);
      assert.equal(d.parameterCount, PARAMETER_COUNTS[id]);
      assert.ok(d.weights.every((w) => typeof w.name === 'string' && Array.isArray(w.shape)));
    }
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual((await registry.describe('linear')).weights, [
      { name: 'x_scale/kernel', shape: [4, 4] },
      { name: 'z_proj/kernel', shape: [3, 4] },
      { name: 'z_proj/bias', shape: [4] },
      { name: 't_zero/kernel', shape: [1, 4] },
    ]);
  });

  it('loads a model once, sharing the load between concurrent callers', async () => {
    const registry = new ModelRegistry(MODELS_DIR);
    const before = tf.memory().numTensors;
    const [a, b] = await Promise.all([registry.get('unet-tiny'), registry.get('unet-tiny')]);
    assert.equal(a, b);
    assert.equal(await registry.get('unet-tiny'), a);
    assert.equal(tf.memory().numTensors - before, a.weights.length, 'one set of variables');
    assert.deepEqual(registry.loadedIds(), ['unet-tiny']);
    registry.dispose();
    assert.equal(tf.memory().numTensors, before, 'dispose frees every variable');
    await rejectsCoded(() => registry.get('unet-tiny'), 'INTERNAL');
  });

  it('names the known models when the id is unknown', async () => {
    const err = await rejectsCoded(() => new ModelRegistry(MODELS_DIR).get('nope'), 'UNKNOWN_MODEL', 'model');
    assert.equal(err.message, 'unknown model "nope": one of linear, unet-32, unet-tiny');
    assert.equal(err.status, 404);
  });

  it('rejects path-like ids before touching the disk', async () => {
    const scratch = await scratchModels([]);
    try {
      // Real models inside and next to the models directory; the one outside is reachable only by a path.
      const modelsDir = join(scratch.dir, 'models');
      await cp(join(MODELS_DIR, 'linear'), join(modelsDir, 'linear'), { recursive: true });
      await cp(join(MODELS_DIR, 'linear'), join(scratch.dir, 'outside'), { recursive: true });
      const registry = new ModelRegistry(modelsDir);
      assert.equal((await registry.get('linear')).manifest.id, 'linear');
      for (const id of ['../outside', '..', '.', '/etc', 'linear/', './linear', 'a/../linear', 'LINEAR', '', 'linear\0', ' linear']) {
        await rejectsCoded(() => registry.get(id), 'UNKNOWN_MODEL', 'model');
        await rejectsCoded(() => registry.describe(id), 'UNKNOWN_MODEL', 'model');
      }
      await rejectsCoded(() => registry.get(42 as unknown as string), 'UNKNOWN_MODEL', 'model');
      registry.dispose();
    } finally {
      await scratch.remove();
    }
  });

  it('ignores folders that cannot be model ids and fails loudly on a broken manifest', async () => {
    const scratch = await scratchModels(['linear', 'unet-tiny']);
    try {
      await mkdir(join(scratch.dir, 'Not A Model'));
      await writeFile(join(scratch.dir, 'README.md'), 'not a folder');
      const registry = new ModelRegistry(scratch.dir);
      assert.deepEqual((await registry.list()).map((m) => m.id), ['linear', 'unet-tiny']);
      await editJson(join(scratch.dir, 'unet-tiny', 'manifest.json'), (j) => void (j.prediction = 'noise'));
      await rejectsCoded(() => registry.list(), 'MODEL_LOAD_FAILED', 'prediction');
    } finally {
      await scratch.remove();
    }
  });

  it('retries a load that failed', async () => {
    const scratch = await scratchModels(['linear']);
    try {
      const registry = new ModelRegistry(scratch.dir);
      const shard = join(scratch.dir, 'linear', 'group1-shard1of1.bin');
      const bytes = await readFile(shard);
      await rm(shard);
      await rejectsCoded(() => registry.get('linear'), 'MODEL_LOAD_FAILED', undefined, /weight shard/);
      await writeFile(shard, bytes);
      const model = await registry.get('linear');
      assert.equal(model.manifest.id, 'linear');
      registry.dispose();
    } finally {
      await scratch.remove();
    }
  });

  it('reports a missing models directory as a load failure', async () => {
    await rejectsCoded(() => new ModelRegistry(join(MODELS_DIR, 'no-such-dir')).list(), 'MODEL_LOAD_FAILED');
  });
});
