/**
 * A linear functional of x_0: the sum of weights ⊙ x_0. Its gradient is the weights
 * themselves, which makes it the natural probe for checking gradients through a solver
 * (and for computing vector-Jacobian products with a chosen cotangent).
 */
import { Type } from '@sinclair/typebox';
import { tf } from '../tf.js';
import { tensorSchema } from '../tensors/codec.js';
import { checkInput, checkKeys, constantLike, type Loss, type LossImpl } from './common.js';

export const LinearLossSpecSchema = Type.Object(
  {
    type: Type.Literal('linear', { description: 'Linear functional: sum of weights ⊙ x_0' }),
    weights: tensorSchema('The weights, i.e. the gradient of the loss; its shape must equal the shape of x'),
  },
  { additionalProperties: false, description: 'Sum of weights times x_0, elementwise' },
);

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
