/**
 * Mutations of a valid job, as plain data (so that fast-check prints and shrinks them) and
 * one interpreter that applies them. A mutation picks its target by index into the job's
 * current paths, so mutations compose: each applies to whatever the previous left.
 * The kinds: any value at any path (wrong types, extremes, non-finite spellings, deep
 * nesting), a deleted key, an unknown key at any level, shapes off by one / negative /
 * huge / fractional / with too many dimensions, data of the wrong length or with
 * extreme values, tensors re-encoded as (spoiled) base64, and valid alternatives for
 * every named choice (solvers, methods, grids, schedules, losses), which the worker must
 * run or refuse with a code.
 */
import fc from 'fast-check';
import { GRADIENT_METHOD_CHOICES, SOLVER_CHOICES } from '../../src/job/schema.js';
import { nested, Raw } from './json-text.js';
import type { Json } from './base-jobs.js';
import { b64Corruption, corruptBase64, DTYPE_GUESSES, EXTREME_NUMBERS, FINITE_EDGE_BITS, float32Bytes, NON_FINITE_BITS, NON_FINITE_JSON, type B64Corruption } from './tensor-payloads.js';

/** A job under mutation: JSON plus Raw values spliced in as text. */
type Value = Json | Raw | Value[] | { [key: string]: Value };
type Container = Value[] | { [key: string]: Value };
type Path = Array<string | number>;

export type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'unknown-key'; at: number; key: string; value: unknown }
  | { kind: 'shape'; tensor: number; op: ShapeOp; refit: boolean }
  | { kind: 'data'; tensor: number; op: DataOp }
  | { kind: 'base64'; tensor: number; poke: { index: number; bits: number } | null; dtype: unknown; corruption: B64Corruption }
  | { kind: 'choice'; path: string; value: unknown };

type ShapeOp = { dim: number; to: unknown } | { dim: number; delta: number } | 'append-1' | 'append-2' | 'drop-last' | 'nine-dims' | 'empty';
type DataOp = { length: number } | { index: number; value: unknown };

/** "loss.terms[0].loss.target", and x_T[""] for keys dots cannot carry: the form in which problems name fields. */
export function fieldName(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number' || /^\d+$/.test(p)) out = `${out}[${p}]`;
    else if (p === '' || /[.[\]"\s]/.test(p)) out = `${out}[${JSON.stringify(p)}]`;
    else out = out ? `${out}.${p}` : p;
  }
  return out || '(body)';
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null && !(v instanceof Raw);
const isTensor = (v: unknown): v is { [key: string]: Value } => isContainer(v) && !Array.isArray(v) && 'shape' in v && ('data' in v || 'b64' in v);

/** Every path in `v` (the root included); long arrays contribute their ends and middle only. */
function pathsOf(v: Value, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (!isContainer(v)) return out;
  if (Array.isArray(v)) {
    const picks = v.length <= 4 ? v.keys() : new Set([0, 1, v.length >> 1, v.length - 1]).values();
    for (const i of picks) out.push(...pathsOf(v[i], [...prefix, i]));
  } else {
    for (const [k, child] of Object.entries(v)) out.push(...pathsOf(child, [...prefix, k]));
  }
  return out;
}

function at(root: Value, path: Path): Value | undefined {
  let v: Value | undefined = root;
  for (const p of path) v = isContainer(v) ? (v as Record<string | number, Value>)[p] : undefined;
  return v;
}

function parentAndKey(root: Value, path: Path): [Record<string | number, Value>, string | number] | null {
  if (path.length === 0) return null;
  const parent = at(root, path.slice(0, -1));
  return isContainer(parent) ? [parent as Record<string | number, Value>, path[path.length - 1]] : null;
}

/** Sets a value at a dotted path such as "gradient.adjoint_solver", creating objects on the way. */
function setDotted(root: Value, dotted: string, value: Value): void {
  const keys = dotted.split('.');
  let v = root as Record<string, Value>;
  for (const k of keys.slice(0, -1)) {
    if (!isContainer(v[k]) || Array.isArray(v[k])) v[k] = {};
    v = v[k] as Record<string, Value>;
  }
  v[keys[keys.length - 1]] = value;
}

function clone(v: Value): Value {
  if (v instanceof Raw || !isContainer(v)) return v;
  if (Array.isArray(v)) return v.map(clone);
  return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, clone(c)]));
}

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);

function numbersOf(t: { [key: string]: Value }): number[] {
  if (Array.isArray(t.data)) return t.data.map((x) => (typeof x === 'number' ? x : 0));
  if (typeof t.b64 === 'string') {
    const bytes = Buffer.from(t.b64, 'base64');
    return Array.from({ length: bytes.length >> 2 }, (_, i) => bytes.readFloatLE(i * 4));
  }
  return [];
}

