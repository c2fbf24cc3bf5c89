// The safetensors codec: bit-exact round trips, byte-for-byte agreement with files the
// reference implementation (huggingface/safetensors, Rust) writes, every refusal with
// the field and reason a client will see, and fuzzing that only ever yields CodedError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodedError } from '../../../src/errors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  SAFETENSORS_MEDIA_TYPE,
  type SafetensorsDecodeOptions,
} from '../../../src/core/tensors/safetensors.js';
import type { HostTensor } from '../../../src/core/tensors/schema.js';

// ---------------------------------------------------------------------------------------
// Helpers

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);
const fromBits = (...bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);
const bitsOf = (v: Float32Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

/** Little-endian u64, written out byte by byte (no library encoder involved). */
function u64le(n: number): number[] {
  const out: number[] = [];
  let rest = BigInt(n);
  for (let i = 0; i < 8; i++) {
    out.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return out;
}

/** Little-endian bytes of float32 bit patterns. */
function f32le(...bits: number[]): number[] {
  return bits.flatMap((b) => [b & 0xff, (b >>> 8) & 0xff, (b >>> 16) & 0xff, (b >>> 24) & 0xff]);
}

/** A file from a header text (or object, stringified) and data, with the length prefix. */
function file(header: string | object, data: number[] | Uint8Array = [], declared?: number | bigint): Buffer {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(declared ?? text.length));
  return Buffer.concat([len, text, Buffer.from(data)]);
}

function header(buf: Uint8Array): string {
  const n = Number(Buffer.from(buf).readBigUInt64LE(0));
  return Buffer.from(buf).subarray(8, 8 + n).toString('utf8');
}

function refuses(buf: Uint8Array, field: string, reason: RegExp, opts?: SafetensorsDecodeOptions, as = 'body'): CodedError {
  let caught: unknown;
  try {
    decodeSafetensors(buf, as, opts);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof CodedError, `expected a CodedError, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_TENSOR');
  assert.equal(caught.status, 422);
  assert.equal(caught.field, field, caught.message);
  assert.ok(caught.message.startsWith(`${field}: `), caught.message);
  assert.match(caught.message.slice(field.length + 2), reason);
  return caught;
}

function roundTrip(tensors: Record<string, HostTensor>, metadata?: Record<string, string>) {
  return decodeSafetensors(encodeSafetensors(tensors, metadata));
}

// ---------------------------------------------------------------------------------------
// Round trips

test('the media type', () => {
  assert.equal(SAFETENSORS_MEDIA_TYPE, 'application/vnd.safetensors');
});

test('round trip is bit-exact: -0, subnormals, extremes, and the order of tensors and metadata', () => {
  const special = fromBits(
    0x80000000, // -0
    0x00000001, // smallest subnormal
    0x807fffff, // largest negative subnormal
    0x00800000, // smallest normal
    0x7f7fffff, // largest finite
    0xff7fffff, // most negative finite
    0x3f800000, // 1
    0x3dcccccd, // 0.1 rounded
  );
  const tensors = {
    zeta: { shape: [2, 4], values: special },
    alpha: { shape: [3], values: f32(1.5, -2.25, 1e-30) },
    'grad.theta/conv_in/kernel': { shape: [1, 1, 1, 2], values: f32(Math.PI, -Math.E) },
  };
  const metadata = { z: 'last?', a: '', job: '{"x":[1,2]}', quote: 'a "b" \\ \n\t\u0001 é 😀' };
  const out = roundTrip(tensors, metadata);
  assert.deepEqual(Object.keys(out.tensors), ['zeta', 'alpha', 'grad.theta/conv_in/kernel']);
  assert.deepEqual(Object.keys(out.metadata), ['z', 'a', 'job', 'quote']);
  assert.deepEqual(out.metadata, metadata);
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(out.tensors[name].shape, t.shape, name);
    assert.ok(out.tensors[name].values instanceof Float32Array);
    assert.deepEqual(bitsOf(out.tensors[name].values), bitsOf(t.values), name);
  }
  assert.ok(Object.is(out.tensors.zeta.values[0], -0));
});

test('empty metadata is left out of the header and reads back as {}', () => {
  const buf = encodeSafetensors({ x: { shape: [1], values: f32(7) } });
  assert.ok(!header(buf).includes('__metadata__'));
  assert.deepEqual(decodeSafetensors(buf).metadata, {});
  assert.deepEqual(roundTrip({ x: { shape: [1], values: f32(7) } }, {}).metadata, {});
  // No tensors at all, with or without metadata (the reference once wrote the latter wrongly).
  assert.deepEqual(roundTrip({}), { tensors: {}, metadata: {} });
  assert.deepEqual(roundTrip({}, { key: 'value' }), { tensors: {}, metadata: { key: 'value' } });
});

test('zero-size dimensions and scalars, as the reference allows', () => {
  const tensors = {
    a: { shape: [2, 0], values: f32() },
    scalar: { shape: [], values: f32(42) },
    empty1d: { shape: [0], values: f32() },
    b: { shape: [2], values: f32(1, 2) },
    c: { shape: [0, 3, 0], values: f32() },
  };
  const buf = encodeSafetensors(tensors);
  assert.match(header(buf), /"a":\{"dtype":"F32","shape":\[2,0\],"data_offsets":\[0,0\]\}/);
  const out = decodeSafetensors(buf);
  assert.deepEqual(Object.keys(out.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(out.tensors[name].shape, t.shape, name);
    assert.deepEqual(Array.from(out.tensors[name].values), Array.from(t.values), name);
  }
});

test('many tensors, odd names (dots, slashes, unicode, "__proto__", integer-like)', () => {
  const tensors: Record<string, HostTensor> = {};
  for (let i = 0; i < 500; i++) tensors[`layer.${i}/w`] = { shape: [i % 3, 2], values: f32(...Array.from({ length: (i % 3) * 2 }, (_, k) => i + k / 8)) };
  tensors['ünïcødé 🚀'] = { shape: [1], values: f32(1) };
  tensors[''] = { shape: [1], values: f32(2) };
  Object.defineProperty(tensors, '__proto__', { value: { shape: [1], values: f32(3) }, enumerable: true });
  tensors['__metadata___'] = { shape: [1], values: f32(4) };
  tensors['7'] = { shape: [1], values: f32(5) }; // integer-like keys enumerate first, in encoding too
  // JSON.parse makes "__proto__" an own key; an object literal would set the prototype.
  const out = roundTrip(tensors, JSON.parse('{"__proto__":"m"}') as Record<string, string>);
  assert.equal(Object.getPrototypeOf(out.tensors), Object.prototype);
  assert.deepEqual(Object.keys(out.tensors), Object.keys(tensors));
  for (const name of Object.keys(tensors)) {
    assert.ok(Object.hasOwn(out.tensors, name), name);
    assert.deepEqual(bitsOf(out.tensors[name].values), bitsOf(tensors[name].values), name);
  }
  assert.deepEqual(Object.entries(out.metadata), [['__proto__', 'm']]);
});

test('the file layout: length, header padded with spaces to 8 bytes, little-endian data', () => {
  for (let len = 1; len <= 9; len++) {
    const name = 'n'.repeat(len);
    const buf = encodeSafetensors({ [name]: { shape: [2], values: f32(1, -2) } });
    const n = Number(buf.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    assert.equal(buf.length, 8 + n + 8);
    const text = buf.subarray(8, 8 + n).toString('utf8');
    assert.equal(text.trimEnd(), `{"${name}":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`);
    assert.match(text, /^[^ ]*\}( {0,7})$/);
    assert.deepEqual([...buf.subarray(8 + n)], [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  }
});

test('encoding takes only the bytes of a Float32Array view', () => {
  const backing = f32(9, 9, 1, 2, 9);
  const out = roundTrip({ x: { shape: [2], values: backing.subarray(2, 4) } });
  assert.deepEqual(Array.from(out.tensors.x.values), [1, 2]);
});

test('decoding copies: fresh, aligned arrays that never alias the input, from any byte offset', () => {
  const buf = encodeSafetensors({ a: { shape: [3], values: f32(1, 2, 3) }, b: { shape: [1], values: f32(4) } });
  for (let shift = 0; shift < 8; shift++) {
    const big = new Uint8Array(buf.length + shift + 3);
    big.set(buf, shift);
    const view = big.subarray(shift, shift + buf.length);
    const out = decodeSafetensors(view);
    assert.deepEqual(Array.from(out.tensors.a.values), [1, 2, 3]);
    assert.deepEqual(Array.from(out.tensors.b.values), [4]);
    assert.notEqual(out.tensors.a.values.buffer, big.buffer);
    assert.equal(out.tensors.a.values.byteOffset, 0);
    assert.notEqual(out.tensors.a.values.buffer, out.tensors.b.values.buffer);
    view.fill(0xff);
    assert.deepEqual(Array.from(out.tensors.a.values), [1, 2, 3]);
  }
});

test('a 16 MB tensor round-trips bit-exactly and quickly', (t) => {
  const count = 4 * 1024 * 1024;
  const values = new Float32Array(count);
  const bits = new Uint32Array(values.buffer);
  for (let i = 0; i < count; i++) {
    const h = Math.imul(i ^ (i >>> 13), 0x5bd1e995) >>> 0;
    bits[i] = (h & 0x807fffff) | (((i % 250) + 1) << 23);
  }
  const start = performance.now();
  const buf = encodeSafetensors({ big: { shape: [4, 4, 512, 512], values } }, { note: 'large' });
  const mid = performance.now();
  const out = decodeSafetensors(buf, 'body', { maxElements: count });
  const end = performance.now();
  t.diagnostic(`encode ${(mid - start).toFixed(1)} ms, decode ${(end - mid).toFixed(1)} ms`);
  assert.equal(buf.length, 8 + Number(buf.readBigUInt64LE(0)) + count * 4);
  const got = out.tensors.big.values;
  assert.equal(got.length, count);
  assert.equal(Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), Buffer.from(values.buffer)), 0);
  // Generous bounds: memcpy-speed work takes a few ms; a per-element JS path takes far longer.
  assert.ok(mid - start < 1000, `encode took ${mid - start} ms`);
  assert.ok(end - mid < 1000, `decode took ${end - mid} ms`);
});

// ---------------------------------------------------------------------------------------
// Compatibility with other writers

// The bytes the reference writes for {"attn.0": F32 [1,2,3] = 0..5}, from its own
// serialization test (safetensors/src/tensor.rs, test_serialization).
const REFERENCE_ATTN_0 = [
  64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70,
  51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111,
  102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0,
  64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
];
// test_serialization_forced_alignement: a shorter name, so 7 spaces of padding.
const REFERENCE_ATTN0_PADDED = [
  72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51,
  50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
  111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0,
  0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
];
// test_empty: no tensors, then no tensors with {"framework": "pt"}.
const REFERENCE_EMPTY = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];
const REFERENCE_EMPTY_META = [
  40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97,
  109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
];

test('files the reference writes decode, and we write the very same bytes', () => {
  const zeroToFive = f32(0, 1, 2, 3, 4, 5);
  const a = decodeSafetensors(Uint8Array.from(REFERENCE_ATTN_0));
  assert.deepEqual(a.tensors['attn.0'].shape, [1, 2, 3]);
  assert.deepEqual(Array.from(a.tensors['attn.0'].values), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...encodeSafetensors({ 'attn.0': { shape: [1, 2, 3], values: zeroToFive } })], REFERENCE_ATTN_0);

  const b = decodeSafetensors(Uint8Array.from(REFERENCE_ATTN0_PADDED));
  assert.deepEqual(b.tensors.attn0.shape, [1, 1, 2, 3]);
  assert.deepEqual([...encodeSafetensors({ attn0: { shape: [1, 1, 2, 3], values: zeroToFive } })], REFERENCE_ATTN0_PADDED);

  assert.deepEqual(decodeSafetensors(Uint8Array.from(REFERENCE_EMPTY)), { tensors: {}, metadata: {} });
  assert.deepEqual([...encodeSafetensors({})], REFERENCE_EMPTY);
  assert.deepEqual(decodeSafetensors(Uint8Array.from(REFERENCE_EMPTY_META)), { tensors: {}, metadata: { framework: 'pt' } });
  assert.deepEqual([...encodeSafetensors({}, { framework: 'pt' })], REFERENCE_EMPTY_META);
});

test('a file written by hand, byte by byte, per the spec', () => {
  // Tensors listed out of data order, keys within an entry in another order, an unknown
  // key in an entry (the reference ignores those), metadata last, whitespace padding of
  // every JSON kind, and an escaped name.
  const headerText =
    '{ "b\\u00e9ta" : {"data_offsets":[8, 20], "shape": [3], "dtype":"F32", "note": {"x": [1, 2.5e3]}},\n' +
    '\t"alpha": {"dtype": "F32", "shape": [2, 1], "data_offsets": [0, 8]},\r\n' +
    '"__metadata__": {"format": "pt", "empty": ""} }\r\n\t ';
  const headerBytes = [...Buffer.from(headerText, 'utf8')];
  const bytes = [
    ...u64le(headerBytes.length),
    ...headerBytes,
    ...f32le(0x3f800000, 0xc0200000), // alpha = [1, -2.5]
    ...f32le(0x00000000, 0x80000000, 0x4b000001), // béta = [0, -0, 8388609]
  ];
  const out = decodeSafetensors(Uint8Array.from(bytes));
  assert.deepEqual(Object.keys(out.tensors), ['alpha', 'béta']); // data order
  assert.deepEqual(out.tensors.alpha.shape, [2, 1]);
  assert.deepEqual(Array.from(out.tensors.alpha.values), [1, -2.5]);
  assert.deepEqual(out.tensors['béta'].shape, [3]);
  assert.deepEqual(bitsOf(out.tensors['béta'].values), [0, 0x80000000, 0x4b000001]);
  assert.equal(out.tensors['béta'].values[2], 8388609);
  assert.deepEqual(out.metadata, { format: 'pt', empty: '' });
});

test('the reference test vectors for padding, zero-size tensors and metadata are read as it reads them', () => {
  // test_whitespace_padded_header: trailing CR, space, tab, LF after {}.
  assert.deepEqual(decodeSafetensors(Uint8Array.from([6, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x0d, 0x20, 0x09, 0x0a])), { tensors: {}, metadata: {} });
  // Leading whitespace is JSON whitespace too; the reference does not (yet) insist on "{" first.
  assert.deepEqual(decodeSafetensors(file(' \n{}')), { tensors: {}, metadata: {} });
  // test_zero_sized_tensor, as F32.
  const z = decodeSafetensors(file('{"test":{"dtype":"F32","shape":[2,0],"data_offsets":[0, 0]}}'));
  assert.deepEqual(z.tensors.test.shape, [2, 0]);
  assert.equal(z.tensors.test.values.length, 0);
  // test_empty_shapes_allowed, as F32: a scalar.
  const s = decodeSafetensors(file('{"test":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}', f32le(0x40490fdb)));
  assert.deepEqual(s.tensors.test.shape, []);
  assert.equal(s.tensors.test.values[0], Math.fround(Math.PI));
  // __metadata__ is optional in the reference, so null means none.
  assert.deepEqual(decodeSafetensors(file('{"__metadata__":null}')).metadata, {});
});

// ---------------------------------------------------------------------------------------
// Refusals

const ONE = (extra: object = {}) => ({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...extra } });
const TWO_FLOATS = f32le(0x3f800000, 0x40000000);

interface Case {
  name: string;
  buf: Uint8Array;
  field: string;
  reason: RegExp;
  opts?: SafetensorsDecodeOptions;
}

const NESTED = `{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"deep":${'['.repeat(200)}${']'.repeat(200)}}}`;

const CASES: Case[] = [
  // Truncation and the header length
  { name: 'empty file', buf: new Uint8Array(0), field: 'body', reason: /^truncated: 0 bytes, but a safetensors file starts with an 8-byte header length$/ },
  { name: '7 bytes', buf: Uint8Array.from([8, 0, 0, 0, 0, 0, 0]), field: 'body', reason: /^truncated: 7 bytes/ },
  { name: 'header cut short', buf: file('{}', [], 100), field: 'body', reason: /^truncated: the header length says 100 bytes but only 2 follow the 8-byte length$/ },
  { name: 'just the length', buf: Uint8Array.from(u64le(60)), field: 'body', reason: /^truncated: the header length says 60 bytes but only 0 follow/ },
  { name: 'header over 100 MB', buf: file('{}', [], 100_000_001), field: 'body', reason: /^the header length 100000001 exceeds the limit of 100000000 bytes$/ },
  { name: 'header length 2^64-1', buf: file('{}', [], 0xffffffffffffffffn), field: 'body', reason: /^the header length 18446744073709551615 exceeds the limit/ },
  { name: 'header over a custom limit', buf: file(ONE(), TWO_FLOATS), field: 'body', reason: /exceeds the limit of 16 bytes/, opts: { maxHeaderBytes: 16 } },
  { name: 'data cut short', buf: file(ONE(), TWO_FLOATS.slice(0, 7)), field: 'body', reason: /^truncated: the tensors need 8 bytes of data but the file holds 7$/ },
  { name: 'no data at all', buf: file(ONE()), field: 'body', reason: /^truncated: the tensors need 8 bytes of data but the file holds 0$/ },
  { name: 'trailing bytes', buf: file(ONE(), [...TWO_FLOATS, 1, 2, 3]), field: 'body', reason: /^3 trailing bytes after the last tensor/ },
  { name: 'trailing bytes, no tensors (polyglot file)', buf: file('{}', [0x50, 0x4b]), field: 'body', reason: /^2 trailing bytes after the last tensor/ },

  // Header text
  { name: 'invalid UTF-8', buf: Uint8Array.from([...u64le(6), 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x7d]), field: 'body', reason: /^the header is not valid UTF-8: byte 0xff at offset 2 of the header cannot start a character$/ },
  { name: 'overlong UTF-8', buf: Uint8Array.from([...u64le(4), 0x22, 0xc0, 0xaf, 0x22]), field: 'body', reason: /^the header is not valid UTF-8: byte 0xc0 at offset 1 of the header cannot start a character$/ },
  { name: 'UTF-8 cut short', buf: Uint8Array.from([...u64le(3), 0x7b, 0x7d, 0xe2]), field: 'body', reason: /^the header is not valid UTF-8: the character at offset 2 of the header is cut short$/ },
  { name: 'UTF-8 surrogate', buf: Uint8Array.from([...u64le(5), 0x22, 0xed, 0xa0, 0x80, 0x22]), field: 'body', reason: /^the header is not valid UTF-8: the bytes at offset 1 of the header do not encode a valid character$/ },
  { name: 'byte order mark', buf: file('\uFEFF{}'), field: 'body', reason: /^the header is not valid JSON: unexpected character U\+FEFF where a value should be at byte 0 of the header$/ },
  { name: 'empty header', buf: file(''), field: 'body', reason: /^the header is not valid JSON: unexpected end of the header where a value should be at byte 0/ },
  { name: 'unterminated object', buf: file('{"x": {"dtype": "F32",'), field: 'body', reason: /^the header is not valid JSON: unexpected end of the header where a key should be at byte 22/ },
  { name: 'garbage after the object', buf: file('{} x'), field: 'body', reason: /unexpected character "x" after the JSON value at byte 3/ },
  { name: 'two objects', buf: file('{}{}'), field: 'body', reason: /unexpected character "\{" after the JSON value/ },
  { name: 'single quotes', buf: file("{'x': 1}"), field: 'body', reason: /unexpected character "'" where a key should be at byte 1/ },
  { name: 'trailing comma', buf: file('{"a":"b",}'), field: 'body', reason: /unexpected character "\}" where a key should be/ },
  { name: 'missing colon', buf: file('{"a" "b"}'), field: 'body', reason: /where ":" should be/ },
  { name: 'comment', buf: file('{/* c */}'), field: 'body', reason: /unexpected character "\/" where a key should be/ },
  { name: 'NaN literal', buf: file('{"x":{"dtype":"F32","shape":[NaN],"data_offsets":[0,0]}}'), field: 'body', reason: /unexpected character "N" where a value should be/ },
  { name: 'leading zero', buf: file('{"x":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}'), field: 'body', reason: /unexpected character "1" where "," or "\]" should be/ },
  { name: 'raw control character in a string', buf: file('{"a\tb":null}'), field: 'body', reason: /character U\+0009 inside a string \(control characters must be escaped\) at byte 3/ },
  { name: 'bad escape', buf: file('{"a\\qb":null}'), field: 'body', reason: /invalid escape "\\q" at byte 3/ },
  { name: 'short \\u escape', buf: file('{"a\\u12":null}'), field: 'body', reason: /a \\u escape needs 4 hex digits/ },
  { name: 'lone surrogate escape', buf: file('{"a\\ud800":null}'), field: 'body', reason: /lone leading surrogate in a \\u escape at byte 3/ },
  { name: 'lone trailing surrogate escape', buf: file('{"\\udc00":null}'), field: 'body', reason: /lone trailing surrogate/ },
  { name: 'unterminated string', buf: file('{"abc'), field: 'body', reason: /unterminated string at byte 1/ },
  { name: 'nesting bomb', buf: file(NESTED), field: 'body', reason: /nested deeper than 128 levels/ },
  { name: 'header an array', buf: file('[]'), field: 'body', reason: /^the header must be a JSON object, but it is an array$/ },
  { name: 'header a string', buf: file('"x"'), field: 'body', reason: /^the header must be a JSON object, but it is the string "x"$/ },
  { name: 'header null', buf: file('null'), field: 'body', reason: /but it is null$/ },
  { name: 'header a number', buf: file('12'), field: 'body', reason: /but it is the number 12$/ },

  // Duplicate keys (JSON.parse would keep the last one silently)
  { name: 'duplicate tensor name', buf: file('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32le(0, 0)), field: 'body.x', reason: /^appears twice in the header \(duplicate keys are not allowed\)$/ },
  { name: 'duplicate __metadata__', buf: file('{"__metadata__":{},"__metadata__":{}}'), field: 'body.__metadata__', reason: /appears twice/ },
  { name: 'duplicate key in an entry', buf: file('{"x":{"dtype":"F32","shape":[2],"dtype":"F32","data_offsets":[0,8]}}', TWO_FLOATS), field: 'body.x', reason: /^duplicate key "dtype"/ },
  { name: 'duplicate metadata key', buf: file('{"__metadata__":{"k":"a","k":"b"}}'), field: 'body.__metadata__', reason: /^duplicate key "k"/ },

  // Metadata
  { name: 'metadata value a number', buf: file({ __metadata__: { ok: 'yes', n: 1 } }), field: 'body.__metadata__.n', reason: /^metadata values must be strings, got the number 1$/ },
  { name: 'metadata value an object', buf: file({ __metadata__: { o: {} } }), field: 'body.__metadata__.o', reason: /got an object$/ },
  { name: 'metadata value null', buf: file({ __metadata__: { z: null } }), field: 'body.__metadata__.z', reason: /got null$/ },
  { name: 'metadata an array', buf: file({ __metadata__: ['a'] }), field: 'body.__metadata__', reason: /^must be an object of string values, but it is an array$/ },
  { name: 'metadata a string', buf: file({ __metadata__: 'pt' }), field: 'body.__metadata__', reason: /but it is the string "pt"$/ },
  { name: 'tensor info under __metadata__', buf: file({ __metadata__: { dtype: 'F32', shape: [0], data_offsets: [0, 0] } }), field: 'body.__metadata__.shape', reason: /got an array/ },

  // One entry
  { name: 'entry not an object', buf: file({ x: [1, 2] }), field: 'body.x', reason: /^expected \{ "dtype", "shape", "data_offsets" \}, got an array$/ },
  { name: 'entry a string', buf: file({ x: 'F32' }), field: 'body.x', reason: /got the string "F32"$/ },
  { name: 'dtype missing', buf: file({ x: { shape: [2], data_offsets: [0, 8] } }), field: 'body.x', reason: /^dtype is missing \(allowed: F32\)$/ },
  { name: 'dtype not a string', buf: file(ONE({ dtype: 32 })), field: 'body.x', reason: /^dtype must be a string, got the number 32 \(allowed: F32\)$/ },
  { name: 'dtype F16', buf: file(ONE({ dtype: 'F16' })), field: 'body.x', reason: /^dtype "F16" is not accepted \(allowed: F32; the service computes in float32\)$/ },
  { name: 'dtype BF16', buf: file(ONE({ dtype: 'BF16' })), field: 'body.x', reason: /^dtype "BF16" is not accepted/ },
  { name: 'dtype F64', buf: file(ONE({ dtype: 'F64' })), field: 'body.x', reason: /^dtype "F64" is not accepted/ },
  { name: 'dtype I32', buf: file(ONE({ dtype: 'I32' })), field: 'body.x', reason: /^dtype "I32" is not accepted/ },
  { name: 'dtype lowercase', buf: file(ONE({ dtype: 'f32' })), field: 'body.x', reason: /^unknown dtype "f32" \(allowed: F32\)$/ },
  { name: 'dtype float32', buf: file(ONE({ dtype: 'float32' })), field: 'body.x', reason: /^unknown dtype "float32"/ },
  { name: 'shape missing', buf: file({ x: { dtype: 'F32', data_offsets: [0, 8] } }), field: 'body.x', reason: /^shape is missing$/ },
  { name: 'shape not an array', buf: file(ONE({ shape: 2 })), field: 'body.x', reason: /^shape must be an array of non-negative integers, got the number 2$/ },
  { name: 'negative dimension', buf: file(ONE({ shape: [-2] })), field: 'body.x', reason: /^shape\[0\] must be a non-negative integer, got the number -2$/ },
  { name: 'fractional dimension', buf: file(ONE({ shape: [1, 1.5] })), field: 'body.x', reason: /^shape\[1\] must be a non-negative integer, got the number 1.5$/ },
  { name: 'dimension written 2.0', buf: file('{"x":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', TWO_FLOATS), field: 'body.x', reason: /^shape\[0\] must be a non-negative integer, got the number 2.0$/ },
  { name: 'dimension written 2e0', buf: file('{"x":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}', TWO_FLOATS), field: 'body.x', reason: /got the number 2e0$/ },
  { name: 'dimension written -0', buf: file('{"x":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}'), field: 'body.x', reason: /got the number -0$/ },
  { name: 'dimension a string', buf: file(ONE({ shape: ['2'] })), field: 'body.x', reason: /got the string "2"$/ },
  { name: 'dimension null', buf: file(ONE({ shape: [null] })), field: 'body.x', reason: /got null$/ },
  { name: 'dimension beyond 2^53', buf: file('{"x":{"dtype":"F32","shape":[0,18446744073709551614],"data_offsets":[0,0]}}'), field: 'body.x', reason: /^shape\[1\] is 18446744073709551614, too large/ },
  { name: 'data_offsets missing', buf: file({ x: { dtype: 'F32', shape: [2] } }), field: 'body.x', reason: /^data_offsets is missing$/ },
  { name: 'data_offsets an object', buf: file(ONE({ data_offsets: { begin: 0, end: 8 } })), field: 'body.x', reason: /^data_offsets must be \[begin, end\], two non-negative integers, got an object$/ },
  { name: 'data_offsets of 3', buf: file(ONE({ data_offsets: [0, 4, 8] })), field: 'body.x', reason: /got an array of 3 elements$/ },
  { name: 'data_offsets of 1', buf: file(ONE({ data_offsets: [8] })), field: 'body.x', reason: /got an array of 1 elements$/ },
  { name: 'data_offsets strings', buf: file(ONE({ data_offsets: ['0', '8'] })), field: 'body.x', reason: /^data_offsets\[0\] \(begin\) must be a non-negative integer, got the string "0"$/ },
  { name: 'negative offset', buf: file(ONE({ data_offsets: [-8, 0] })), field: 'body.x', reason: /^data_offsets\[0\] \(begin\) must be a non-negative integer/ },
  { name: 'fractional offset', buf: file(ONE({ data_offsets: [0, 8.5] })), field: 'body.x', reason: /^data_offsets\[1\] \(end\) must be a non-negative integer, got the number 8.5$/ },
  { name: 'offset beyond 2^53', buf: file('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}'), field: 'body.x', reason: /^data_offsets\[1\] \(end\) is 18446744073709551615, too large/ },
  { name: 'end before begin', buf: file(ONE({ data_offsets: [8, 0] })), field: 'body.x', reason: /^data_offsets \[8, 0\] end before they begin$/ },
  { name: 'offsets too short for the shape', buf: file(ONE({ data_offsets: [0, 4] }), TWO_FLOATS.slice(0, 4)), field: 'body.x', reason: /^data_offsets \[0, 4\] span 4 bytes but shape \[2\] of F32 needs 8$/ },
  { name: 'offsets too long for the shape', buf: file(ONE({ shape: [2, 2] }), TWO_FLOATS), field: 'body.x', reason: /span 8 bytes but shape \[2,2\] of F32 needs 16$/ },
  { name: 'overflowing shape', buf: file('{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}'), field: 'body.x', reason: /^shape \[4294967296,4294967296\] has 18446744073709552000 elements, more than the limit of 67108864$/ },
  { name: 'too many elements (default limit)', buf: file({ x: { dtype: 'F32', shape: [1024, 1024, 1024], data_offsets: [0, 4 * 2 ** 30] } }), field: 'body.x', reason: /^shape \[1024,1024,1024\] has 1073741824 elements, more than the limit of 67108864$/ },
  { name: 'too many elements (given limit)', buf: file(ONE({ shape: [2] }), TWO_FLOATS), field: 'body.x', reason: /^shape \[2\] has 2 elements, more than the limit of 1$/, opts: { maxElements: 1 } },

  // The layout of the data buffer
  { name: 'gap at the start', buf: file(ONE({ data_offsets: [4, 12] }), [0, 0, 0, 0, ...TWO_FLOATS]), field: 'body.x', reason: /^data_offsets \[4, 12\] leave a gap of 4 bytes \(the data buffer starts at 0\); tensors must be contiguous$/ },
  {
    name: 'gap between tensors',
    buf: file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32le(0, 0, 0)),
    field: 'body.b',
    reason: /^data_offsets \[8, 12\] leave a gap of 4 bytes \(tensor "a" ends at 4\)/,
  },
  {
    name: 'overlapping tensors',
    buf: file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32le(0, 0, 0)),
    field: 'body.b',
    reason: /^data_offsets \[4, 12\] overlap the bytes of another tensor \(tensor "a" ends at 8\)$/,
  },
  {
    name: 'two tensors on the same bytes',
    buf: file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, TWO_FLOATS),
    field: 'body.b',
    reason: /overlap the bytes of another tensor \(tensor "a" ends at 8\)/,
  },
  {
    name: 'out of range, listed first',
    buf: file({ b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, TWO_FLOATS),
    field: 'body',
    reason: /^truncated: the tensors need 12 bytes of data but the file holds 8$/,
  },

  // Values
  { name: 'NaN', buf: file({ x: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, f32le(0, 0x3f800000, 0x7fc00000, 0)), field: 'body.x', reason: /^non-finite value NaN at flat index 2$/ },
  { name: 'signalling NaN', buf: file(ONE(), f32le(0x7f800001, 0)), field: 'body.x', reason: /^non-finite value NaN at flat index 0$/ },
  { name: '-Infinity', buf: file(ONE(), f32le(0x3f800000, 0xff800000)), field: 'body.x', reason: /^non-finite value -Infinity at flat index 1$/ },
  {
    name: 'Infinity in the second tensor',
    buf: file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [3], data_offsets: [4, 16] } }, f32le(0, 0, 0, 0x7f800000)),
    field: 'body.b',
    reason: /^non-finite value Infinity at flat index 2$/,
  },
];

for (const c of CASES) {
  test(`refuses: ${c.name}`, () => {
    refuses(c.buf, c.field, c.reason, c.opts);
  });
}

test('the field prefix is the caller\'s', () => {
  refuses(file(ONE({ dtype: 'F16' })), 'result.x', /not accepted/, undefined, 'result');
  refuses(new Uint8Array(3), 'result', /^truncated/, undefined, 'result');
});

test('the encoder refuses what no reader could load back', () => {
  const throwsCoded = (fn: () => unknown, field: string, reason: RegExp) =>
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof CodedError);
      assert.equal(err.field, field);
      assert.match(err.message, reason);
      return true;
    });
  throwsCoded(() => encodeSafetensors({ __metadata__: { shape: [1], values: f32(1) } }), '__metadata__', /reserved for the metadata/);
  throwsCoded(() => encodeSafetensors({ x: { shape: [2, 2], values: f32(1, 2, 3) } }), 'x', /has 3 values but shape \[2,2\] needs 4/);
  throwsCoded(() => encodeSafetensors({ x: { shape: [-1], values: f32() } }), 'x', /shape must be an array of non-negative integers/);
  throwsCoded(() => encodeSafetensors({ x: { shape: [1], values: [1] as unknown as Float32Array } }), 'x', /Float32Array/);
  throwsCoded(() => encodeSafetensors({ 'a\ud800': { shape: [1], values: f32(1) } }), 'a\ud800', /lone UTF-16 surrogate/);
  throwsCoded(() => encodeSafetensors({}, { n: 1 as unknown as string }), '__metadata__.n', /metadata values must be strings, got the number 1/);
  throwsCoded(() => encodeSafetensors({}, { k: '\udc00' }), '__metadata__.k', /lone UTF-16 surrogate/);
});

// ---------------------------------------------------------------------------------------
// Fuzzing: whatever the bytes, the decoder answers with a result or a CodedError

function smallFile(): Buffer {
  return encodeSafetensors(
    {
      a: { shape: [2, 3], values: f32(0, -1, 2.5, 1e-40, -0, 3) },
      'b.c/d': { shape: [1], values: f32(7) },
      e: { shape: [0, 4], values: f32() },
    },
    { job: '{"x":{"$tensor":"a"}}', note: 'é' },
  );
}

/** xorshift32: a seeded PRNG, so any failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function outcome(buf: Uint8Array): 'ok' | CodedError {
  try {
    decodeSafetensors(buf);
    return 'ok';
  } catch (err) {
    if (err instanceof CodedError) return err;
    throw new Error(`not a CodedError for ${Buffer.from(buf).toString('hex')}: ${String(err)}`, { cause: err });
  }
}

test('every truncation of a valid file is refused with a clean CodedError', () => {
  const full = smallFile();
  assert.equal(outcome(full), 'ok');
  for (let len = 0; len < full.length; len++) {
    const r = outcome(full.subarray(0, len));
    assert.ok(r instanceof CodedError, `length ${len} was accepted`);
    assert.equal(r.code, 'INVALID_TENSOR');
    assert.equal(r.field, 'body', `length ${len}: ${r.message}`);
    assert.match(r.message, /^body: truncated: /, `length ${len}`);
  }
});

test('random byte flips never throw anything but CodedError', () => {
  const full = smallFile();
  const rand = rng(0x5afe);
  let accepted = 0;
  for (let trial = 0; trial < 5000; trial++) {
    const buf = Buffer.from(full);
    const flips = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < flips; k++) {
      const at = Math.floor(rand() * buf.length);
      // Half the time one bit, half the time a whole random byte.
      buf[at] = rand() < 0.5 ? buf[at] ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
    }
    const r = outcome(buf);
    if (r === 'ok') accepted++;
    else assert.equal(r.code, 'INVALID_TENSOR');
  }
  // Flips in the data or in string contents may still make a valid file; most must not.
  assert.ok(accepted < 5000);
});

test('random headers and random bytes never throw anything but CodedError', () => {
  const rand = rng(42);
  const alphabet = '{}[]":,0123456789-+.eE \\u"dtypeshapedata_offsetsF32__metadata__truefalsenull\t\n\ud83d\ude00é';
  for (let trial = 0; trial < 3000; trial++) {
    const len = Math.floor(rand() * 80);
    let text = '';
    for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
    const data = Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 256));
    outcome(file(text, data));
    const raw = Uint8Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256));
    if (raw.length >= 8) raw.set(u64le(Math.floor(rand() * (raw.length - 7))), 0);
    outcome(raw);
  }
});
