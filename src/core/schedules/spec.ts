/**
 * The JSON shape of a noise schedule, as written in a model's manifest. Only the
 * shape lives here: the schedules themselves are built from it elsewhere in this
 * folder. Defaults follow the papers each schedule comes from, so a manifest may
 * name just the type.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Song et al.'s VP SDE: beta(t) = beta_min + t (beta_max - beta_min), t in [0, 1]. */
export const VpLinearScheduleSchema = Type.Object(
  {
    type: Type.Literal('vp_linear'),
    beta_min: Type.Number({ minimum: 0, maximum: 1000, default: 0.1 }),
    beta_max: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 20 }),
  },
  { additionalProperties: false },
);

/** Nichol & Dhariwal's cosine schedule; s keeps beta finite near t = 0. */
export const VpCosineScheduleSchema = Type.Object(
  {
    type: Type.Literal('vp_cosine'),
    s: Type.Number({ minimum: 0, maximum: 1, default: 0.008 }),
  },
  { additionalProperties: false },
);

/**
 * A DDPM-style table of betas over integer timesteps; `scaled_linear` is linear in
 * sqrt(beta), as in latent diffusion.
 */
export const DiscreteScheduleSchema = Type.Object(
  {
    type: Type.Literal('discrete'),
    betas: Type.Union([Type.Literal('linear'), Type.Literal('scaled_linear')], { default: 'linear' }),
    beta_start: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.0001 }),
    beta_end: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.02 }),
    num_train_timesteps: Type.Integer({ minimum: 2, maximum: 100_000, default: 1000 }),
  },
  { additionalProperties: false },
);

export const ScheduleSpecSchema = Type.Union([VpLinearScheduleSchema, VpCosineScheduleSchema, DiscreteScheduleSchema]);

export type ScheduleSpec = Static<typeof ScheduleSpecSchema>;
export type ScheduleType = ScheduleSpec['type'];

/** The variant schema for each `type`, so validation can report the failing field, not just "no variant matched". */
export const SCHEDULE_VARIANTS = {
  vp_linear: VpLinearScheduleSchema,
  vp_cosine: VpCosineScheduleSchema,
  discrete: DiscreteScheduleSchema,
} as const;

/**
 * Cross-field constraints a JSON schema cannot express. Returns the offending
 * field (relative to the schedule object) and why, or undefined when the spec is sound.
 */
export function scheduleSpecProblem(spec: ScheduleSpec): { field: string; reason: string } | undefined {
  if (spec.type === 'vp_linear' && spec.beta_max < spec.beta_min) {
    return { field: 'beta_max', reason: `must be at least beta_min (${spec.beta_min})` };
  }
  if (spec.type === 'discrete' && spec.beta_end < spec.beta_start) {
    return { field: 'beta_end', reason: `must be at least beta_start (${spec.beta_start})` };
  }
  return undefined;
}
