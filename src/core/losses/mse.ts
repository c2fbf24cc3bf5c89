/**
 * Mean squared error against a target: mean over every element of (x_0 - target)².
 * The mean (not the sum) keeps its scale independent of the batch and image size, so
 * weights in a sum of losses mean the same thing at any resolution.
 */
import { tf } from '../tf.js';
import { MseLossSpecSchema } from './schema.js';
import { checkInput, checkKeys, constantLike, type Loss, type LossImpl } from './common.js';

export const mseLoss: LossImpl = {
  schema: MseLossSpecSchema,
  build(spec, field, xShape): Loss {
    checkKeys(spec, field, ['type', 'target']);
    const target = constantLike(spec.target, `${field}.target`, xShape);
    return {
      value(x0) {
        checkInput(x0, xShape, 'mse');
        return tf.tidy(() => tf.mean(tf.square(tf.sub(x0, target))) as tf.Scalar);
      },
      dispose() {
        target.dispose();
      },
    };
  },
};
