// A 16 MB base64 payload must decode through the native path: the test builds its input
// and checks the output through typed arrays only, so a per-element JS number array in
// the decoder would be the only one in play (and would show up as a slowdown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTensor, encodeTensor } from '../../../src/core/tensors/codec.js';

const COUNT = 4 * 1024 * 1024; // 4 Mi float32 = 16 MiB
const SHAPE = [4, 4, 512, 512];

/** Distinct finite patterns: a hash of the index with the exponent kept in range. */
function pattern(i: number): number {
  const h = Math.imul(i ^ (i >>> 13), 0x5bd1e995) >>> 0;
  return (h & 0x807fffff) | (((i % 250) + 1) << 23);
}

test('a 16 MB b64 tensor decodes correctly and quickly', (t) => {
  const bits = new Uint32Array(COUNT);
  for (let i = 0; i < COUNT; i++) bits[i] = pattern(i);
  const b64 = Buffer.from(bits.buffer).toString('base64');
  assert.equal(b64.length, 4 * Math.ceil((COUNT * 4) / 3)); // ~22 million characters

  const start = performance.now();
  const host = decodeTensor({ shape: SHAPE, dtype: 'float32', b64 }, 'z', { maxElements: COUNT });
  const elapsed = performance.now() - start;
  t.diagnostic(`decoded ${b64.length} base64 characters in ${elapsed.toFixed(1)} ms`);

  assert.deepEqual(host.shape, SHAPE);
  assert.ok(host.values instanceof Float32Array);
  assert.equal(host.values.length, COUNT);
  const out = new Uint32Array(host.values.buffer, host.values.byteOffset, COUNT);
  let mismatch = -1;
  for (let i = 0; i < COUNT && mismatch < 0; i++) if (out[i] !== bits[i]) mismatch = i;
  assert.equal(mismatch, -1, `first differing element: ${mismatch}`);
  // Generous: the native path takes tens of ms; a JS array per element takes seconds.
  assert.ok(elapsed < 3000, `decode took ${elapsed} ms`);
});

test('a 16 MB tensor encodes back to the same base64', () => {
  const values = new Float32Array(COUNT);
  const bits = new Uint32Array(values.buffer);
  for (let i = 0; i < COUNT; i++) bits[i] = pattern(i);
  const wire = encodeTensor({ shape: SHAPE, values }, 'b64');
  assert.ok('b64' in wire);
  assert.equal(wire.b64, Buffer.from(values.buffer).toString('base64'));
});

test('a corrupted byte deep inside a large payload is found', () => {
  const b64 = Buffer.alloc(COUNT * 4, 0).toString('base64');
  const at = 12_345_678;
  const bad = `${b64.slice(0, at)}*${b64.slice(at + 1)}`;
  assert.throws(() => decodeTensor({ shape: SHAPE, dtype: 'float32', b64: bad }, 'z', { maxElements: COUNT }), {
    message: `z.b64: not valid base64: unexpected character "*" at offset ${at}`,
  });
});

test('the default element limit refuses a huge shape before reading the payload', () => {
  assert.throws(() => decodeTensor({ shape: [1024, 1024, 1024], dtype: 'float32', b64: '' }, 'z'), {
    message: /^z\.shape: \[1024,1024,1024\] has 1073741824 elements, more than the limit of \d+$/,
  });
});
