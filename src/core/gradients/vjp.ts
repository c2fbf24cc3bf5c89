/** Vector-Jacobian products through TensorFlow.js's tape. */
import { tf, type Tensor } from '../tf.js';

export interface VjpResult {
  /** The outputs of f, kept: the caller disposes them. */
  outputs: Tensor[];
  /** d<outputs, cotangents>/d inputs, one per input (zeros where an input does not reach the outputs). */
  grads: Tensor[];
}

/**
 * Runs f once, recording it, and pulls the cotangents (one per output) back to the inputs.
 * Several outputs are handled by differentiating the scalar sum_i <out_i, ct_i>, whose
 * gradient is exactly the VJP. Inputs may be tf.Variables (the weights).
 */
export function vjp(f: () => Tensor[], inputs: Tensor[], cotangents: Tensor[]): VjpResult {
  let outputs: Tensor[] = [];
  const single = cotangents.length === 1;
  const { value, grads } = tf.engine().gradients(
    () => {
      outputs = f();
      if (outputs.length !== cotangents.length) throw new Error('vjp: one cotangent per output');
      outputs.forEach((o) => tf.keep(o));
      if (single) return outputs[0];
      return tf.addN(outputs.map((o, i) => tf.sum(tf.mul(o, cotangents[i]))));
    },
    inputs,
    single ? cotangents[0] : undefined,
    true,
  );
  if (!single) value.dispose();
  return { outputs, grads: grads.map((g, i) => g ?? tf.zerosLike(inputs[i])) };
}

/** The gradient of a scalar function of one tensor, with its value. */
export function valueAndGrad(f: (x: Tensor) => Tensor, x: Tensor): { value: number; grad: Tensor } {
  const { value, grads } = tf.engine().gradients(() => f(x), [x], undefined, true);
  const v = value.dataSync()[0];
  value.dispose();
  return { value: v, grad: grads[0] ?? tf.zerosLike(x) };
}
