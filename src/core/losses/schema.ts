/**
 * The JSON schemas of every loss spec, apart from their implementations: this module
 * needs no TensorFlow.js, so a process that only validates jobs (or serves the OpenAPI
 * document) can import it without loading tf. Plain JSON Schema, closed objects, and no
 * recursion: a sum's terms may not be sums, which nested weighted sums never need anyway.
 */
import { Type, type Static } from '@sinclair/typebox';
import { tensorSchema } from '../tensors/schema.js';

/** The loss names, spelled out for the tf-free side; a test checks they equal LOSSES' keys. */
export const LOSS_TYPES = ['mse', 'linear', 'cosine', 'sum'] as const;
export type LossType = (typeof LOSS_TYPES)[number];

export const MAX_SUM_TERMS = 16;

export const MseLossSpecSchema = Type.Object(
  {
    type: Type.Literal('mse', { description: 'Mean squared error: mean of (x_0 - target)² over all elements' }),
    target: tensorSchema('The target x_0; its shape must equal the shape of x'),
  },
  { additionalProperties: false, description: 'Mean squared error against a target' },
);

export const LinearLossSpecSchema = Type.Object(
  {
    type: Type.Literal('linear', { description: 'Linear functional: sum of weights ⊙ x_0' }),
    weights: tensorSchema('The weights, i.e. the gradient of the loss; its shape must equal the shape of x'),
  },
  { additionalProperties: false, description: 'Sum of weights times x_0, elementwise' },
);

export const CosineLossSpecSchema = Type.Object(
  {
    type: Type.Literal('cosine', {
      description: '1 - cosine similarity of x_0[b] and target[b] (each flattened), averaged over the batch',
    }),
    target: tensorSchema('The target x_0; its shape must equal the shape of x, whose first axis is the batch'),
  },
  { additionalProperties: false, description: 'Cosine distance to a target, per batch element' },
);

export const TermLossSpecSchema = Type.Union([MseLossSpecSchema, LinearLossSpecSchema, CosineLossSpecSchema], {
  description: 'A loss that is not itself a sum',
});

export const SumLossSpecSchema = Type.Object(
  {
    type: Type.Literal('sum', { description: 'Weighted sum of simple losses' }),
    terms: Type.Array(
      Type.Object(
        {
          weight: Type.Number({ description: 'Finite factor this term is multiplied by (may be negative)' }),
          loss: TermLossSpecSchema,
        },
        { additionalProperties: false, description: 'One weighted term' },
      ),
      { minItems: 1, maxItems: MAX_SUM_TERMS, description: `1 to ${MAX_SUM_TERMS} weighted terms` },
    ),
  },
  { additionalProperties: false, description: 'Sum over terms of weight × loss' },
);

export const LossSpecSchema = Type.Union(
  [MseLossSpecSchema, LinearLossSpecSchema, CosineLossSpecSchema, SumLossSpecSchema],
  { description: `A differentiable scalar function of x_0, chosen by "type": one of ${LOSS_TYPES.join(', ')}` },
);

export type LossSpec = Static<typeof LossSpecSchema>;
export type TermLossSpec = Static<typeof TermLossSpecSchema>;
