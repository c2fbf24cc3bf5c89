/**
 * The one place the engine imports TensorFlow.js from. The umbrella package
 * registers every op's gradient, which autodiff through the solver needs.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
