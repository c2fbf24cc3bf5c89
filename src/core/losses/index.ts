/**
 * The loss registry: the only losses a job can name. Adding one means writing its file
 * (schema + builder) and listing it here and, unless it is a combinator, in sum.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CosineLossSpecSchema, cosineLoss } from './cosine.js';
import { LinearLossSpecSchema, linearLoss } from './linear.js';
import { MseLossSpecSchema, mseLoss } from './mse.js';
import { SumLossSpecSchema, sumLoss } from './sum.js';
import { pickLoss, type Loss, type LossImpl } from './common.js';

export type { Loss, LossImpl } from './common.js';
export { COSINE_EPSILON, CosineLossSpecSchema } from './cosine.js';
export { LinearLossSpecSchema } from './linear.js';
export { MseLossSpecSchema } from './mse.js';
export { MAX_SUM_TERMS, SumLossSpecSchema, TermLossSpecSchema } from './sum.js';

export const LOSSES = {
  mse: mseLoss,
  linear: linearLoss,
  cosine: cosineLoss,
  sum: sumLoss,
} as const satisfies Readonly<Record<string, LossImpl>>;

export type LossName = keyof typeof LOSSES;
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

export const LossSpecSchema = Type.Union(
  [MseLossSpecSchema, LinearLossSpecSchema, CosineLossSpecSchema, SumLossSpecSchema],
  { description: `A differentiable scalar function of x_0, chosen by "type": one of ${LOSS_NAMES.join(', ')}` },
);
export type LossSpec = Static<typeof LossSpecSchema>;

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
