/**
 * Mutations of a valid job package (application/vnd.safetensors: the tensors in a
 * safetensors file, the rest of the job as JSON in the metadata "job" with
 * {"$tensor": name} in place of each tensor), as plain data with one interpreter.
 * Structural ones edit the parsed header (entries' dtype, shape and offsets, overlapping
 * or out-of-range offsets, NaN/Inf bit patterns in the data, references to tensors the
 * file lacks, unused tensors, the job skeleton mutated like a JSON job, or not JSON at
 * all, or nested 10 000 deep); byte-level ones then spoil the file (a header length
 * larger or smaller than the header, truncation, flipped or appended bytes, a BOM,
 * invalid UTF-8, duplicate keys).
 */
import fc from 'fast-check';
import { packJob } from '../../src/queue/package.js';
import { nested, Raw, toJsonText } from './json-text.js';
import { applyMutations, badValue, mutation, type Mutation } from './job-mutations.js';
import { FINITE_EDGE_BITS, NON_FINITE_BITS } from './tensor-payloads.js';
import type { Json } from './base-jobs.js';

type Entry = { dtype: unknown; shape: unknown; data_offsets: unknown; [key: string]: unknown };
interface Unpacked {
  header: Record<string, unknown>;
  data: Buffer;
}

export type StructuralMutation =
  | { kind: 'entry'; tensor: number; key: 'dtype' | 'shape' | 'data_offsets'; value: unknown }
  | { kind: 'entry-delete'; tensor: number; key: 'dtype' | 'shape' | 'data_offsets' }
  | { kind: 'overlap' }
  | { kind: 'poke-data'; tensor: number; index: number; bits: number }
  | { kind: 'job'; mutations: Mutation[] }
  | { kind: 'job-text'; text: 'truncated' | 'not-json' | 'deep-arrays' | 'deep-objects' | 'missing' | 'number' | 'array' | 'null-metadata' | 'metadata-array' }
  | { kind: 'metadata'; key: string; value: unknown }
  | { kind: 'reference'; tensor: number; to: string }
  | { kind: 'extra-tensor'; name: string };

export type ByteMutation =
  | { kind: 'header-length'; to: 'plus-one' | 'minus-one' | 'file-size' | 'zero' | 'huge' | 'max-u64' | 'beyond-cap' }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'header-text'; op: 'bom' | 'nul-padding' | 'invalid-utf8' | 'duplicate-key' | 'trailing-garbage' | 'lone-surrogate-escape' };

export interface PackageMutation {
  structural: StructuralMutation[];
  bytes: ByteMutation | null;
}

