/**
 * The networks behind the shipped models (built by scripts/make-models.ts). Weights
 * come from a seeded generator keyed by model and weight name, never from tfjs's
 * unseeded initializers, so every rebuild writes byte-identical shards. The layers
 * declare zeros initializers: loading builds the network before the shards overwrite
 * every weight, and zeros cost nothing.
 *
 * Only layers whose forward and gradient kernels exist on every backend the engine
 * runs are used: Dense, Conv2D (3x3, stride 1 or 2), ChannelNorm (layer norm over
 * channels, see ./layers.ts), swish, UpSampling2D (bilinear), Concatenate, Add,
 * Reshape, Rescaling.
 */
import { tf } from '../tf.js';
import { channelNorm } from './layers.js';

type Sym = tf.SymbolicTensor;

/** mulberry32: tiny, portable and good enough for initial weights. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, so each weight's stream depends on its name only, not on how many weights precede it. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform(-1, 1) values for one weight, reproducible from (model id, weight name). */
export function seededUniform(modelId: string, weightName: string, size: number): Float32Array {
  const next = generator(hash(`${modelId}:${weightName}`));
  return Float32Array.from({ length: size }, () => 2 * next() - 1);
}

/**
 * Per-weight scales. Kernels are He-uniform times a per-layer gain (the recipes in
 * make-models tune them so that eps ~ O(1)); biases and norm offsets are small but
 * non-zero so that tests see every parameter matter.
 */
export function initialWeights(model: tf.LayersModel, modelId: string, gains: Record<string, number> = {}): tf.Tensor[] {
  return model.weights.map((w) => {
    const shape = w.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const u = seededUniform(modelId, w.originalName, size);
    const layer = w.originalName.split('/')[0];
    const gain = gains[layer] ?? 1;
    let values: Float32Array;
    if (w.originalName.endsWith('/kernel')) {
      const fanIn = size / shape[shape.length - 1];
      const bound = gain * Math.sqrt(6 / fanIn);
      values = u.map((v) => v * bound);
    } else if (w.originalName.endsWith('/gamma')) {
      values = u.map((v) => 1 + 0.1 * v);
    } else {
      values = u.map((v) => 0.05 * v);
    }
    return tf.tensor(values, shape);
  });
}

/** eps = 0.3 x + C z + b; t is an input whose weights are zero, so the model keeps the common signature. */
export function linearNetwork(): tf.LayersModel {
  const x = tf.input({ shape: [4], name: 'x' });
  const z = tf.input({ shape: [3], name: 'z' });
  const t = tf.input({ shape: [1], name: 't' });
  const ax = tf.layers.dense({ units: 4, useBias: false, kernelInitializer: 'zeros', name: 'x_scale' }).apply(x) as Sym;
  const cz = tf.layers.dense({ units: 4, kernelInitializer: 'zeros', name: 'z_proj' }).apply(z) as Sym;
  const zt = tf.layers.dense({ units: 4, useBias: false, kernelInitializer: 'zeros', name: 't_zero' }).apply(t) as Sym;
  const eps = tf.layers.add({ name: 'eps' }).apply([ax, cz, zt]) as Sym;
  return tf.model({ inputs: [x, z, t], outputs: eps, name: 'linear' });
}

export interface UnetSpec {
  dataShape: [number, number, number];
  condShape: [number];
  /** Feature channels per resolution, finest first; each further level halves height and width. */
  channels: number[];
  embedding: number;
  timeScale: number;
  /** A residual block after each skip merge; the tiny model skips them to stay a few thousand parameters. */
  decoderBlocks: boolean;
  name: string;
}

/**
 * A small DDPM-style U-Net: residual blocks (layer norm over channels, swish, 3x3
 * convs) with the (t, z) embedding added as a [B, 1, 1, C] broadcast; strided convs
 * down, bilinear upsampling + conv up, skips joined by concatenation.
 */
export function unetNetwork(spec: UnetSpec): tf.LayersModel {
  const L = tf.layers;
  const conv = (h: Sym, filters: number, name: string, strides = 1) =>
    L.conv2d({ filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: 'zeros', name }).apply(h) as Sym;
  const normAct = (h: Sym, name: string) =>
    L.activation({ activation: 'swish', name: `${name}_act` }).apply(
      channelNorm({ epsilon: 1e-5, name: `${name}_norm` }).apply(h) as Sym,
    ) as Sym;

  const x = tf.input({ shape: spec.dataShape, name: 'x' });
  const z = tf.input({ shape: spec.condShape, name: 'z' });
  const t = tf.input({ shape: [1], name: 't' });
  // The model sees t * time_scale; undoing the scale first keeps the first Dense well-conditioned.
  const tUnit = L.rescaling({ scale: 1 / spec.timeScale, name: 't_unscale' }).apply(t) as Sym;
  const tEmb = L.dense({ units: spec.embedding, activation: 'swish', kernelInitializer: 'zeros', name: 't_embed' }).apply(tUnit) as Sym;
  const zEmb = L.dense({ units: spec.embedding, kernelInitializer: 'zeros', name: 'z_embed' }).apply(z) as Sym;
  const emb = L.activation({ activation: 'swish', name: 'emb_act' }).apply(
    L.add({ name: 'emb_sum' }).apply([tEmb, zEmb]) as Sym,
  ) as Sym;

  const block = (h: Sym, ch: number, name: string): Sym => {
    let a = conv(normAct(h, `${name}_in`), ch, `${name}_conv1`);
    const e = L.dense({ units: ch, kernelInitializer: 'zeros', name: `${name}_emb` }).apply(emb) as Sym;
    a = L.add({ name: `${name}_cond` }).apply([a, L.reshape({ targetShape: [1, 1, ch], name: `${name}_bcast` }).apply(e) as Sym]) as Sym;
    a = conv(normAct(a, `${name}_mid`), ch, `${name}_conv2`);
    return L.add({ name: `${name}_res` }).apply([h, a]) as Sym;
  };

  const levels = spec.channels.length;
  let h = conv(x, spec.channels[0], 'conv_in');
  const skips: Sym[] = [];
  for (let i = 0; i < levels - 1; i++) {
    h = block(h, spec.channels[i], `down${i}`);
    skips.push(h);
    h = conv(h, spec.channels[i + 1], `down${i}_pool`, 2);
  }
  h = block(h, spec.channels[levels - 1], 'middle');
  for (let i = levels - 2; i >= 0; i--) {
    // Bilinear, not nearest: tfjs-backend-cpu's ResizeNearestNeighborGrad offsets dy by the
    // input's batch stride, so its gradients are wrong whenever the batch exceeds 1.
    h = L.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: `up${i}_resize` }).apply(h) as Sym;
    h = conv(h, spec.channels[i], `up${i}_conv`);
    h = L.concatenate({ axis: -1, name: `up${i}_skip` }).apply([h, skips[i]]) as Sym;
    h = conv(h, spec.channels[i], `up${i}_merge`);
    if (spec.decoderBlocks) h = block(h, spec.channels[i], `up${i}`);
  }
  const out = conv(normAct(h, 'out'), spec.dataShape[2], 'conv_out');
  return tf.model({ inputs: [x, z, t], outputs: out, name: spec.name });
}
