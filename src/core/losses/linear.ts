/**
 * A linear functional of x_0: the sum of weights ⊙ x_0. Its gradient is the weights
 * themselves, which makes it the natural probe for checking gradients through a solver
 * (and for computing vector-Jacobian products with a chosen cotangent).
 */
import { tf } from '../tf.js';
import { LinearLossSpecSchema } from './schema.js';
import { checkInput, checkKeys, constantLike, type Loss, type LossImpl } from './common.js';

export const linearLoss: LossImpl = {
  schema: LinearLossSpecSchema,
  build(spec, field, xShape): Loss {
    checkKeys(spec, field, ['type', 'weights']);
    const weights = constantLike(spec.weights, `${field}.weights`, xShape);
    return {
      value(x0) {
        checkInput(x0, xShape, 'linear');
        return tf.tidy(() => tf.sum(tf.mul(weights, x0)) as tf.Scalar);
      },
      dispose() {
        weights.dispose();
      },
    };
  },
};
