/** Host tensors to and from TensorFlow.js. */
import { tf } from '../tf.js';
import { CodedError } from '../../errors.js';
import { elementCount, formatShape, type HostTensor } from './codec.js';

// The bridge copies in both directions because the cpu backend stores (and hands back)
// the very typed array it was given; sharing it would let a later write change a live tensor.

/**
 * Reads a tensor back to the host as float32. Integer and boolean tensors are widened
 * (int32 beyond 2^24 rounds, as any float32 would); other dtypes have no float meaning.
 */
export async function hostFromTf(t: tf.Tensor): Promise<HostTensor> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
    throw new CodedError('INTERNAL', `cannot read a ${t.dtype} tensor as float32`);
  }
  const data = await t.data();
  return { shape: [...t.shape], values: new Float32Array(data as Float32Array | Int32Array | Uint8Array) };
}

/** A new float32 tensor holding a copy of `host`; the caller owns (and disposes) it. */
export function toTf(host: HostTensor): tf.Tensor {
  if (host.values.length !== elementCount(host.shape)) {
    throw new CodedError(
      'INTERNAL',
      `host tensor has ${host.values.length} values but shape ${formatShape(host.shape)} needs ${elementCount(host.shape)}`,
    );
  }
  return tf.tensor(host.values.slice(), [...host.shape], 'float32');
}
