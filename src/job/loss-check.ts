/**
 * The door check of a loss: every constant tensor decodes and has x's shape. The schema
 * has already fixed the types and keys; building the loss (with TensorFlow.js) happens in
 * the worker and checks the same again.
 */
import { decodeTensor, expectShape } from '../core/tensors/codec.js';
import type { LossSpec } from '../core/losses/schema.js';

const TENSOR_FIELD: Record<string, string> = { mse: 'target', cosine: 'target', linear: 'weights' };

export function checkLossSpec(spec: LossSpec, field: string, xShape: readonly number[], maxElements: number): void {
  if (spec.type === 'sum') {
    spec.terms.forEach((term, i) => checkLossSpec(term.loss as LossSpec, `${field}.terms[${i}].loss`, xShape, maxElements));
    return;
  }
  const key = TENSOR_FIELD[spec.type];
  const at = `${field}.${key}`;
  expectShape(decodeTensor((spec as Record<string, unknown>)[key], at, { maxElements }), xShape, at);
}
