/**
 * The tensor wire format of jobs and results: `{ shape, data }` or
 * `{ shape, dtype: "float32", b64 }`. Decoding trusts nothing (callers may skip schema
 * validation, e.g. the CLI), and every refusal names the exact sub-field, because these
 * messages go to clients verbatim. Also the host side: shape checks (the tf bridge is in tf-bridge.ts, so that this
 * module needs no TensorFlow.js).
 * This module is the entry point of the tensors folder.
 */
import { CodedError, invalid } from '../../errors.js';
import { decodeFloat32Base64, encodeFloat32Base64, firstNonFinite } from './base64.js';
import { DEFAULT_MAX_ELEMENTS, DTYPES, MAX_DIMS, type HostTensor, type TensorEncoding, type WireTensor } from './schema.js';

export * from './schema.js';

export interface DecodeOptions {
  /** Refuse tensors with more elements than this (default DEFAULT_MAX_ELEMENTS). */
  maxElements?: number;
  /** When given, the shape is checked before the payload is decoded (SHAPE_MISMATCH). */
  shape?: readonly number[];
}

/** Number of elements of a shape; 1 for a scalar's empty shape. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[2,3]`: the form every shape appears in within error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws SHAPE_MISMATCH on `field.shape` unless `host` has exactly the `expected` shape. */
export function expectShape(host: { shape: readonly number[] }, expected: readonly number[], field: string): void {
  if (!sameShape(host.shape, expected)) {
    throw invalid(
      `${field}.shape`,
      `expected ${formatShape(expected)} but got ${formatShape(host.shape)}`,
      'SHAPE_MISMATCH',
    );
  }
}

const KEYS = new Set(['shape', 'data', 'dtype', 'b64']);

function bad(field: string, reason: string): CodedError {
  return invalid(field, reason, 'INVALID_TENSOR');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeShape(shape: unknown, field: string): number[] {
  if (!Array.isArray(shape)) throw bad(`${field}.shape`, 'expected an array of dimensions');
  if (shape.length > MAX_DIMS) throw bad(`${field}.shape`, `has ${shape.length} dimensions, at most ${MAX_DIMS} allowed`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw bad(`${field}.shape[${i}]`, `expected an integer >= 1 but got ${JSON.stringify(d) ?? String(d)}`);
    }
  });
  return [...(shape as number[])];
}

/** Why the float32 values cannot be accepted, or null. `inputs` explains an overflow. */
function nonFiniteReason(values: Float32Array, inputs?: readonly number[]): string | null {
  const i = firstNonFinite(values);
  if (i < 0) return null;
  const v = inputs ? inputs[i] : values[i];
  return Number.isFinite(v)
    ? `value ${v} at flat index ${i} is outside the float32 range`
    : `non-finite value ${v} at flat index ${i}`;
}

function decodeArray(data: unknown, field: string, count: number, shape: number[]): Float32Array {
  if (!Array.isArray(data)) throw bad(`${field}.data`, 'expected an array of numbers');
  if (data.length !== count) {
    throw bad(`${field}.data`, `has ${data.length} values but shape ${formatShape(shape)} needs ${count}`);
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number') throw bad(`${field}.data`, `element at flat index ${i} is not a number`);
    values[i] = v;
  }
  const reason = nonFiniteReason(values, data as number[]);
  if (reason) throw bad(`${field}.data`, reason);
  return values;
}

function decodeB64(wire: Record<string, unknown>, field: string, count: number): Float32Array {
  if (wire.dtype === undefined) throw bad(`${field}.dtype`, `missing: one of ${DTYPES.join(', ')}`);
  if (!(DTYPES as readonly unknown[]).includes(wire.dtype)) {
    throw bad(`${field}.dtype`, `unknown dtype ${JSON.stringify(wire.dtype)}: one of ${DTYPES.join(', ')}`);
  }
  if (typeof wire.b64 !== 'string') throw bad(`${field}.b64`, 'expected a base64 string');
  const values = decodeFloat32Base64(wire.b64, count);
  if (typeof values === 'string') throw bad(`${field}.b64`, values);
  const reason = nonFiniteReason(values);
  if (reason) throw bad(`${field}.b64`, reason);
  return values;
}

/**
 * Validates and decodes a wire tensor found at JSON path `field`. Throws INVALID_TENSOR
 * (or SHAPE_MISMATCH when `opts.shape` is given) naming the sub-field at fault.
 */
export function decodeTensor(wire: unknown, field: string, opts: DecodeOptions = {}): HostTensor {
  if (!isRecord(wire)) {
    throw bad(field, 'expected a tensor object: { shape, data } or { shape, dtype, b64 }');
  }
  for (const key of Object.keys(wire)) {
    if (!KEYS.has(key)) throw bad(`${field}.${key}`, 'unknown property of a tensor');
  }
  const hasData = wire.data !== undefined;
  const hasB64 = wire.b64 !== undefined;
  if (hasData === hasB64) {
    throw bad(field, hasData ? 'has both "data" and "b64": give one' : 'needs either "data" or "b64"');
  }
  if (hasData && wire.dtype !== undefined) {
    throw bad(`${field}.dtype`, 'only base64 tensors carry a dtype (array data is always float32)');
  }
  const shape = decodeShape(wire.shape, field);
  if (opts.shape) expectShape({ shape }, opts.shape, field);
  const count = elementCount(shape);
  const maxElements = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (count > maxElements) {
    throw bad(`${field}.shape`, `${formatShape(shape)} has ${count} elements, more than the limit of ${maxElements}`);
  }
  const values = hasData ? decodeArray(wire.data, field, count, shape) : decodeB64(wire, field, count);
  return { shape, values };
}

/**
 * Encodes for the wire. 'b64' is bit-exact. 'array' holds the exact float32 values as JS
 * numbers, which JSON round-trips exactly, except that JSON has no negative zero.
 */
export function encodeTensor(host: HostTensor, encoding: TensorEncoding): WireTensor {
  const shape = [...host.shape];
  if (encoding === 'b64') return { shape, dtype: 'float32', b64: encodeFloat32Base64(host.values) };
  return { shape, data: Array.from(host.values) };
}
