/**
 * The loss registry: the only losses a job can name. Adding one means writing its file
 * (builder), its schema in schema.ts, and listing it here and in LOSS_TYPES and, unless
 * it is a combinator, in sum.ts. Processes that only validate jobs should import
 * ./schema.js, which needs no TensorFlow.js.
 */
import { cosineLoss } from './cosine.js';
import { linearLoss } from './linear.js';
import { mseLoss } from './mse.js';
import { sumLoss } from './sum.js';
import { pickLoss, type Loss, type LossImpl } from './common.js';
import type { LossType } from './schema.js';

export type { Loss, LossImpl } from './common.js';
export { COSINE_EPSILON } from './cosine.js';
export { TERM_LOSSES } from './sum.js';
export * from './schema.js';

export const LOSSES: Readonly<Record<LossType, LossImpl>> = {
  mse: mseLoss,
  linear: linearLoss,
  cosine: cosineLoss,
  sum: sumLoss,
};

/**
 * Builds the loss `spec` (a LossSpec, schema-validated or not) describes for an x of
 * shape `xShape`. `field` is the spec's JSON path (e.g. "loss"), used in every error.
 * The spec is checked in full and a failed build leaves no tensors behind; on success
 * the caller owns the loss and disposes it.
 */
export function buildLoss(spec: unknown, field: string, xShape: readonly number[]): Loss {
  const picked = pickLoss(LOSSES, spec, field);
  return picked.impl.build(picked.spec, field, xShape);
}