function applyShape(t: { [key: string]: Value }, op: ShapeOp, refit: boolean): void {
  const shape = Array.isArray(t.shape) ? [...t.shape] : [];
  if (op === 'append-1') shape.push(1);
  else if (op === 'append-2') shape.push(2);
  else if (op === 'drop-last') shape.pop();
  else if (op === 'nine-dims') shape.splice(0, shape.length, ...new Array(9).fill(1));
  else if (op === 'empty') shape.splice(0);
  else if ('to' in op) shape[op.dim % Math.max(1, shape.length)] = op.to as Value;
  else {
    const i = op.dim % Math.max(1, shape.length);
    shape[i] = (typeof shape[i] === 'number' ? (shape[i] as number) : 1) + op.delta;
  }
  t.shape = shape;
  // Refitting the data to the new shape gets past the length check to the manifest's shape check.
  const count = shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : NaN), 1);
  if (refit && Number.isInteger(count) && count >= 0 && count <= 4096) {
    const values = numbersOf(t);
    const data = Array.from({ length: count }, (_, i) => values[i % Math.max(1, values.length)] ?? 0);
    if ('b64' in t) t.b64 = float32Bytes(data).toString('base64');
    else t.data = data;
  }
}

function applyData(t: { [key: string]: Value }, op: DataOp): void {
  const values: Value[] = Array.isArray(t.data) ? [...t.data] : numbersOf(t);
  delete t.dtype;
  delete t.b64;
  if ('length' in op) {
    values.length = op.length;
    t.data = Array.from(values, (v) => v ?? 0.25);
  } else {
    if (values.length > 0) values[op.index % values.length] = op.value as Value;
    t.data = values;
  }
}

