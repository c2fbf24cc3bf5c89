// Every way a wire tensor can be wrong, each refused with the exact sub-field at fault,
// because clients receive these messages verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodedError } from '../../../src/errors.js';
import { decodeTensor, expectShape, type DecodeOptions } from '../../../src/core/tensors/codec.js';

const b64Of = (...values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');
const b64 = (s: string, shape = [2]) => ({ shape, dtype: 'float32', b64: s });
const NAN_BITS = Buffer.from(new Uint32Array([0x3f800000, 0x3f800000, 0x7fc00001]).buffer).toString('base64');

interface Case {
  name: string;
  wire: unknown;
  field: string;
  reason: RegExp;
  opts?: DecodeOptions;
  code?: string;
}

const CASES: Case[] = [
  { name: 'not an object', wire: null, field: 'z', reason: /expected a tensor object/ },
  { name: 'an array', wire: [1, 2], field: 'z', reason: /expected a tensor object/ },
  { name: 'unknown property', wire: { shape: [1], data: [1], extra: 1 }, field: 'z.extra', reason: /unknown property/ },
  { name: 'both payloads', wire: { shape: [1], data: [1], dtype: 'float32', b64: b64Of(1) }, field: 'z', reason: /both "data" and "b64"/ },
  { name: 'no payload', wire: { shape: [1] }, field: 'z', reason: /needs either "data" or "b64"/ },
  { name: 'shape missing', wire: { data: [1] }, field: 'z.shape', reason: /expected an array of dimensions/ },
  { name: 'too many dims', wire: { shape: Array(9).fill(1), data: [1] }, field: 'z.shape', reason: /has 9 dimensions, at most 8/ },
  { name: 'zero dim', wire: { shape: [2, 0], data: [] }, field: 'z.shape[1]', reason: /integer >= 1 but got 0/ },
  { name: 'fractional dim', wire: { shape: [1.5], data: [1] }, field: 'z.shape[0]', reason: /got 1.5/ },
  { name: 'string dim', wire: { shape: [1, '2'], data: [1, 2] }, field: 'z.shape[1]', reason: /got "2"/ },
  { name: 'data not an array', wire: { shape: [1], data: 'x' }, field: 'z.data', reason: /expected an array of numbers/ },
  { name: 'data too short', wire: { shape: [2, 3], data: [1, 2, 3, 4, 5] }, field: 'z.data', reason: /has 5 values but shape \[2,3\] needs 6/ },
  { name: 'data too long', wire: { shape: [2], data: [1, 2, 3] }, field: 'z.data', reason: /has 3 values but shape \[2\] needs 2/ },
  { name: 'non-number element', wire: { shape: [3], data: [1, '2', 3] }, field: 'z.data', reason: /flat index 1 is not a number/ },
  { name: 'NaN in data', wire: { shape: [2, 2], data: [0, 1, 2, NaN] }, field: 'z.data', reason: /non-finite value NaN at flat index 3/ },
  { name: 'Inf in data', wire: { shape: [2], data: [-Infinity, 1] }, field: 'z.data', reason: /non-finite value -Infinity at flat index 0/ },
  { name: 'float32 overflow', wire: { shape: [2], data: [1, 1e39] }, field: 'z.data', reason: /value 1e\+39 at flat index 1 is outside the float32 range/ },
  { name: 'dtype on array data', wire: { shape: [1], dtype: 'float32', data: [1] }, field: 'z.dtype', reason: /only base64 tensors carry a dtype/ },
  { name: 'unknown dtype', wire: { shape: [1], dtype: 'float16', b64: 'AAA=' }, field: 'z.dtype', reason: /unknown dtype "float16": one of float32/ },
  { name: 'missing dtype', wire: { shape: [1], b64: b64Of(1) }, field: 'z.dtype', reason: /missing/ },
  { name: 'b64 not a string', wire: { shape: [1], dtype: 'float32', b64: 5 }, field: 'z.b64', reason: /expected a base64 string/ },
  { name: 'b64 bad character', wire: b64(`${b64Of(1, 2).slice(0, 4)}!${b64Of(1, 2).slice(5)}`), field: 'z.b64', reason: /not valid base64: unexpected character "!" at offset 4/ },
  { name: 'b64url alphabet', wire: b64('AAAA-_AAAAA='), field: 'z.b64', reason: /unexpected character "-" at offset 4/ },
  { name: 'b64 with whitespace', wire: b64('AACA P wAAA='), field: 'z.b64', reason: /unexpected character " "/ },
  { name: 'b64 with newline', wire: b64(`${b64Of(1, 2).slice(0, 8)}\n${b64Of(1, 2).slice(8)}`), field: 'z.b64', reason: /not valid base64/ },
  { name: 'b64 unpadded', wire: b64(b64Of(1, 2).replace(/=+$/, '')), field: 'z.b64', reason: /length 11 is not a multiple of 4/ },
  { name: 'b64 inner padding', wire: b64('AA==AAAAAAA='), field: 'z.b64', reason: /unexpected "=" before the end at offset 2/ },
  { name: 'b64 stray pad bits', wire: b64(b64Of(1, 2).replace(/A=$/, 'B=')), field: 'z.b64', reason: /not canonical/ },
  { name: 'b64 too few bytes', wire: b64(b64Of(1, 2, 3, 4, 5), [2, 3]), field: 'z.b64', reason: /holds 20 bytes but 6 float32 elements need 24/ },
  { name: 'b64 too many bytes', wire: b64(b64Of(1, 2, 3), [2]), field: 'z.b64', reason: /holds 12 bytes but 2 float32 elements need 8/ },
  { name: 'b64 NaN', wire: b64(NAN_BITS, [3]), field: 'z.b64', reason: /non-finite value NaN at flat index 2/ },
  { name: 'b64 Inf', wire: b64(b64Of(1, -Infinity)), field: 'z.b64', reason: /non-finite value -Infinity at flat index 1/ },
  { name: 'too many elements', wire: { shape: [4, 4], data: [] }, field: 'z.shape', reason: /\[4,4\] has 16 elements, more than the limit of 10/, opts: { maxElements: 10 } },
  { name: 'expected shape', wire: { shape: [3, 2], data: [] }, field: 'z.shape', reason: /expected \[2,3\] but got \[3,2\]/, opts: { shape: [2, 3] }, code: 'SHAPE_MISMATCH' },
];

for (const c of CASES) {
  test(`refuses: ${c.name}`, () => {
    assert.throws(
      () => decodeTensor(c.wire, 'z', c.opts),
      (err: unknown) => {
        assert.ok(err instanceof CodedError);
        assert.equal(err.code, c.code ?? 'INVALID_TENSOR');
        assert.equal(err.status, 422);
        assert.equal(err.field, c.field);
        assert.ok(err.message.startsWith(`${c.field}: `), err.message);
        assert.match(err.message, c.reason);
        return true;
      },
    );
  });
}

test('a well-formed neighbour of each base64 case is accepted', () => {
  assert.deepEqual(Array.from(decodeTensor(b64(b64Of(1, 2)), 'z').values), [1, 2]);
  assert.equal(b64Of(1, 2), 'AACAPwAAAEA=');
});

test('errors keep the caller\'s path prefix', () => {
  assert.throws(() => decodeTensor({ shape: [1], data: [NaN] }, 'job.loss.terms[2].loss.target'), {
    message: 'job.loss.terms[2].loss.target.data: non-finite value NaN at flat index 0',
  });
});

test('expectShape reports both shapes on field.shape', () => {
  const host = { shape: [3, 2], values: new Float32Array(6) };
  assert.doesNotThrow(() => expectShape(host, [3, 2], 'x'));
  assert.throws(() => expectShape(host, [2, 3], 'x'), (err: unknown) => {
    assert.ok(err instanceof CodedError);
    assert.equal(err.code, 'SHAPE_MISMATCH');
    assert.equal(err.field, 'x.shape');
    assert.equal(err.message, 'x.shape: expected [2,3] but got [3,2]');
    return true;
  });
  assert.throws(() => expectShape(host, [3, 2, 1], 'x'), { message: 'x.shape: expected [3,2,1] but got [3,2]' });
});
