/**
 * Checks a job at the door, before any numerics: the schema (unknown keys, types), the
 * registries' names, limits, the time grid against the schedule, and every tensor's data
 * and shape against the model's manifest. Everything that fails is an input error
 * naming the field. The tensors come back decoded, so nothing is decoded twice.
 */
import { Value } from '@sinclair/typebox/value';
import { invalid } from '../errors.js';
import type { Config } from '../config.js';
import { decodeTensor, expectShape, type HostTensor } from '../core/tensors/codec.js';
import { SCHEDULE_VARIANTS, scheduleSpecProblem, type ScheduleSpec } from '../core/schedules/spec.js';
import { makeSchedule } from '../core/schedules/index.js';
import type { ModelManifest } from '../core/models/manifest.js';
import type { AdjointSolverName, Wrt } from '../core/gradients/types.js';
import { GRADIENT_METHOD_CHOICES, JobSchema, SOLVER_CHOICES, type ParsedJob } from './schema.js';
import { assertSchema } from './schema-errors.js';
import { checkTimes } from './times.js';
import { checkLossSpec } from './loss-check.js';
import { checkWebhookUrl } from '../webhooks/spec.js';
import { cutDeepNesting } from './nesting.js';

export interface ValidJob {
  job: ParsedJob & { gradient: NonNullable<ParsedJob['gradient']> };
  schedule: ScheduleSpec;
  /** The n + 1 piece boundaries, or the grid's ends. */
  grid: { kind: ParsedJob['solver']['grid']; tStart: number; tEnd: number; times?: number[] };
  method: string;
  wrt: Wrt[];
  adjointSolver: AdjointSolverName;
  tensors: { xT: HostTensor; z: HostTensor; scale?: HostTensor; uncond?: HostTensor };
}

const DEFAULT_ADJOINT_SOLVER: Record<string, AdjointSolverName> = { euler: 'euler', ddim: 'euler', heun: 'heun', dpmpp_2m: 'heun', rk4: 'rk4' };

function oneOf(value: string, choices: string[], field: string, what: string): void {
  if (!choices.includes(value)) throw invalid(field, `unknown ${what} ${JSON.stringify(value)}: one of ${choices.join(', ')}`);
}

/** Validates the schema alone and applies defaults (no manifest needed). */
export function parseJob(raw: unknown): ParsedJob {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('(body)', 'expected a JSON object');
  // Cut before the recursive walks below; the schema check then refuses what was cut.
  const job = Value.Default(JobSchema, Value.Clone(cutDeepNesting(raw))) as ParsedJob;
  // Defaults inside a union are not applied by the schema walk: fill the chosen variant's.
  const sched = job.schedule as { type?: string } | undefined;
  if (sched && typeof sched.type === 'string' && Object.hasOwn(SCHEDULE_VARIANTS, sched.type)) {
    Value.Default(SCHEDULE_VARIANTS[sched.type as keyof typeof SCHEDULE_VARIANTS], sched);
  }
  assertSchema(JobSchema, job);
  if (job.webhook) checkWebhookUrl(job.webhook.url);
  return job;
}

/** Validates a job against the model's manifest; pass a ParsedJob to skip parsing it again. */
export function validateJob(raw: unknown, manifest: ModelManifest, config: Pick<Config, 'limits'>, parsed?: ParsedJob): ValidJob {
  const job = parsed ?? parseJob(raw);
  const { limits } = config;
  const { solver } = job;
  const gradient = job.gradient ?? (Value.Default(JobSchema.properties.gradient, {}) as NonNullable<ParsedJob['gradient']>);
  oneOf(solver.method, SOLVER_CHOICES, 'solver.method', 'solver');
  oneOf(gradient.method, GRADIENT_METHOD_CHOICES, 'gradient.method', 'gradient method');
  const n = solver.steps;
  if (n > limits.maxSteps) throw invalid('solver.steps', `${n} is more than the limit of ${limits.maxSteps}`);
  if (solver.substeps > limits.maxSubsteps) throw invalid('solver.substeps', `${solver.substeps} is more than the limit of ${limits.maxSubsteps}`);
  if (n * solver.substeps > limits.maxSteps) throw invalid('solver.substeps', `steps × substeps = ${n * solver.substeps} is more than the limit of ${limits.maxSteps} solver steps`);
  if (gradient.adjoint_substeps > limits.maxSubsteps) throw invalid('gradient.adjoint_substeps', `${gradient.adjoint_substeps} is more than the limit of ${limits.maxSubsteps}`);

  const schedule = (job.schedule ?? manifest.schedule) as ScheduleSpec;
  const problem = scheduleSpecProblem(schedule);
  if (problem) throw invalid(`schedule.${problem.field}`, problem.reason);
  const grid = checkTimes(makeSchedule(schedule), solver);

  const opts = { maxElements: limits.maxTensorElements };
  const xT = decodeTensor(job.x_T, 'x_T', opts);
  const batch = xT.shape[0];
  if (batch > limits.maxBatch) throw invalid('x_T.shape[0]', `batch ${batch} is more than the limit of ${limits.maxBatch}`);
  expectShape(xT, [batch, ...manifest.data_shape], 'x_T');
  const z = decodeTensor(job.z, 'z', opts);
  expectShape(z, [n, batch, ...manifest.cond_shape], 'z');
  checkLossSpec(job.loss, 'loss', xT.shape, limits.maxTensorElements);
  const tensors: ValidJob['tensors'] = { xT, z };
  if (job.guidance) {
    const { scale, uncond } = job.guidance;
    if (typeof scale === 'number') {
      if (!Number.isFinite(scale)) throw invalid('guidance.scale', 'must be finite');
      tensors.scale = { shape: [n], values: new Float32Array(n).fill(scale) };
    } else {
      tensors.scale = decodeTensor(scale, 'guidance.scale', opts);
      expectShape(tensors.scale, [n], 'guidance.scale');
    }
    tensors.uncond = decodeTensor(uncond, 'guidance.uncond', opts);
    expectShape(tensors.uncond, [n, batch, ...manifest.cond_shape], 'guidance.uncond');
  }

  const wrt: Wrt[] = gradient.wrt ?? (job.guidance ? ['x_T', 'z', 'guidance_scale', 'uncond'] : ['x_T', 'z']);
  for (const w of ['guidance_scale', 'uncond'] as const) {
    if (wrt.includes(w) && !job.guidance) throw invalid('gradient.wrt', `"${w}" needs guidance in the job`);
  }
  return {
    job: { ...job, gradient },
    schedule,
    grid,
    method: gradient.method,
    wrt,
    adjointSolver: gradient.adjoint_solver ?? DEFAULT_ADJOINT_SOLVER[solver.method],
    tensors,
  };
}
