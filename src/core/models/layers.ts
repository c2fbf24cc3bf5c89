/**
 * Custom layers the shipped models use. Importing this module registers them with
 * tfjs's serialization, which must happen before a model.json naming them is loaded.
 */
import { tf } from '../tf.js';

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/**
 * Layer normalisation over the last (channel) axis with a per-channel gain and
 * offset: the same function as `tf.layers.layerNormalization({ axis: -1 })`.
 *
 * Why not that layer: it tiles gamma and beta to the full [B, H, W, C] input, and
 * Tile's gradient is a loop of one slice and one add per repetition, i.e. 2·B·H·W
 * ops per layer. A single 32x32x32 layer at batch 4 took ~2 s to differentiate on
 * wasm. Plain broadcasting keeps the backward pass at a dozen ops. (Dropping
 * gamma is no way out: tfjs cannot differentiate batchNorm without a scale.)
 *
 * The weights keep LayerNormalization's names (`<layer>/gamma`, `<layer>/beta`), so
 * a model converted from Keras could swap one for the other by class name alone.
 */
export class ChannelNorm extends tf.layers.Layer {
  static className = 'ChannelNorm';
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  constructor(args: LayerArgs & { epsilon?: number } = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!this.gamma || !this.beta) throw new Error(`${this.name} was called before it was built`);
      const centered = tf.sub(x, tf.mean(x, -1, true));
      const variance = tf.mean(tf.square(centered), -1, true);
      const normalised = tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalised, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(ChannelNorm);

export function channelNorm(args: LayerArgs & { epsilon?: number }): ChannelNorm {
  return new ChannelNorm(args);
}
