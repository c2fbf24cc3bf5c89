/** Every class of bad input gets a 4xx problem+json naming the field, never a 500, and queues nothing. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ db: 2, workers: 0, env: { MAX_BODY_MB: '1' } });
});
after(async () => stack.close());

const b64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

async function refused(body: unknown, status: number, code: RegExp, field?: string, contentType = 'application/json') {
  const r = await request(stack.url).post('/v1/jobs').set('content-type', contentType).send(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers['content-type'], /application\/problem\+json/);
  assert.match(r.body.code, code);
  assert.equal(r.body.status, status);
  assert.ok(r.body.detail.length > 0);
  if (field !== undefined) assert.equal(r.body.field, field, r.body.detail);
  return r.body;
}

test('malformed bodies: 400', async () => {
  await refused('{"model": ', 400, /INVALID_JSON/);
  await refused('[1, 2]', 422, /INVALID_JOB/, '(body)');
});

test('too large: 413; wrong content type: 415', async () => {
  await refused(JSON.stringify({ pad: 'x'.repeat(2 * 2 ** 20) }), 413, /BODY_TOO_LARGE/);
  await refused('model=x', 415, /UNSUPPORTED_MEDIA_TYPE/, undefined, 'application/x-www-form-urlencoded');
  await refused('hello', 415, /UNSUPPORTED_MEDIA_TYPE/, undefined, 'text/plain');
});

test('unknown fields, names and models: 422 with the field', async () => {
  await refused({ ...tinyJob(), extra: 1 }, 422, /INVALID_JOB/, 'extra');
  await refused({ ...tinyJob(), solver: { method: 'plms', steps: 3 } }, 422, /INVALID_JOB/, 'solver.method');
  const unknown = await refused({ ...tinyJob(), model: 'sd-9' }, 422, /UNKNOWN_MODEL/, 'model');
  assert.match(unknown.detail, /one of linear, unet-32, unet-tiny/);
  await refused({ ...tinyJob(), model: '../../etc/passwd' }, 422, /UNKNOWN_MODEL/, 'model');
});

test('shapes against the manifest, NaN/Inf, truncated base64: 422 with the field', async () => {
  await refused({ ...tinyJob(), x_T: { shape: [1, 8, 8, 3], data: new Array(192).fill(0) } }, 422, /SHAPE_MISMATCH/, 'x_T.shape');
  await refused({ ...tinyJob(3), z: { shape: [2, 1, 6], data: new Array(12).fill(0) } }, 422, /SHAPE_MISMATCH/, 'z.shape');
  const nan = new Array(128).fill(0);
  nan[5] = NaN;
  await refused({ ...tinyJob(), x_T: { shape: [1, 8, 8, 2], dtype: 'float32', b64: b64(nan) } }, 422, /INVALID_TENSOR/, 'x_T.b64');
  await refused({ ...tinyJob(), x_T: { shape: [1, 8, 8, 2], dtype: 'float32', b64: b64(new Array(128).fill(0)).slice(0, 100) } }, 422, /INVALID_TENSOR/, 'x_T.b64');
  await refused({ ...tinyJob(), loss: { type: 'mse', target: { shape: [1, 8, 8, 3], data: new Array(192).fill(0) } } }, 422, /SHAPE_MISMATCH/, 'loss.target.shape');
  await refused({ ...tinyJob(), solver: { method: 'ddim', steps: 0 } }, 422, /INVALID_JOB/, 'solver.steps');
});

test('a truncated safetensors package: 422', async () => {
  await refused(Buffer.from([1, 2, 3]), 422, /INVALID_TENSOR/, undefined, 'application/vnd.safetensors');
});

test('unknown jobs and routes: 404 problems', async () => {
  const r = await request(stack.url).get('/v1/jobs/nope').expect(404).expect('content-type', /problem\+json/);
  assert.equal(r.body.code, 'JOB_NOT_FOUND');
  await request(stack.url).get('/v1/jobs/nope/result').expect(404);
  await request(stack.url).delete('/v1/jobs/nope').expect(404);
  await request(stack.url).get('/v2/anything').expect(404).expect('content-type', /problem\+json/);
});

test('nothing was queued by any of it', async () => {
  const counts = await stack.service.counts();
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0, JSON.stringify(counts));
});
