/** The API's response schemas (TypeBox): validation-free documentation and the OpenAPI spec. */
import { Type } from '@sinclair/typebox';
import { tensorSchema } from '../core/tensors/schema.js';
import { WEBHOOK_EVENTS } from '../webhooks/spec.js';
import { DELIVERY_OUTCOMES } from '../webhooks/deliveries.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What went wrong, for a person' }),
    code: Type.String({ description: 'Machine-readable error code, e.g. INVALID_JOB, SHAPE_MISMATCH, UNKNOWN_MODEL' }),
    field: Type.Optional(Type.String({ description: 'JSON path of the offending field, e.g. z.shape' })),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'An RFC 9457 problem (application/problem+json)' },
);

export const ProgressSchema = Type.Object(
  {
    phase: Type.Union([Type.Literal('forward'), Type.Literal('backward')]),
    step: Type.Integer(),
    steps: Type.Integer(),
  },
  { $id: 'Progress' },
);

export const JobFailureSchema = Type.Object(
  {
    code: Type.String({ description: 'e.g. INVALID_JOB, NUMERICAL_BLOWUP, CANCELED, INTERNAL' }),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    step: Type.Optional(Type.Integer({ description: 'NUMERICAL_BLOWUP: the solver step where NaN or Inf appeared' })),
    phase: Type.Optional(Type.String()),
  },
  { $id: 'JobFailure' },
);

export const JobSummarySchema = Type.Object(
  {
    loss: Type.Number(),
    stats: Type.Record(Type.String(), Type.Unknown()),
    diagnostics: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'JobSummary' },
);

export const WebhookDeliverySchema = Type.Object({
  event: Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))),
  delivery_id: Type.String({ description: 'The webhook-id header: the same on every attempt of one delivery' }),
  attempt: Type.Integer({ minimum: 1 }),
  outcome: Type.Union(DELIVERY_OUTCOMES.map((o) => Type.Literal(o)), {
    description: 'delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach',
  }),
  http_status: Type.Optional(Type.Integer({ description: 'The receiver\'s answer, when there was one' })),
  error: Type.Optional(Type.String({ description: 'What went wrong: no answer in time, a connection error, a refused address' })),
  at: Type.String({ format: 'date-time', description: 'When the attempt started' }),
  duration_ms: Type.Integer({ minimum: 0 }),
});

export const JobRecordSchema = Type.Object(
  {
    id: Type.String(),
    tenant: Type.String({ description: 'The tenant that submitted the job ("public" when the service runs without keys)' }),
    status: Type.Union(['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => Type.Literal(s))),
    model: Type.String(),
    progress: Type.Union([Type.Ref(ProgressSchema), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    error: Type.Union([Type.Ref(JobFailureSchema), Type.Null()]),
    summary: Type.Union([Type.Ref(JobSummarySchema), Type.Null()]),
    webhook: Type.Union(
      [
        Type.Object({
          url: Type.String(),
          events: Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e)))),
          deliveries: Type.Array(WebhookDeliverySchema, { description: 'Each delivery attempt so far, oldest first (the latest 100)' }),
        }),
        Type.Null(),
      ],
      { description: 'The job\'s webhook (never its secret) and its deliveries; null when the job asked for none' },
    ),
    urls: Type.Object({
      self: Type.String(),
      result: Type.String(),
      events: Type.String(),
      cancel: Type.String(),
    }),
  },
  { $id: 'JobRecord' },
);

const WireTensor = tensorSchema('A float32 tensor');

export const JobResultSchema = Type.Object(
  {
    loss: Type.Number(),
    x0: WireTensor,
    grad: Type.Object({
      x_T: Type.Optional(tensorSchema('dL/dx_T, [B, ...data_shape]')),
      z: Type.Optional(tensorSchema('dL/dz_k for every step, [n, B, ...cond_shape]')),
      theta: Type.Optional(Type.Record(Type.String(), tensorSchema(), { description: 'dL/dtheta by weight name (as in model.json)' })),
      guidance_scale: Type.Optional(tensorSchema('dL/dw_k, [n]')),
      uncond: Type.Optional(tensorSchema('dL/du_k, [n, B, ...cond_shape]')),
    }),
    diagnostics: Type.Record(Type.String(), Type.Unknown()),
    stats: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'JobResult' },
);

export const ModelSchema = Type.Object(
  {
    id: Type.String(),
    description: Type.Optional(Type.String()),
    data_shape: Type.Array(Type.Integer()),
    cond_shape: Type.Array(Type.Integer()),
    prediction: Type.String(),
    schedule: Type.Record(Type.String(), Type.Unknown()),
    time_scale: Type.Number(),
    parameter_count: Type.Integer(),
    weights: Type.Array(Type.Object({ name: Type.String(), shape: Type.Array(Type.Integer()) }), {
      description: 'The weights, by the names theta-gradients are returned under',
    }),
  },
  { $id: 'Model' },
);

export const IdParamsSchema = Type.Object({ id: Type.String({ maxLength: 128 }) });

/** A problem response, documented with its media type. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } };
}
