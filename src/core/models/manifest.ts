/**
 * manifest.json: what the engine must know about a model that the LayersModel
 * itself does not say (what it predicts, under which noise schedule, how t is fed).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CodedError } from '../../errors.js';
import { SCHEDULE_VARIANTS, ScheduleSpecSchema, scheduleSpecProblem } from '../schedules/spec.js';

/** Ids double as folder names, so they may never spell a path. */
export const MODEL_ID_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
export const MAX_MODEL_ID_LENGTH = 64;

const Dim = Type.Integer({ minimum: 1, maximum: 65_536 });

export const ModelManifestSchema = Type.Object(
  {
    id: Type.String({ pattern: MODEL_ID_PATTERN, minLength: 1, maxLength: MAX_MODEL_ID_LENGTH }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    data_shape: Type.Array(Dim, { minItems: 1, maxItems: 4 }),
    cond_shape: Type.Array(Dim, { minItems: 1, maxItems: 4 }),
    prediction: Type.Union([Type.Literal('epsilon'), Type.Literal('v'), Type.Literal('x0')]),
    schedule: ScheduleSpecSchema,
    /** The network sees t * time_scale, e.g. 1000 for models trained on integer DDPM steps. */
    time_scale: Type.Number({ exclusiveMinimum: 0, maximum: 1e6, default: 1 }),
  },
  { additionalProperties: false },
);

export type ModelManifest = Static<typeof ModelManifestSchema>;

/** `/schedule/beta_min` → `schedule.beta_min`, `/data_shape/0` → `data_shape[0]`, matching the errors' field style. */
function fieldOf(pointer: string, prefix = ''): string {
  const parts = pointer.split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = prefix;
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

function fail(folderName: string, field: string, reason: string): never {
  throw new CodedError('MODEL_LOAD_FAILED', `model "${folderName}": manifest.json: ${field || '(root)'}: ${reason}`, {
    field,
  });
}

function firstError(schema: Parameters<typeof Value.Errors>[0], value: unknown, prefix: string) {
  const error = Value.Errors(schema, value).First();
  return error === undefined ? undefined : { field: fieldOf(error.path, prefix), reason: error.message };
}

/**
 * Validates a parsed manifest.json, filling defaults. Throws MODEL_LOAD_FAILED
 * naming the first offending field.
 */
export function parseManifest(json: unknown, folderName: string): ModelManifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(folderName, '', 'must be a JSON object');
  const value = Value.Default(ModelManifestSchema, Value.Clone(json)) as Record<string, unknown>;
  if (!Value.Check(ModelManifestSchema, value)) {
    // A union failure only says "no variant matched"; the variant the author meant says which field is wrong.
    const schedule = value.schedule as { type?: unknown } | undefined;
    const variant =
      typeof schedule === 'object' && schedule !== null && typeof schedule.type === 'string'
        ? SCHEDULE_VARIANTS[schedule.type as keyof typeof SCHEDULE_VARIANTS]
        : undefined;
    // Union defaults are dropped when no variant passes, so they are reapplied before asking the variant.
    const scheduleError = variant ? firstError(variant, Value.Default(variant, Value.Clone(schedule)), 'schedule') : undefined;
    const error = firstError(ModelManifestSchema, value, '');
    const chosen = error?.field.startsWith('schedule') && scheduleError ? scheduleError : error;
    if (chosen) fail(folderName, chosen.field, chosen.reason);
    fail(folderName, '', 'does not match the manifest schema');
  }
  const manifest = value as ModelManifest;
  if (manifest.id !== folderName) fail(folderName, 'id', `"${manifest.id}" must equal its folder name "${folderName}"`);
  const problem = scheduleSpecProblem(manifest.schedule);
  if (problem) fail(folderName, `schedule.${problem.field}`, problem.reason);
  return manifest;
}

/** Whether a string may name a model folder: checked before an id is ever compared with the disk listing. */
export function isValidModelId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_MODEL_ID_LENGTH && new RegExp(MODEL_ID_PATTERN).test(id);
}
