// Shared by the loss tests: seeded float32 data, wire encoding of it, and comparisons
// against references computed in plain float64 from the same float32 values.
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { CodedError } from '../../../src/errors.js';
import { encodeTensor, type TensorEncoding, type WireTensor } from '../../../src/core/tensors/codec.js';
import type { Loss } from '../../../src/core/losses/index.js';

export const X_SHAPE = [3, 2, 5, 4];
export const N = X_SHAPE.reduce((a, b) => a * b, 1);

/** Reproducible normal-ish float32 values (mulberry32 + Box-Muller). */
export function randomValues(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = offset + scale * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}

export function wire(values: Float32Array, encoding: TensorEncoding = 'b64', shape = X_SHAPE): WireTensor {
  return encodeTensor({ shape, values }, encoding);
}

export function assertRelClose(actual: number, expected: number, tol = 1e-6): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
  assert.ok(rel <= tol, `got ${actual}, expected ${expected} (relative error ${rel.toExponential(2)})`);
}

/** Elementwise, relative to the largest reference component (float32 gradient vs float64). */
export function assertGradClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(scale, 1e-30);
    assert.ok(err <= tol, `gradient[${i}] = ${actual[i]}, expected ${expected[i]} (error ${err.toExponential(2)})`);
  }
}

/** Value and tf.grad of `loss` at `x`, with every tensor freed again. */
export function evaluate(loss: Loss, x: Float32Array, shape = X_SHAPE): { value: number; grad: Float32Array } {
  return tf.tidy(() => {
    const xt = tf.tensor(x, shape, 'float32');
    const value = loss.value(xt).dataSync()[0];
    const grad = tf.grad((v: tf.Tensor) => loss.value(v))(xt).dataSync() as Float32Array;
    return { value, grad: grad.slice() };
  });
}

/** Runs `fn` and checks that it leaves exactly as many live tensors as it found. */
export function assertNoLeak(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  assert.equal(tf.memory().numTensors, before, 'live tensors before and after');
}

export function assertCoded(fn: () => unknown, expected: { code: string; field: string; message?: string | RegExp }): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CodedError, `expected a CodedError, got ${String(err)}`);
    assert.equal(err.code, expected.code);
    assert.equal(err.field, expected.field);
    if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
    else if (expected.message) assert.match(err.message, expected.message);
    return true;
  });
}
