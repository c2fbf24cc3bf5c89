/**
 * Loads one model folder (model.json + weight shards + manifest.json) from disk
 * and wraps it as a differentiable function of x, z, t and its weights.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tf } from '../tf.js';
import { CodedError } from '../../errors.js';
import { parseManifest, type ModelManifest } from './manifest.js';
import { useLazyConvGradients } from './lazy-conv.js';
import { readJson } from './catalog.js';
// Registers the custom layers the shipped model.json files name.
import './layers.js';

export interface ModelWeight {
  /** The name in model.json's weightsManifest, stable however often the model is loaded. */
  name: string;
  shape: number[];
  variable: tf.Variable;
}

export interface LoadedModel {
  manifest: ModelManifest;
  model: tf.LayersModel;
  weights: ModelWeight[];
  /** eps_theta(x, z, t * time_scale): recorded on the tape, so gradients reach x, z and every weight variable. */
  call(x: tf.Tensor, z: tf.Tensor, tScaled: tf.Tensor): tf.Tensor;
  parameterCount: number;
  dispose(): void;
}

const INPUT_NAMES = ['x', 'z', 't'] as const;

function failure(dir: string, reason: string): CodedError {
  return new CodedError('MODEL_LOAD_FAILED', `model "${basename(dir)}": ${reason}`);
}

/** There is no file:// handler without tfjs-node, so shards are read here; their paths must stay inside `dir`. */
export function diskLoadHandler(dir: string, modelJson: tf.io.ModelJSON): tf.io.IOHandler {
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) {
            if (path !== basename(path) || path.startsWith('.')) throw failure(dir, `weight shard path "${path}" leaves the model folder`);
            const bytes = await readFile(join(dir, path)).catch(() => {
              throw failure(dir, `cannot read weight shard "${path}"`);
            });
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, buffers];
      }),
  };
}

const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function checkSignature(dir: string, model: tf.LayersModel, manifest: ModelManifest): void {
  const expected: Record<(typeof INPUT_NAMES)[number], (number | null)[]> = {
    x: [null, ...manifest.data_shape],
    z: [null, ...manifest.cond_shape],
    t: [null, 1],
  };
  for (const name of INPUT_NAMES) {
    const i = model.inputNames.indexOf(name);
    if (i < 0) throw failure(dir, `the network has no input named "${name}" (inputs: ${model.inputNames.join(', ')})`);
    const shape = model.inputs[i].shape;
    if (!sameShape(shape, expected[name])) {
      throw failure(dir, `input "${name}" has shape ${JSON.stringify(shape)}, the manifest implies ${JSON.stringify(expected[name])}`);
    }
  }
  if (model.inputs.length !== INPUT_NAMES.length) throw failure(dir, `the network must have exactly the inputs x, z, t`);
  if (model.outputs.length !== 1 || !sameShape(model.outputs[0].shape, expected.x)) {
    throw failure(dir, `the network must have one output of shape ${JSON.stringify(expected.x)}`);
  }
}

/**
 * Pairs each weightsManifest entry with its variable, by `originalName`: tfjs makes
 * variable names unique (`dense/kernel_1`, ...) when a model is loaded twice.
 */
function namedWeights(dir: string, model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[]): ModelWeight[] {
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  if (specs.length !== byName.size) throw failure(dir, `model.json lists ${specs.length} weights, the network has ${byName.size}`);
  return specs.map((spec) => {
    const w = byName.get(spec.name);
    if (!w) throw failure(dir, `weight "${spec.name}" has no variable in the network`);
    if (!sameShape(w.shape, spec.shape)) throw failure(dir, `weight "${spec.name}" has shape ${JSON.stringify(spec.shape)}, the network wants ${JSON.stringify(w.shape)}`);
    return { name: spec.name, shape: [...spec.shape], variable: w.read() as tf.Variable };
  });
}

/**
 * Builds the network, then checks it against the manifest and the weight list before
 * any weight is decoded. tf.loadLayersModel does it the other way round and, when the
 * weights do not fit, throws without disposing the variables it already made.
 */
async function buildChecked(dir: string, manifest: ModelManifest, artifacts: tf.io.ModelArtifacts): Promise<{ model: tf.LayersModel; weights: ModelWeight[] }> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'] });
  } catch (err) {
    throw failure(dir, `TensorFlow.js could not build the network (${(err as Error).message})`);
  }
  try {
    checkSignature(dir, model, manifest);
    const specs = artifacts.weightSpecs ?? [];
    const weights = namedWeights(dir, model, specs);
    const values = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
    try {
      model.loadWeights(values);
    } finally {
      tf.dispose(Object.values(values));
    }
    return { model, weights };
  } catch (err) {
    model.dispose();
    throw err instanceof CodedError ? err : failure(dir, (err as Error).message);
  }
}

function checkInput(name: string, tensor: tf.Tensor, tail: number[], batch: number): void {
  if (tensor.rank !== tail.length + 1 || tensor.shape[0] !== batch || !sameShape(tensor.shape.slice(1), tail)) {
    throw new CodedError('SHAPE_MISMATCH', `${name}: expected shape [${[batch, ...tail].join(', ')}], got [${tensor.shape.join(', ')}]`, {
      field: name,
    });
  }
}

export async function loadModel(dir: string): Promise<LoadedModel> {
  const manifest = parseManifest(await readJson(dir, 'manifest.json'), basename(dir));
  const modelJson = (await readJson(dir, 'model.json')) as tf.io.ModelJSON;
  if (typeof modelJson !== 'object' || modelJson === null || modelJson.modelTopology == null) {
    throw failure(dir, 'model.json has no modelTopology');
  }
  const artifacts = await diskLoadHandler(dir, modelJson).load!();
  const { model, weights } = await buildChecked(dir, manifest, artifacts);
  useLazyConvGradients(model);
  const order = model.inputNames.map((n) => INPUT_NAMES.indexOf(n as (typeof INPUT_NAMES)[number]));
  let disposed = false;
  return {
    manifest,
    model,
    weights,
    parameterCount: model.countParams(),
    call(x, z, tScaled) {
      if (disposed) throw new CodedError('INTERNAL', `model "${manifest.id}" was disposed`);
      const batch = x.shape[0];
      checkInput('x', x, manifest.data_shape, batch);
      checkInput('z', z, manifest.cond_shape, batch);
      checkInput('t', tScaled, [1], batch);
      const byName = [x, z, tScaled];
      return model.apply(order.map((i) => byName[i]), { training: false }) as tf.Tensor;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
