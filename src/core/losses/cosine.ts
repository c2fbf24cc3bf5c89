/**
 * Cosine distance to a target, per batch element: with x_0[b] and target[b] flattened,
 *
 *   cos_b = <x_b, t_b> / sqrt((|x_b|² + ε) · (|t_b|² + ε)),   loss = 1 - mean_b cos_b.
 *
 * ε = 1e-12 sits inside the squared norms rather than clamping the product, so the loss
 * stays smooth: a zero x_b or t_b gives cos_b = 0 and a finite gradient instead of 0/0.
 * For float32 data of any meaningful size ε is below the rounding of |x_b|², so the
 * value is the textbook cosine similarity.
 */
import { tf } from '../tf.js';
import { invalid } from '../../errors.js';
import { elementCount } from '../tensors/codec.js';
import { CosineLossSpecSchema } from './schema.js';
import { checkInput, checkKeys, constantLike, type Loss, type LossImpl } from './common.js';

export const COSINE_EPSILON = 1e-12;

export const cosineLoss: LossImpl = {
  schema: CosineLossSpecSchema,
  build(spec, field, xShape): Loss {
    checkKeys(spec, field, ['type', 'target']);
    if (xShape.length < 1) throw invalid(field, 'cosine needs an x with a batch axis (rank >= 1)');
    const rows: [number, number] = [xShape[0], elementCount(xShape) / xShape[0]];
    const raw = constantLike(spec.target, `${field}.target`, xShape);
    // The target side of the denominator is constant: compute it once, not per call.
    const [target, targetInvNorm] = tf.tidy(() => {
      const t = tf.reshape(raw, rows);
      return [t, tf.rsqrt(tf.add(tf.sum(tf.square(t), 1), COSINE_EPSILON))];
    });
    raw.dispose();
    return {
      value(x0) {
        checkInput(x0, xShape, 'cosine');
        return tf.tidy(() => {
          const x = tf.reshape(x0, rows);
          const dot = tf.sum(tf.mul(x, target), 1);
          const xInvNorm = tf.rsqrt(tf.add(tf.sum(tf.square(x), 1), COSINE_EPSILON));
          const cos = tf.mul(tf.mul(dot, xInvNorm), targetInvNorm);
          return tf.sub(1, tf.mean(cos)) as tf.Scalar;
        });
      },
      dispose() {
        target.dispose();
        targetInvNorm.dispose();
      },
    };
  },
};
