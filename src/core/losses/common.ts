/**
 * What every loss shares. Losses are declarative: a request names a registered kind and
 * supplies constant tensors, so nothing a client sends is ever executed. Builders check
 * their spec themselves (callers such as the CLI may skip schema validation) and own the
 * constant tensors they create, which `dispose` frees.
 */
import type { TSchema } from '@sinclair/typebox';
import { tf } from '../tf.js';
import { CodedError, invalid } from '../../errors.js';
import { decodeTensor, elementCount, formatShape, sameShape } from '../tensors/codec.js';
import { toTf } from '../tensors/tf-bridge.js';

/** A scalar function of x_0, differentiable with tf autodiff. */
export interface Loss {
  /** The loss at `x0` (shape = the build-time x shape). Keeps no intermediates alive. */
  value(x0: tf.Tensor): tf.Scalar;
  /** Frees the loss's constant tensors; the loss is unusable afterwards. */
  dispose(): void;
}

export interface LossImpl {
  /** JSON schema of this loss's spec, for request validation and the API docs. */
  readonly schema: TSchema;
  /** Builds the loss for an x of shape `xShape`; `field` is the spec's JSON path. */
  build(spec: Record<string, unknown>, field: string, xShape: readonly number[]): Loss;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Finds the implementation `spec.type` names in `registry`. `refusals` maps names that
 * exist elsewhere but are not allowed here to the reason, e.g. nesting a sum in a sum.
 */
export function pickLoss(
  registry: Readonly<Record<string, LossImpl>>,
  spec: unknown,
  field: string,
  refusals: Readonly<Record<string, string>> = {},
): { impl: LossImpl; spec: Record<string, unknown> } {
  const choices = `one of ${Object.keys(registry).join(', ')}`;
  if (!isRecord(spec)) throw invalid(field, `expected a loss object with a "type": ${choices}`);
  const type = spec.type;
  if (type === undefined) throw invalid(`${field}.type`, `missing: ${choices}`);
  if (typeof type === 'string' && Object.hasOwn(refusals, type)) {
    throw invalid(`${field}.type`, `${refusals[type]}: ${choices}`);
  }
  if (typeof type !== 'string' || !Object.hasOwn(registry, type)) {
    throw invalid(`${field}.type`, `unknown loss ${JSON.stringify(type)}: ${choices}`);
  }
  return { impl: registry[type], spec };
}

/** Refuses properties a spec does not define, so that typos are not silently ignored. */
export function checkKeys(spec: Record<string, unknown>, field: string, keys: readonly string[]): void {
  for (const key of Object.keys(spec)) {
    if (!keys.includes(key)) throw invalid(`${field}.${key}`, `unknown property: expected ${keys.join(', ')}`);
  }
}

/**
 * Decodes a constant operand that must have x's shape. The shape is checked before the
 * payload is decoded, and x's own size bounds the element count.
 */
export function constantLike(wire: unknown, field: string, xShape: readonly number[]): tf.Tensor {
  const host = decodeTensor(wire, field, { shape: xShape, maxElements: elementCount(xShape) });
  return toTf(host);
}

/** Guards against a caller passing an x other than the one the loss was built for. */
export function checkInput(x0: tf.Tensor, xShape: readonly number[], name: string): void {
  if (!sameShape(x0.shape, xShape)) {
    throw new CodedError(
      'INTERNAL',
      `${name} loss was built for x of shape ${formatShape(xShape)} but got ${formatShape(x0.shape)}`,
    );
  }
}
