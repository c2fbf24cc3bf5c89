/**
 * Host-side tensors: shape checks and the bridge to TensorFlow.js. The bridge copies in
 * both directions because the cpu backend stores (and hands back) the very typed array
 * it was given; sharing it would let a caller's later write change a live tensor.
 */
import { tf } from '../tf.js';
import { CodedError, invalid } from '../../errors.js';
import type { HostTensor } from './schema.js';

/** Number of elements of a shape; 1 for a scalar's empty shape. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[2,3]`: the form every shape appears in within error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws SHAPE_MISMATCH on `field.shape` unless `host` has exactly the `expected` shape. */
export function expectShape(host: { shape: readonly number[] }, expected: readonly number[], field: string): void {
  if (!sameShape(host.shape, expected)) {
    throw invalid(
      `${field}.shape`,
      `expected ${formatShape(expected)} but got ${formatShape(host.shape)}`,
      'SHAPE_MISMATCH',
    );
  }
}

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
