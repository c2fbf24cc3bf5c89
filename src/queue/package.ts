/**
 * A job as one binary package: every tensor of the job in a safetensors file, named by
 * its JSON path (x_T, z, guidance.uncond, loss.target, loss.terms[0].loss.weights, ...),
 * and the rest of the job as JSON in the metadata under "job", with {"$tensor": name}
 * where each tensor stood. Clients may send a job in this form (no JSON number overhead);
 * the queue stores every job in it.
 */
import { decodeSafetensors, encodeSafetensors } from '../core/tensors/safetensors.js';
import { decodeTensor, encodeTensor, type HostTensor } from '../core/tensors/codec.js';
import { invalid } from '../errors.js';
import { cutDeepNesting } from '../job/nesting.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isWireTensor(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { shape?: unknown }).shape) && ('data' in v || 'b64' in v);
}

function isReference(v: unknown): v is { $tensor: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $tensor?: unknown }).$tensor === 'string';
}

function child(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Packs a (validated) JSON job. */
export function packJob(job: unknown, maxElements?: number): Buffer {
  const tensors: Record<string, HostTensor> = {};
  const walk = (value: unknown, path: string): Json => {
    if (isWireTensor(value)) {
      tensors[path] = decodeTensor(value, path, { maxElements });
      return { $tensor: path };
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, child(path, i)));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, child(path, k))]));
    }
    return value as Json;
  };
  const skeleton = walk(job, '');
  return encodeSafetensors(tensors, { job: JSON.stringify(skeleton) });
}

/** Unpacks a package into the JSON job it stands for (tensors as base64 wire tensors). */
export function unpackJob(buf: Uint8Array, field = 'body', maxElements?: number): unknown {
  const { tensors, metadata } = decodeSafetensors(buf, field, { maxElements });
  if (typeof metadata.job !== 'string') throw invalid(`${field}.__metadata__.job`, 'missing: the job as JSON, with {"$tensor": name} for each tensor');
  let skeleton: unknown;
  try {
    // Cut before the recursive walk below (JSON nested 10 000 deep would overflow the
    // stack): what is cut off is no valid job, and validation refuses it naming the field.
    skeleton = cutDeepNesting(JSON.parse(metadata.job));
  } catch (err) {
    throw invalid(`${field}.__metadata__.job`, `not valid JSON (${(err as Error).message})`);
  }
  const used = new Set<string>();
  const walk = (value: unknown, path: string): unknown => {
    if (isReference(value)) {
      // Own keys only: a reference such as "constructor" must not find Object.prototype's.
      const t = Object.hasOwn(tensors, value.$tensor) ? tensors[value.$tensor] : undefined;
      if (!t) throw invalid(path || field, `refers to tensor "${value.$tensor}", which the file does not hold`);
      used.add(value.$tensor);
      return encodeTensor(t, 'b64');
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, child(path, i)));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, child(path, k))]));
    }
    return value;
  };
  const job = walk(skeleton, '');
  const unused = Object.keys(tensors).filter((name) => !used.has(name));
  if (unused.length > 0) throw invalid(`${field}.${unused[0]}`, 'a tensor the job does not refer to');
  return job;
}
