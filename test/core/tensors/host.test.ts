// The bridge between host tensors and TensorFlow.js: exact values, independent storage
// (the cpu backend keeps the very array it is given), and no leaked tensors.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { selectBackend } from '../../../src/core/backends/select.js';
import { CodedError } from '../../../src/errors.js';
import {
  decodeTensor,
  elementCount,
  encodeTensor,
  formatShape,
  type HostTensor,
} from '../../../src/core/tensors/codec.js';
import { hostFromTf, toTf } from '../../../src/core/tensors/tf-bridge.js';

before(async () => {
  await selectBackend('cpu');
});

const EDGE = Float32Array.from([-0, 2 ** -149, 3.4028234663852886e38, -1.5, 1 / 3, 0]);
const bits = (v: Float32Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

test('host -> tf -> host is bit-exact and keeps the shape', async () => {
  const before = tf.memory().numTensors;
  const host: HostTensor = { shape: [2, 3], values: EDGE.slice() };
  const t = toTf(host);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.shape, [2, 3]);
  const back = await hostFromTf(t);
  t.dispose();
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(bits(back.values), bits(EDGE));
  assert.equal(tf.memory().numTensors, before);
});

test('wire -> tf -> wire round trip, both encodings', async () => {
  for (const encoding of ['b64', 'array'] as const) {
    const wire = encodeTensor({ shape: [3, 2], values: EDGE }, encoding);
    const t = toTf(decodeTensor(wire, 'z'));
    const again = encodeTensor(await hostFromTf(t), encoding);
    t.dispose();
    assert.deepEqual(again, wire);
  }
});

test('toTf copies: later writes to the host array do not reach the tensor', async () => {
  const host: HostTensor = { shape: [3], values: Float32Array.from([1, 2, 3]) };
  const t = toTf(host);
  host.values[0] = 99;
  assert.deepEqual(Array.from(await t.data()), [1, 2, 3]);
  t.dispose();
});

test('hostFromTf copies: writes to the result do not reach the tensor', async () => {
  const t = tf.tensor1d([1, 2, 3]);
  const host = await hostFromTf(t);
  host.values[1] = -7;
  assert.deepEqual(Array.from(await t.data()), [1, 2, 3]);
  t.dispose();
});

test('scalars and integer tensors read back as float32', async () => {
  const s = tf.scalar(4.25);
  assert.deepEqual(await hostFromTf(s), { shape: [], values: Float32Array.from([4.25]) });
  s.dispose();
  const i = tf.tensor2d([[1, -2], [3, 4]], [2, 2], 'int32');
  assert.deepEqual(await hostFromTf(i), { shape: [2, 2], values: Float32Array.from([1, -2, 3, 4]) });
  i.dispose();
});

test('toTf refuses a host tensor whose values do not fill its shape', () => {
  assert.throws(() => toTf({ shape: [2, 2], values: new Float32Array(3) }), (err: unknown) => {
    assert.ok(err instanceof CodedError);
    assert.equal(err.code, 'INTERNAL');
    return true;
  });
});

test('shape helpers', () => {
  assert.equal(elementCount([]), 1);
  assert.equal(elementCount([2, 3, 4]), 24);
  assert.equal(formatShape([2, 3]), '[2,3]');
  assert.equal(formatShape([]), '[]');
});
