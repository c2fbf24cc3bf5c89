/**
 * Builds the shipped models into models/<id>/ (or MODELS_DIR): model.json, weight
 * shards and manifest.json. Weights are seeded, so a rerun rewrites identical bytes
 * and the committed files can be checked against this script.
 *
 *   npm run make-models [-- id ...]
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tf } from '../src/core/tf.js';
import { selectBackend } from '../src/core/backends/select.js';
import { initialWeights, linearNetwork, unetNetwork, type UnetSpec } from '../src/core/models/architectures.js';
import type { ModelManifest } from '../src/core/models/manifest.js';

/** tfjs's own converter writes 4 MB shards; keeping the size makes the files look familiar. */
const SHARD_BYTES = 4 * 1024 * 1024;

/** Multiples of 1/8, exact in float32, so tests can recompute eps in plain JS without rounding slack. */
export const LINEAR_A = 0.3;
export const LINEAR_C = [
  [0.5, -0.25, 0.125, 0.75],
  [-0.625, 0.375, 1, -0.125],
  [0.25, 0.875, -0.5, 0.375],
];
export const LINEAR_B = [0.125, -0.375, 0.25, 0.5];

interface Recipe {
  manifest: ModelManifest;
  build(): tf.LayersModel;
}

function unetRecipe(id: string, outputGain: number, spec: Omit<UnetSpec, 'name'>, manifest: Omit<ModelManifest, 'id' | 'data_shape' | 'cond_shape' | 'time_scale'>): Recipe {
  return {
    manifest: { id, ...manifest, data_shape: spec.dataShape, cond_shape: spec.condShape, time_scale: spec.timeScale },
    build() {
      const model = unetNetwork({ ...spec, name: id });
      // Halving each block's second conv keeps the residual stream from growing with depth; the
      // output gain was measured so that eps has standard deviation ~1 for standard-normal inputs.
      const gains = Object.fromEntries(model.layers.filter((l) => l.name.endsWith('_conv2')).map((l) => [l.name, 0.5]));
      const weights = initialWeights(model, id, { ...gains, conv_out: outputGain });
      model.setWeights(weights);
      tf.dispose(weights);
      return model;
    },
  };
}

export const RECIPES: Record<string, Recipe> = {
  linear: {
    manifest: {
      id: 'linear',
      description:
        `Closed-form test model: eps = ${LINEAR_A} x + C z + b exactly, i.e. eps_j = ${LINEAR_A} x_j + sum_i z_i C[i][j] + b_j, ` +
        `with C = z_proj/kernel = ${JSON.stringify(LINEAR_C)} and b = z_proj/bias = ${JSON.stringify(LINEAR_B)}; ` +
        `x_scale/kernel = ${LINEAR_A} I. t reaches the output only through t_zero/kernel, which is zero.`,
      data_shape: [4],
      cond_shape: [3],
      prediction: 'epsilon',
      schedule: { type: 'vp_linear', beta_min: 0.1, beta_max: 20 },
      time_scale: 1,
    },
    build() {
      const model = linearNetwork();
      const eye = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? LINEAR_A : 0)));
      const values = [tf.tensor2d(eye), tf.tensor2d(LINEAR_C), tf.tensor1d(LINEAR_B), tf.zeros([1, 4])];
      model.setWeights(values);
      tf.dispose(values);
      return model;
    },
  },
  'unet-tiny': unetRecipe(
    'unet-tiny',
    1.6,
    { dataShape: [8, 8, 2], condShape: [6], channels: [6, 12], embedding: 12, timeScale: 1000, decoderBlocks: false },
    {
      description:
        'Tiny U-Net for fast tests: 8x8x2 data, 6-d condition. conv_in (6 ch), residual block, strided conv to 4x4x12, ' +
        'middle residual block, bilinear upsampling + conv, skip concatenation, merge conv, conv_out. Blocks use ' +
        'layer normalisation over channels (ChannelNorm) and swish; the embedding swish(Dense(t/1000) + Dense(z)) is added per block as a ' +
        '[B,1,1,C] broadcast. Random (seeded) weights: not trained.',
      prediction: 'epsilon',
      schedule: { type: 'vp_linear', beta_min: 0.1, beta_max: 20 },
    },
  ),
  'unet-32': unetRecipe(
    'unet-32',
    1.3,
    { dataShape: [32, 32, 4], condShape: [64], channels: [32, 64, 128], embedding: 128, timeScale: 1000, decoderBlocks: true },
    {
      description:
        'Latent-sized U-Net for benchmarks: 32x32x4 data, 64-d condition, channels 32/64/128 at 32/16/8 pixels, a residual ' +
        'block per level on the way down and up plus a middle block, skips by concatenation; same block design as ' +
        'unet-tiny. Random (seeded) weights: not trained.',
      prediction: 'epsilon',
      schedule: { type: 'discrete', betas: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 },
    },
  ),
};

/** The files of one model folder, by name. */
export async function buildFiles(id: string): Promise<Map<string, Uint8Array>> {
  const recipe = RECIPES[id];
  if (!recipe) throw new Error(`no recipe for model "${id}" (one of ${Object.keys(RECIPES).join(', ')})`);
  const model = recipe.build();
  let artifacts: tf.io.ModelArtifacts | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
  } finally {
    model.dispose();
  }
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error(`model "${id}" saved no weights`);
  const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const count = Math.max(1, Math.ceil(bytes.byteLength / SHARD_BYTES));
  const files = new Map<string, Uint8Array>();
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    paths.push(`group1-shard${i + 1}of${count}.bin`);
    files.set(paths[i], bytes.slice(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  }
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  const text = (value: unknown, indent?: number) => new TextEncoder().encode(JSON.stringify(value, null, indent) + '\n');
  files.set('model.json', text(modelJson));
  files.set('manifest.json', text(recipe.manifest, 2));
  return files;
}

/** Replaces the folder's contents, so no stale shard of an earlier layout survives. */
export async function writeModel(modelsDir: string, id: string): Promise<Map<string, Uint8Array>> {
  const files = await buildFiles(id);
  const dir = join(modelsDir, id);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (!files.has(name)) await rm(join(dir, name), { recursive: true });
  for (const [name, data] of files) await writeFile(join(dir, name), data);
  return files;
}

async function main(): Promise<void> {
  await selectBackend('cpu');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const modelsDir = resolve(root, process.env.MODELS_DIR ?? 'models');
  const ids = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(RECIPES);
  for (const id of ids) {
    const files = await writeModel(modelsDir, id);
    const bytes = [...files.values()].reduce((n, f) => n + f.byteLength, 0);
    console.log(`${id}: ${files.size} files, ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