function unpack(file: Buffer): Unpacked {
  const n = Number(file.readBigUInt64LE(0));
  return { header: JSON.parse(file.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>, data: Buffer.from(file.subarray(8 + n)) };
}

const tensorNames = (u: Unpacked) => Object.keys(u.header).filter((k) => k !== '__metadata__');
const entryOf = (u: Unpacked, i: number): [string, Entry] | null => {
  const names = tensorNames(u);
  if (names.length === 0) return null;
  const name = names[i % names.length];
  return [name, u.header[name] as Entry];
};
const metadataOf = (u: Unpacked) => (u.header.__metadata__ ??= {}) as Record<string, unknown>;

function applyStructural(u: Unpacked, m: StructuralMutation): void {
  switch (m.kind) {
    case 'entry': {
      const e = entryOf(u, m.tensor);
      if (e) e[1][m.key] = m.value;
      return;
    }
    case 'entry-delete': {
      const e = entryOf(u, m.tensor);
      if (e) delete e[1][m.key];
      return;
    }
    case 'overlap': {
      const [a, b] = tensorNames(u).map((n) => u.header[n] as Entry);
      if (a && b) b.data_offsets = a.data_offsets;
      return;
    }
    case 'poke-data': {
      const e = entryOf(u, m.tensor);
      const offsets = e?.[1].data_offsets;
      // Only offsets an earlier mutation left intact point at a tensor's bytes.
      if (!Array.isArray(offsets) || !(offsets[0] >= 0 && offsets[1] > offsets[0] && offsets[1] <= u.data.length)) return;
      const count = Math.floor((offsets[1] - offsets[0]) / 4);
      if (!Number.isInteger(offsets[0]) || count < 1) return;
      u.data.writeUInt32LE(m.bits >>> 0, offsets[0] + (m.index % count) * 4);
      return;
    }
    case 'job': {
      const meta = metadataOf(u);
      if (typeof meta.job !== 'string') return;
      try {
        meta.job = toJsonText(applyMutations(JSON.parse(meta.job) as Json, m.mutations));
      } catch {
        // An earlier mutation left no JSON (or JSON too deep to walk) to mutate: keep it as it is.
      }
      return;
    }
    case 'job-text': {
      const meta = metadataOf(u);
      const job = typeof meta.job === 'string' ? meta.job : '{}';
      const texts: Record<string, () => void> = {
        'truncated': () => (meta.job = job.slice(0, job.length >> 1)),
        'not-json': () => (meta.job = `{model: 'linear', ${job}`),
        'deep-arrays': () => (meta.job = nested(10_000, 'array').text),
        'deep-objects': () => (meta.job = job.replace('"solver":', `"solver":${nested(10_000, 'object').text},"x":`)),
        'missing': () => delete meta.job,
        'number': () => (meta.job = 7),
        'array': () => (meta.job = `[${job}]`),
        'null-metadata': () => (u.header.__metadata__ = null),
        'metadata-array': () => (u.header.__metadata__ = [job]),
      };
      texts[m.text]();
      return;
    }
    case 'metadata':
      metadataOf(u)[m.key] = m.value;
      return;
    case 'reference': {
      const meta = metadataOf(u);
      const e = entryOf(u, m.tensor);
      if (typeof meta.job === 'string' && e) meta.job = meta.job.split(JSON.stringify({ $tensor: e[0] })).join(JSON.stringify({ $tensor: m.to }));
      return;
    }
    case 'extra-tensor': {
      const begin = u.data.length;
      u.data = Buffer.concat([u.data, Buffer.alloc(8)]);
      Object.defineProperty(u.header, m.name, { value: { dtype: 'F32', shape: [2], data_offsets: [begin, begin + 8] }, enumerable: true, writable: true, configurable: true });
      return;
    }
  }
}

/** A safetensors file of this header text (or bytes) and data buffer, its length prefix made to fit. */
function withHeader(header: string | Buffer, data: Buffer): Buffer {
  const bytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : header;
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([length, bytes, data]);
}

function applyBytes(file: Buffer, m: ByteMutation, u: Unpacked): Buffer {
  const out = Buffer.from(file);
  const headerLength = Number(out.readBigUInt64LE(0));
  switch (m.kind) {
    case 'header-length': {
      const to = { 'plus-one': headerLength + 1, 'minus-one': headerLength - 1, 'file-size': out.length, 'zero': 0, 'huge': 2 ** 40, 'max-u64': -1, 'beyond-cap': 100_000_001 }[m.to];
      out.writeBigUInt64LE(to < 0 ? 2n ** 64n - 1n : BigInt(to));
      return out;
    }
    case 'truncate':
      return out.subarray(0, m.at % out.length);
    case 'append':
      return Buffer.concat([out, m.bytes]);
    case 'flip':
      out[m.at % out.length] ^= m.xor;
      return out;
    case 'header-text': {
      const text = out.subarray(8, 8 + headerLength).toString('utf8');
      const rewrite = (t: string | Buffer) => withHeader(t, out.subarray(8 + headerLength));
      switch (m.op) {
        case 'bom':
          return rewrite(`\uFEFF${text}`);
        case 'nul-padding':
          return rewrite(Buffer.concat([Buffer.from(text), Buffer.alloc(3)]));
        case 'invalid-utf8':
          return rewrite(Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xc3, 0x28]), Buffer.from('}')]));
        case 'duplicate-key': {
          const [name] = tensorNames(u);
          return name ? rewrite(`{${JSON.stringify(name)}:${JSON.stringify(u.header[name])},${text.slice(1)}`) : out;
        }
        case 'trailing-garbage':
          return rewrite(`${text}x`);
        case 'lone-surrogate-escape':
          return rewrite(text.replace('{', '{"\\ud800":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},'));
      }
    }
  }
}

