/**
 * JSON schemas of the tensor wire format shared by jobs and results. They stay plain
 * JSON Schema (no transforms) because the same objects feed Fastify validation and the
 * OpenAPI spec; the decoder re-checks everything, since not every caller validates first.
 */
import { Type, type Static } from '@sinclair/typebox';

/** More dimensions than any diffusion latent needs; bounds the work done on a shape. */
export const MAX_DIMS = 8;

/** 256 MB of float32: far above real latents, low enough to refuse accidental giants early. */
export const DEFAULT_MAX_ELEMENTS = 2 ** 26;

/** The only element type on the wire: solvers and losses all run in float32. */
export const DTYPES = ['float32'] as const;
export type WireDtype = (typeof DTYPES)[number];

const shapeSchema = () =>
  Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: MAX_DIMS,
    description: `Dimensions, outermost first (row-major); each an integer >= 1, at most ${MAX_DIMS} of them`,
  });

/** A fresh schema per use, so each field can carry its own description without aliasing. */
export function arrayTensorSchema(description = 'A float32 tensor given as a flat JSON array') {
  return Type.Object(
    {
      shape: shapeSchema(),
      data: Type.Array(Type.Number(), {
        description: 'The elements in row-major order; as many as the product of shape, all finite',
      }),
    },
    { additionalProperties: false, description },
  );
}

export function b64TensorSchema(description = 'A float32 tensor given as base64 of its little-endian bytes') {
  return Type.Object(
    {
      shape: shapeSchema(),
      dtype: Type.Literal('float32', { description: 'Element type of the bytes in b64' }),
      b64: Type.String({
        description: 'Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major',
      }),
    },
    { additionalProperties: false, description },
  );
}

/** Either encoding of a tensor; pass a description to document the field that holds it. */
export function tensorSchema(description = 'A float32 tensor, as a JSON array or as base64') {
  return Type.Union([arrayTensorSchema(), b64TensorSchema()], { description });
}

export const TensorSchema = tensorSchema();
export type WireTensor = Static<typeof TensorSchema>;
export type ArrayWireTensor = Static<ReturnType<typeof arrayTensorSchema>>;
export type B64WireTensor = Static<ReturnType<typeof b64TensorSchema>>;

/**
 * A decoded tensor on the host. Values are row-major float32; the array is owned by
 * whoever holds this object (decoders and bridges never alias a tensor's storage).
 */
export interface HostTensor {
  shape: number[];
  values: Float32Array;
}

/** How `encodeTensor` writes values: compact base64, or a readable JSON array. */
export type TensorEncoding = 'b64' | 'array';
