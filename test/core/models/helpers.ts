/**
 * Shared fixtures for the model tests: the shipped models folder and scratch copies
 * of it that a test may break on purpose.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CodedError, type ErrorCode } from '../../../src/errors.js';
import { tf } from '../../../src/core/tf.js';
import type { LoadedModel } from '../../../src/core/models/load.js';

export const MODELS_DIR = fileURLToPath(new URL('../../../models', import.meta.url));
export const SHIPPED = ['linear', 'unet-32', 'unet-tiny'] as const;

/** Parameter counts the manifests and the final report document. */
export const PARAMETER_COUNTS: Record<(typeof SHIPPED)[number], number> = {
  linear: 36,
  'unet-tiny': 5894,
  'unet-32': 810_276,
};

/** A scratch models directory holding copies of the given shipped models; remove() when done. */
export async function scratchModels(ids: string[]): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'models-test-'));
  for (const id of ids) await cp(join(MODELS_DIR, id), join(dir, id), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Rewrites one JSON file of a scratch model. */
export async function editJson(path: string, edit: (json: Record<string, any>) => void): Promise<void> {
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

/** Asserts that `run` rejects or throws a CodedError with this code (and field, when given). */
export async function rejectsCoded(
  run: () => unknown,
  code: ErrorCode,
  field?: string,
  message?: RegExp,
): Promise<CodedError> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CodedError, `expected a CodedError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

/** Seeded inputs for a model: x and z standard normal, t a fraction of the way through (0.05 to 1), times time_scale. */
export function inputsFor(m: LoadedModel, batch: number, seed: number): { x: tf.Tensor; z: tf.Tensor; t: tf.Tensor } {
  const { data_shape, cond_shape, time_scale } = m.manifest;
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, ...data_shape], 0, 1, 'float32', seed),
    z: tf.randomNormal([batch, ...cond_shape], 0, 1, 'float32', seed + 1),
    t: tf.mul(tf.randomUniform([batch, 1], 0.05, 1, 'float32', seed + 2), time_scale),
  }));
}
