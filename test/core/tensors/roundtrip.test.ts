// Round trips through both encodings must reproduce every float32 bit pattern that the
// decoder accepts; JSON's lack of negative zero is the one documented exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { decodeTensor, encodeTensor, TensorSchema, type HostTensor } from '../../../src/core/tensors/codec.js';

const MAX_FLOAT = 3.4028234663852886e38;
const MIN_SUBNORMAL = 2 ** -149;
const MAX_SUBNORMAL = 2 ** -126 - 2 ** -149;
const EDGE = Float32Array.from([
  -0, 0, MIN_SUBNORMAL, -MIN_SUBNORMAL, MAX_SUBNORMAL, 2 ** -126, MAX_FLOAT, -MAX_FLOAT, 1 / 3, Math.PI, -1e-30, 16777217,
]);

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** Random finite float32 bit patterns, all exponents included (seeded: reproducible). */
function randomFinite(n: number, seed = 12345): Float32Array {
  const u = new Uint32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    do {
      s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
      u[i] = s;
    } while ((s & 0x7f800000) === 0x7f800000);
  }
  return new Float32Array(u.buffer);
}

const viaJson = (wire: unknown): unknown => JSON.parse(JSON.stringify(wire));

test('b64 round trip is bit-exact, through JSON too', () => {
  for (const values of [EDGE, randomFinite(4096)]) {
    const host: HostTensor = { shape: [values.length], values };
    const wire = encodeTensor(host, 'b64');
    assert.ok('b64' in wire && wire.dtype === 'float32');
    assert.deepEqual(bits(decodeTensor(wire, 'z').values), bits(values));
    assert.deepEqual(bits(decodeTensor(viaJson(wire), 'z').values), bits(values));
  }
});

test('array round trip is bit-exact in memory', () => {
  for (const values of [EDGE, randomFinite(4096, 7)]) {
    const wire = encodeTensor({ shape: [values.length], values }, 'array');
    assert.deepEqual(bits(decodeTensor(wire, 'z').values), bits(values));
  }
});

test('array round trip through JSON is exact; only the sign of zero is lost', () => {
  const values = randomFinite(4096, 99);
  const decoded = decodeTensor(viaJson(encodeTensor({ shape: [64, 64], values }, 'array')), 'z');
  assert.deepEqual(bits(decoded.values), bits(values));

  const edge = decodeTensor(viaJson(encodeTensor({ shape: [EDGE.length], values: EDGE }, 'array')), 'z');
  assert.ok(Object.is(edge.values[0], 0), 'JSON.stringify writes -0 as 0');
  assert.deepEqual(bits(edge.values.subarray(1)), bits(EDGE.subarray(1)));
});

test('shapes survive, including a scalar and 8 dimensions', () => {
  const cases: HostTensor[] = [
    { shape: [], values: Float32Array.from([2.5]) },
    { shape: [1, 1, 1, 1, 1, 1, 1, 2], values: Float32Array.from([1, -1]) },
    { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  ];
  for (const host of cases) {
    for (const encoding of ['b64', 'array'] as const) {
      const wire = encodeTensor(host, encoding);
      assert.ok(Value.Check(TensorSchema, wire), `${encoding} output matches the schema`);
      assert.deepEqual(decodeTensor(viaJson(wire), 'z'), host);
    }
  }
});

test('encoding a subarray encodes just its elements', () => {
  const parent = Float32Array.from([9, 1, 2, 3, 9]);
  const host = { shape: [3], values: parent.subarray(1, 4) };
  assert.deepEqual(Array.from(decodeTensor(encodeTensor(host, 'b64'), 'z').values), [1, 2, 3]);
  assert.deepEqual(encodeTensor(host, 'array'), { shape: [3], data: [1, 2, 3] });
});

test('known little-endian bytes decode to known values', () => {
  // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian)
  const b64 = Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]).toString('base64');
  assert.deepEqual(Array.from(decodeTensor({ shape: [2], dtype: 'float32', b64 }, 'z').values), [1, -2]);
  const wire = encodeTensor({ shape: [2], values: Float32Array.from([1, -2]) }, 'b64');
  assert.ok('b64' in wire);
  assert.equal(wire.b64, b64);
});

test('the schema is plain JSON Schema with closed objects and bounded shapes', () => {
  const json = JSON.parse(JSON.stringify(TensorSchema));
  assert.equal(json.anyOf.length, 2);
  for (const branch of json.anyOf) {
    assert.equal(branch.additionalProperties, false);
    assert.equal(branch.properties.shape.maxItems, 8);
    assert.deepEqual(branch.properties.shape.items, { type: 'integer', minimum: 1 });
    for (const prop of Object.values(branch.properties) as { description?: string }[]) {
      assert.ok(prop.description, 'every field is described');
    }
  }
  assert.ok(!Value.Check(TensorSchema, { shape: [2], data: [1, 2], extra: 1 }));
  assert.ok(!Value.Check(TensorSchema, { shape: [0], data: [] }));
  assert.ok(!Value.Check(TensorSchema, { shape: [1, 1, 1, 1, 1, 1, 1, 1, 1], data: [1] }));
  assert.ok(!Value.Check(TensorSchema, { shape: [1], dtype: 'float16', b64: 'AAAAAA==' }));
});