/** Applies one mutation in place (the root itself may be replaced: the result is the job). */
function applyOne(job: Value, m: Mutation): Value {
  const tensors = pathsOf(job).filter((p) => isTensor(at(job, p)));
  switch (m.kind) {
    case 'replace': {
      const path = pick(pathsOf(job), m.at)!;
      if (path.length === 0) return m.value as Value;
      const pk = parentAndKey(job, path);
      if (pk) pk[0][pk[1]] = m.value as Value;
      return job;
    }
    case 'delete': {
      const pk = parentAndKey(job, pick(pathsOf(job), m.at)!);
      if (!pk) return job;
      if (Array.isArray(pk[0])) (pk[0] as Value[]).splice(pk[1] as number, 1);
      else delete pk[0][pk[1]];
      return job;
    }
    case 'unknown-key': {
      const objects = pathsOf(job).filter((p) => { const v = at(job, p); return isContainer(v) && !Array.isArray(v); });
      const target = at(job, pick(objects, m.at) ?? []) as Record<string, Value> | undefined;
      // defineProperty: "__proto__" must become an own key (and so a key in the JSON text).
      if (target && isContainer(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return job;
    }
    case 'shape':
    case 'data':
    case 'base64': {
      const path = pick(tensors, m.tensor);
      if (!path) return job;
      const t = at(job, path) as { [key: string]: Value };
      if (m.kind === 'shape') applyShape(t, m.op, m.refit);
      else if (m.kind === 'data') applyData(t, m.op);
      else {
        const values = numbersOf(t);
        delete t.data;
        t.dtype = m.dtype as Value;
        t.b64 = corruptBase64(float32Bytes(values, m.poke ?? undefined), m.corruption);
      }
      return job;
    }
    case 'choice':
      // The root may have been replaced by a scalar or an array: nothing to set a choice in.
      if (isContainer(job) && !Array.isArray(job)) setDotted(job, m.path, m.value as Value);
      return job;
  }
}

export function applyMutations(base: Json, mutations: readonly Mutation[]): Value {
  return mutations.reduce<Value>((job, m) => applyOne(job, m), clone(base));
}

/** The JSON type of a value, or null for what has none here (a Raw literal). */
function jsonType(v: unknown): string | null {
  if (v instanceof Raw) return null;
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

/**
 * The field the API must name when this is the only change to a valid job, if exactly one
 * is right: an unknown key is refused under its own path, and a value of another JSON type
 * (a string for a number, an object for an array, ...) under the path it replaced.
 */
export function expectedField(base: Json, mutations: readonly Mutation[]): string | null {
  const [m] = mutations;
  if (mutations.length !== 1) return null;
  if (m.kind === 'replace') {
    const path = pick(pathsOf(base), m.at)!;
    const before = jsonType(at(base, path));
    const after = jsonType(m.value);
    return before && after && before !== after ? fieldName(path) : null;
  }
  if (m.kind !== 'unknown-key') return null;
  const objects = pathsOf(base).filter((p) => { const v = at(base, p); return isContainer(v) && !Array.isArray(v); });
  const path = pick(objects, m.at);
  // A key the object already has is no unknown key; "__proto__" is refused by the JSON parser first.
  const owner = path && (at(base, path) as Record<string, Value>);
  if (!path || !owner || Object.hasOwn(owner, m.key) || m.key === '__proto__' || m.key === 'constructor') return null;
  return fieldName([...path, m.key]);
}

// ---------------------------------------------------------------------------------------
// Arbitraries

const deepNesting = fc
  .record({ depth: fc.constantFrom(100, 1000, 10_000, 100_000), kind: fc.constantFrom('array' as const, 'object' as const) })
  .map(({ depth, kind }) => nested(depth, kind));

const SPECIAL_VALUES: unknown[] = [null, true, false, '', 'x', '1', '2', 'ddim', 'linear', '../../etc/passwd', 'a'.repeat(10_000), [], {}, [null], [[1]], [1, 2], { shape: [1] }, { $tensor: 'x_T' }, { shape: [1], data: [1] }];

export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  { weight: 4, arbitrary: fc.constantFrom(...EXTREME_NUMBERS, ...NON_FINITE_JSON) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: deepNesting },
);

const shapeOp: fc.Arbitrary<ShapeOp> = fc.oneof(
  fc.record({ dim: fc.nat(8), delta: fc.constantFrom(-2, -1, 1, 2) }),
  fc.record({ dim: fc.nat(8), to: fc.constantFrom(0, -1, -8, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, 1e39, '4', null, [4], ...NON_FINITE_JSON) }),
  fc.constantFrom('append-1' as const, 'append-2' as const, 'drop-last' as const, 'nine-dims' as const, 'empty' as const),
);

const dataOp: fc.Arbitrary<DataOp> = fc.oneof(
  fc.record({ length: fc.constantFrom(0, 1, 3, 5, 7, 127, 129, 1000) }),
  fc.record({ index: fc.nat(), value: fc.constantFrom(...EXTREME_NUMBERS, ...NON_FINITE_JSON, null, true, '1', [1], {}) }),
);

/** Valid values for the named choices, and a few that are not. */
const CHOICES: Record<string, unknown[]> = {
  'solver.method': [...SOLVER_CHOICES, 'plms', 'DDIM', ''],
  'solver.grid': ['uniform_t', 'uniform_lambda', 'explicit', 'log'],
  'solver.substeps': [1, 2, 3, 65, 0],
  'solver.t_start': [1, 0.5, 0.9946, 1.0001, 1e-9, 0],
  'solver.t_end': [1e-3, 1e-5, 0.5, 0.99, 2],
  'gradient.method': [...GRADIENT_METHOD_CHOICES, 'autograd'],
  'gradient.adjoint_solver': ['euler', 'heun', 'rk4', 'dopri5'],
  'gradient.adjoint_substeps': [1, 2, 65],
  'gradient.order': [1, 2, 3],
  'gradient.wrt': [['x_T'], ['z'], ['theta'], ['guidance_scale'], ['uncond'], ['x_T', 'x_T'], [], ['x_T', 'z', 'theta']],
  'gradient.memory_budget_mb': [0, 0.001, 1e-300, 1e6],
  'gradient.diagnostics.fd_probe': [true, false],
  'gradient.diagnostics.fd_step': [1, 1e-8, 1e-320, 0.5],
  'gradient.diagnostics.compare_discrete': [true],
  'gradient.diagnostics.seed': [0, 2 ** 31, 2 ** 53],
  'schedule': [{ type: 'vp_linear' }, { type: 'vp_cosine' }, { type: 'discrete' }, { type: 'discrete', num_train_timesteps: 2 }, { type: 'vp_linear', beta_min: 0, beta_max: 1000 }, { type: 'vp_cosine', s: 1 }, { type: 'vp_cosine', s: 0 }, { type: 've' }],
  'loss.type': ['mse', 'linear', 'cosine', 'sum', 'l1'],
  'guidance.scale': [0, -1, 1e30, 3.4e38],
};

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: badValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown-key' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', 'prototype', '$tensor', '', 'DATA', 'shape ', 'ü'), fc.string({ maxLength: 8 })), value: badValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('shape' as const), tensor: fc.nat(), op: shapeOp, refit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('data' as const), tensor: fc.nat(), op: dataOp }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('base64' as const),
      tensor: fc.nat(),
      poke: fc.option(fc.record({ index: fc.nat(), bits: fc.constantFrom(...NON_FINITE_BITS, ...FINITE_EDGE_BITS) }), { nil: null }),
      dtype: fc.constantFrom(...DTYPE_GUESSES),
      corruption: b64Corruption,
    }),
  },
  { weight: 3, arbitrary: fc.constantFrom(...Object.keys(CHOICES)).chain((path) => fc.record({ kind: fc.constant('choice' as const), path: fc.constant(path), value: fc.constantFrom(...CHOICES[path]) })) },
);
