/**
 * tfjs-layers runs Conv2D through the fused conv2d op, whose gradient computes the filter
 * and bias gradients eagerly, even when only dL/dx is asked for; the filter gradient costs
 * about 1.7 times the convolution itself. The same layer as the plain conv2d op plus a
 * bias add has a lazy gradient: the filter gradient is computed only when a weight is
 * differentiated. Used for every call, recorded or not, so that the forward solve and the
 * recomputation inside a gradient round exactly alike.
 */
import { tf } from '../tf.js';

interface ConvLayer {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'same' | 'valid' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
  rank: number;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: object): tf.Tensor | tf.Tensor[];
}

/** Rewires every 2D, channels-last Conv2D layer of `model`; returns how many. */
export function useLazyConvGradients(model: tf.LayersModel): number {
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D') continue;
    const conv = layer as unknown as ConvLayer;
    if (conv.rank !== 2 || conv.dataFormat !== 'channelsLast' || conv.padding === 'causal') continue;
    const padding = conv.padding;
    conv.call = (inputs) =>
      tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
        let y: tf.Tensor = tf.conv2d(x, conv.kernel.read() as tf.Tensor4D, conv.strides, padding, 'NHWC', conv.dilationRate);
        if (conv.bias) y = tf.add(y, conv.bias.read());
        return conv.activation.apply(y);
      });
    count++;
  }
  return count;
}
