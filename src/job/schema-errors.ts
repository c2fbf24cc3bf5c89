/**
 * Turns the first JSON-schema violation of a value into one input error that names the
 * field and the reason. For a union (a tensor's two encodings, a loss or schedule
 * chosen by "type") it explains the variant the value was closest to, so that a client
 * reads "z.shape: expected array" rather than "z: expected union value".
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalid, type CodedError } from '../errors.js';

/**
 * "/solver/times/3" -> "solver.times[3]". A key that dots cannot carry (empty, or holding
 * a dot, bracket, quote or space) is written ["like this"], so that an unknown key "" in
 * x_T is named x_T[""] rather than x_T itself.
 */
export function fieldOf(pointer: string, prefix = ''): string {
  // Every segment follows a "/": an empty segment is an empty key, not a separator to skip.
  const parts = pointer === '' ? [] : pointer.split('/').slice(1);
  let out = prefix;
  for (const p of parts) {
    const key = p.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out = `${out}[${key}]`;
    else if (key === '' || /[.[\]"\s]/.test(key)) out = `${out}[${JSON.stringify(key)}]`;
    else out = out ? `${out}.${key}` : key;
  }
  return out || '(body)';
}

function typeLiteral(schema: TSchema): unknown {
  return (schema as { properties?: Record<string, { const?: unknown }> }).properties?.type?.const;
}

function flatten(variants: TSchema[]): TSchema[] {
  return variants.flatMap((v) => {
    const nested = (v as { anyOf?: TSchema[] }).anyOf;
    return nested ? flatten(nested) : [v];
  });
}

/** Past this many, a variant is far off anyway: counting stops (data of millions of wrong elements would take seconds and gigabytes). */
const ERROR_COUNT_CAP = 32;

function countErrors(schema: TSchema, value: unknown): number {
  let count = 0;
  for (const _ of Value.Errors(schema, value)) if (++count >= ERROR_COUNT_CAP) break;
  return count;
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function explain(schema: TSchema, value: unknown, field: string): CodedError | null {
  const first = Value.Errors(schema, value).First();
  if (!first) return null;
  const at = fieldOf(first.path, field);
  const variants = (first.schema as { anyOf?: TSchema[] }).anyOf;
  if (variants && variants.length > 0) {
    const literals = variants.map((v) => (v as { const?: unknown }).const);
    if (literals.every((l) => l !== undefined)) return invalid(at, `${JSON.stringify(first.value)} is not one of ${literals.join(', ')}`);
    const types = variants.map(typeLiteral);
    const given = (first.value as { type?: unknown } | null)?.type;
    // Only an object has a "type" to choose by (an array is no object here: it fails every variant).
    const isObject = typeof first.value === 'object' && first.value !== null && !Array.isArray(first.value);
    if (types.every((t) => t !== undefined) && isObject) {
      if (!(types as unknown[]).includes(given)) {
        return invalid(`${at}.type`, `${given === undefined ? 'missing' : `unknown ${JSON.stringify(given)}`}: one of ${types.join(', ')}`);
      }
      return explain(variants[(types as unknown[]).indexOf(given)], first.value as object, at);
    }
    if (isObject) {
      // No discriminator: explain against the object variant the value breaks least. Nested
      // unions are flattened, so that a tensor given for guidance.scale (a number or a
      // tensor) is explained as a tensor, not as "expected number".
      const objects = flatten(variants).filter((v) => (v as { type?: unknown }).type === 'object');
      const closest = (objects.length > 0 ? objects : variants)
        .map((v) => ({ v, count: countErrors(v, first.value) }))
        .sort((a, b) => a.count - b.count)[0].v;
      return explain(closest, first.value as object, at);
    }
    // A value of a JSON type no variant takes: say which types would do, not "expected union value".
    const accepted = [...new Set(flatten(variants).map((v) => (v as { type?: unknown }).type))];
    if (accepted.every((t) => typeof t === 'string')) return invalid(at, `expected ${accepted.map((t) => (t === 'object' ? 'an object' : `a ${t}`)).join(' or ')}, got ${jsonKind(first.value)}`);
  }
  const reason = first.message.charAt(0).toLowerCase() + first.message.slice(1);
  return invalid(at, reason);
}

/** Throws the explained first violation of `schema` by `value`, if any. */
export function assertSchema(schema: TSchema, value: unknown, field = ''): void {
  const err = explain(schema, value, field);
  if (err) throw err;
}
