import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, isValidModelId } from '../../../src/core/models/manifest.js';
import { Value } from '@sinclair/typebox/value';
import { ScheduleSpecSchema } from '../../../src/core/schedules/spec.js';
import { MODELS_DIR, SHIPPED, rejectsCoded } from './helpers.js';

const valid = () => ({
  id: 'm1',
  data_shape: [4],
  cond_shape: [3],
  prediction: 'epsilon',
  schedule: { type: 'vp_linear', beta_min: 0.1, beta_max: 20 },
});

/** The manifest with one change applied; `undefined` deletes the key. */
function variant(path: string[], value: unknown): Record<string, unknown> {
  const json: Record<string, any> = valid();
  let target = json;
  for (const key of path.slice(0, -1)) target = target[key];
  const last = path[path.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return json;
}

describe('parseManifest', () => {
  it('accepts every shipped manifest', async () => {
    for (const id of SHIPPED) {
      const json = JSON.parse(await readFile(join(MODELS_DIR, id, 'manifest.json'), 'utf8')) as unknown;
      assert.equal(parseManifest(json, id).id, id);
    }
  });

  it('fills defaults without touching its argument', () => {
    const json = valid();
    const manifest = parseManifest(json, 'm1');
    assert.equal(manifest.time_scale, 1);
    assert.equal('time_scale' in json, false);
    const cosine = parseManifest(variant(['schedule'], { type: 'vp_cosine' }), 'm1');
    assert.deepEqual(cosine.schedule, { type: 'vp_cosine', s: 0.008 });
  });

  it('accepts the discrete schedule of latent diffusion', () => {
    const schedule = { type: 'discrete', betas: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 };
    assert.deepEqual(parseManifest(variant(['schedule'], schedule), 'm1').schedule, schedule);
    assert.ok(Value.Check(ScheduleSpecSchema, schedule));
  });

  const bad: Array<[string, string[], unknown, string]> = [
    ['a missing field', ['prediction'], undefined, 'prediction'],
    ['an unknown prediction', ['prediction'], 'score', 'prediction'],
    ['an extra property', ['weights_url'], 'http://x', 'weights_url'],
    ['a non-integer dimension', ['data_shape'], [4.5], 'data_shape[0]'],
    ['an empty data shape', ['data_shape'], [], 'data_shape'],
    ['a zero dimension', ['cond_shape'], [3, 0], 'cond_shape[1]'],
    ['a non-positive time scale', ['time_scale'], 0, 'time_scale'],
    ['an id that is a path', ['id'], '../m1', 'id'],
    ['an id that differs from its folder', ['id'], 'm2', 'id'],
    ['a negative beta', ['schedule', 'beta_min'], -1, 'schedule.beta_min'],
    ['an unknown schedule field', ['schedule', 'beta'], 1, 'schedule.beta'],
    ['beta_max below beta_min', ['schedule', 'beta_max'], 0.05, 'schedule.beta_max'],
    ['an unknown schedule type', ['schedule'], { type: 've' }, 'schedule'],
    ['a discrete schedule with too few steps', ['schedule'], { type: 'discrete', num_train_timesteps: 1 }, 'schedule.num_train_timesteps'],
  ];
  for (const [what, path, value, field] of bad) {
    it(`rejects ${what}, naming ${field}`, async () => {
      const err = await rejectsCoded(() => parseManifest(variant(path, value), 'm1'), 'MODEL_LOAD_FAILED', field);
      assert.match(err.message, /model "m1": manifest\.json/);
    });
  }

  it('rejects JSON that is not an object', async () => {
    for (const json of [null, [], 'linear', 3]) await rejectsCoded(() => parseManifest(json, 'm1'), 'MODEL_LOAD_FAILED', '');
  });
});

describe('isValidModelId', () => {
  it('allows folder-safe ids only', () => {
    for (const id of ['linear', 'unet-32', 'sd1.5_latent']) assert.equal(isValidModelId(id), true, id);
    for (const id of ['', '..', '.hidden', 'a/b', 'a\\b', '../linear', 'Linear', 'a b', '-x', 'x'.repeat(65), 3, null]) {
      assert.equal(isValidModelId(id), false, String(id));
    }
  });
});