/** The package of `job` with the mutation applied. */
export function mutatedPackage(job: Json, m: PackageMutation): Buffer {
  const u = unpack(packJob(job));
  for (const s of m.structural) applyStructural(u, s);
  const file = withHeader(toJsonText(u.header), u.data);
  return m.bytes ? applyBytes(file, m.bytes, u) : file;
}

// ---------------------------------------------------------------------------------------
// Arbitraries

const entryValue = {
  dtype: fc.constantFrom('F16', 'BF16', 'F64', 'I32', 'U8', 'BOOL', 'F8_E4M3', 'f32', 'float32', 'X', '', 1, null, ['F32']),
  shape: fc.oneof(
    fc.constantFrom([], [0], [1], [4], [1, 5], [1, 3], [2, 1, 3], [-1, 4], [1.5], [2 ** 53], [2 ** 31, 2 ** 31], [1, 4, 1], '1,4', null),
    fc.constantFrom(new Raw('[1.0,4]'), new Raw('[1e0,4]'), new Raw('[1,4e0]'), new Raw('[99999999999999999999,1]'), new Raw('[-0,4]')),
  ),
  data_offsets: fc.oneof(
    fc.constantFrom([0], [0, 0], [0, 4, 8], [16, 0], [-4, 12], [0, 1e9], [0, 2 ** 53], [1, 17], [0.0, 16], '0,16', null),
    fc.constantFrom(new Raw('[0,16.0]'), new Raw('[0,1.6e1]'), new Raw('[0,18446744073709551616]'), new Raw('[0,1e999]')),
  ),
};

const structural: fc.Arbitrary<StructuralMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const).chain((key) => fc.record({ kind: fc.constant('entry' as const), tensor: fc.nat(), key: fc.constant(key), value: entryValue[key] as fc.Arbitrary<unknown> })) },
  fc.record({ kind: fc.constant('entry-delete' as const), tensor: fc.nat(), key: fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const) }),
  fc.constant({ kind: 'overlap' as const }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('poke-data' as const), tensor: fc.nat(), index: fc.nat(), bits: fc.constantFrom(...NON_FINITE_BITS, ...FINITE_EDGE_BITS) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('job' as const), mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('job-text' as const), text: fc.constantFrom('truncated' as const, 'not-json' as const, 'deep-arrays' as const, 'deep-objects' as const, 'missing' as const, 'number' as const, 'array' as const, 'null-metadata' as const, 'metadata-array' as const) }) },
  fc.record({ kind: fc.constant('metadata' as const), key: fc.constantFrom('job', 'format', 'x'), value: badValue }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reference' as const), tensor: fc.nat(), to: fc.constantFrom('missing', '__proto__', 'constructor', 'toString', '', 'z', 'x_T', '__metadata__') }) },
  fc.record({ kind: fc.constant('extra-tensor' as const), name: fc.constantFrom('unused', '__proto__', 'constructor', 'x_T.data', 'ü', '') }),
);

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('header-length' as const), to: fc.constantFrom('plus-one' as const, 'minus-one' as const, 'file-size' as const, 'zero' as const, 'huge' as const, 'max-u64' as const, 'beyond-cap' as const) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
  fc.record({ kind: fc.constant('header-text' as const), op: fc.constantFrom('bom' as const, 'nul-padding' as const, 'invalid-utf8' as const, 'duplicate-key' as const, 'trailing-garbage' as const, 'lone-surrogate-escape' as const) }),
);

export const packageMutation: fc.Arbitrary<PackageMutation> = fc.record({
  structural: fc.array(structural, { maxLength: 2 }),
  bytes: fc.option(byteMutation, { nil: null, freq: 2 }),
});
