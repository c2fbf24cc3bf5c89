/**
 * The job format: one TypeBox schema gives validation, the TypeScript type and (for the
 * HTTP API) the OpenAPI document. Unknown keys are rejected everywhere. Names with a
 * registry (solver, gradient method) are plain strings here and checked against the
 * registry, so that an error can list the valid choices.
 */
import { Type, type Static } from '@sinclair/typebox';
import { tensorSchema } from '../core/tensors/schema.js';
import { LossSpecSchema } from '../core/losses/schema.js';
import { ScheduleSpecSchema } from '../core/schedules/spec.js';
import { GRID_KINDS } from '../core/solvers/grid.js';
import { ADJOINT_SOLVERS, WRT_NAMES } from '../core/gradients/types.js';
import { DEFAULT_WEBHOOK_EVENTS, WEBHOOK_EVENTS, WEBHOOK_URL_MAX_LENGTH } from '../webhooks/spec.js';

// The registries' names, spelled out so that the schema (and the API process that uses it)
// needs no TensorFlow.js; a test checks they equal the registries' keys.
export const SOLVER_CHOICES = ['euler', 'heun', 'rk4', 'ddim', 'dpmpp_2m'];
export const GRADIENT_METHOD_CHOICES = ['discrete', 'adjoint', 'adjoint_backsolve', 'adjoint_deis'];

export const SolverOptionsSchema = Type.Object(
  {
    method: Type.String({ description: `One of ${SOLVER_CHOICES.join(', ')}`, examples: ['ddim'] }),
    steps: Type.Integer({ minimum: 1, description: 'n: the number of z pieces; z_k drives piece k' }),
    substeps: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'Solver steps inside each z piece' })),
    t_start: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'T; default: the schedule\'s largest time (1, or 0.9946 for vp_cosine)' })),
    t_end: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Default 1e-3 (1/N for discrete schedules)' })),
    grid: Type.Optional(Type.Union([...GRID_KINDS.map((k) => Type.Literal(k))], { default: 'uniform_t', description: 'How the n + 1 piece boundaries are placed' })),
    times: Type.Optional(Type.Array(Type.Number(), { description: 'For grid "explicit": n + 1 strictly decreasing times' })),
  },
  { additionalProperties: false },
);

export const DiagnosticsOptionsSchema = Type.Object(
  {
    fd_probe: Type.Optional(Type.Boolean({ default: false, description: 'Compare <grad, v> with central differences of the loss along a random v' })),
    fd_step: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1e-3, description: 'h of the probe: L(p ± h v), v ~ N(0, I)' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Seed of the probe direction' })),
    compare_discrete: Type.Optional(Type.Boolean({ default: false, description: 'For adjoint methods: relative L2 difference to the exact discrete gradient' })),
  },
  { additionalProperties: false },
);

export const GradientOptionsSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ default: 'discrete', description: `One of ${GRADIENT_METHOD_CHOICES.join(', ')}` })),
    wrt: Type.Optional(
      Type.Array(Type.Union(WRT_NAMES.map((w) => Type.Literal(w))), {
        uniqueItems: true,
        description: 'What to differentiate with respect to; default x_T and z (and guidance_scale and uncond when guided). theta is the expensive one.',
      }),
    ),
    adjoint_substeps: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'Adjoint substeps per solver step (continuous adjoint methods)' })),
    adjoint_solver: Type.Optional(
      Type.Union(ADJOINT_SOLVERS.map((s) => Type.Literal(s)), { description: 'Runge-Kutta method of the continuous adjoint; default: euler for euler/ddim, heun for heun/dpmpp_2m, rk4 for rk4' }),
    ),
    order: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)], { default: 2, description: 'Order of adjoint_deis (2: multistep)' })),
    memory_budget_mb: Type.Optional(Type.Number({ minimum: 0, description: 'Cap on the tape of a one-pass discrete gradient; 0 forces per-step checkpoints' })),
    diagnostics: Type.Optional(DiagnosticsOptionsSchema),
  },
  { additionalProperties: false },
);

export const GuidanceSchema = Type.Object(
  {
    scale: Type.Union([Type.Number(), tensorSchema('Per-step guidance weights w_k, shape [n]')], { description: 'w: one number for every step, or a tensor [n]' }),
    uncond: tensorSchema('Unconditional embeddings u_k, shape [n, B, ...cond_shape]'),
  },
  { additionalProperties: false },
);

export const WebhookSpecSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: WEBHOOK_URL_MAX_LENGTH, description: 'http or https, no user:password; loopback, link-local and private addresses are refused unless the operator allows them', examples: ['https://example.com/hooks/diffgrad'] }),
    events: Type.Optional(
      Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), {
        uniqueItems: true,
        minItems: 1,
        default: [...DEFAULT_WEBHOOK_EVENTS],
        description: 'Events to deliver; progress (at most one a second, best-effort) only when listed',
      }),
    ),
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 256, writeOnly: true, description: 'Signs the deliveries (never shown again); default: the API key\'s webhook secret, else the service\'s' }),
    ),
  },
  { additionalProperties: false, description: 'POSTs a signed JSON event (Standard Webhooks headers) when the job ends, retried with backoff' },
);

export const JobSchema = Type.Object(
  {
    model: Type.String({ description: 'Model id (GET /v1/models lists them)' }),
    x_T: tensorSchema('The noise at t = T, shape [B, ...data_shape]'),
    z: tensorSchema('The z-schedule, shape [n, B, ...cond_shape]; z_k drives piece k'),
    guidance: Type.Optional(GuidanceSchema),
    loss: LossSpecSchema,
    solver: SolverOptionsSchema,
    schedule: Type.Optional(ScheduleSpecSchema),
    gradient: Type.Optional(GradientOptionsSchema),
    webhook: Type.Optional(WebhookSpecSchema),
  },
  { additionalProperties: false, $id: 'Job' },
);

export type Job = Static<typeof JobSchema>;
export type SolverOptions = Static<typeof SolverOptionsSchema>;
export type GradientOptionsSpec = Static<typeof GradientOptionsSchema>;

/** A job after its defaults are filled in (parseJob): the optional-with-default fields are set. */
export type ParsedJob = Omit<Job, 'solver' | 'gradient'> & {
  solver: Required<Pick<SolverOptions, 'substeps' | 'grid'>> & SolverOptions;
  gradient?: Required<Pick<GradientOptionsSpec, 'method' | 'adjoint_substeps' | 'order'>> & GradientOptionsSpec;
};
