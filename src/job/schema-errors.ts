/**
 * Turns the first JSON-schema violation of a value into one input error that names the
 * field and the reason. For a union (a tensor's two encodings, a loss or schedule
 * chosen by "type") it explains the variant the value was closest to, so that a client
 * reads "z.shape: expected array" rather than "z: expected union value".
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalid, type CodedError } from '../errors.js';

/** "/solver/times/3" -> "solver.times[3]" */
export function fieldOf(pointer: string, prefix = ''): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  let out = prefix;
  for (const p of parts) {
    const key = p.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(key) ? `${out}[${key}]` : out ? `${out}.${key}` : key;
  }
  return out || '(body)';
}

function typeLiteral(schema: TSchema): unknown {
  return (schema as { properties?: Record<string, { const?: unknown }> }).properties?.type?.const;
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
    if (types.every((t) => t !== undefined) && typeof first.value === 'object' && first.value !== null) {
      if (!(types as unknown[]).includes(given)) {
        return invalid(`${at}.type`, `${given === undefined ? 'missing' : `unknown ${JSON.stringify(given)}`}: one of ${types.join(', ')}`);
      }
      return explain(variants[(types as unknown[]).indexOf(given)], first.value as object, at);
    }
    if (typeof first.value === 'object' && first.value !== null && !Array.isArray(first.value)) {
      // No discriminator: explain against the variant the value breaks least.
      const closest = variants
        .map((v) => ({ v, count: [...Value.Errors(v, first.value as object)].length }))
        .sort((a, b) => a.count - b.count)[0].v;
      return explain(closest, first.value as object, at);
    }
  }
  const reason = first.message.charAt(0).toLowerCase() + first.message.slice(1);
  return invalid(at, reason);
}

/** Throws the explained first violation of `schema` by `value`, if any. */
export function assertSchema(schema: TSchema, value: unknown, field = ''): void {
  const err = explain(schema, value, field);
  if (err) throw err;
}
