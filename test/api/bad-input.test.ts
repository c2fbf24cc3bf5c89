/** Every class of bad input gets a 4xx problem+json naming the field, never a 500, and queues nothing. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, type Stack } from '../helpers/stack.js';
import { packJob } from '../../src/queue/package.js';
import { rawRequest, sendRaw } from '../helpers/wire.js';

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
  await refused('{"model": ', 400, /INVALID_JSON/, 'body');
  await refused('', 400, /INVALID_JSON/, 'body');
  await refused('[1, 2]', 422, /INVALID_JOB/, '(body)');
});

test('too large: 413; wrong content type: 415', async () => {
  await refused(JSON.stringify({ pad: 'x'.repeat(2 * 2 ** 20) }), 413, /BODY_TOO_LARGE/, 'body');
  await refused('model=x', 415, /UNSUPPORTED_MEDIA_TYPE/, 'content-type', 'application/x-www-form-urlencoded');
  await refused('hello', 415, /UNSUPPORTED_MEDIA_TYPE/, 'content-type', 'text/plain');
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

test('nesting 10 000 deep, in JSON or in a package\'s job: 422 naming the field, not a 500', async () => {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  await refused(JSON.stringify(tinyJob()).replace('"model":"unet-tiny"', `"model":${deep}`), 422, /INVALID_JOB/, 'model');
  const pkg = packJob(tinyJob());
  const headerLength = Number(pkg.readBigUInt64LE(0));
  const header = JSON.parse(pkg.subarray(8, 8 + headerLength).toString('utf8'));
  header.__metadata__.job = header.__metadata__.job.replace('"solver":', `"deep":${deep},"solver":`);
  const text = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  await refused(Buffer.concat([length, text, pkg.subarray(8 + headerLength)]), 422, /INVALID_JOB/, 'deep', 'application/vnd.safetensors');
});

test('URLs the router cannot decode, ids over the length limit, malformed HTTP: problems too', async () => {
  for (const [path, status] of [['/v1/models/%zz', 400], ['/v1/jobs/%E0%A4%A', 400], [`/v1/jobs/${'x'.repeat(500)}`, 414]] as const) {
    const r = await request(stack.url).get(path).expect(status).expect('content-type', /problem\+json/);
    assert.equal(r.body.status, status);
    assert.equal(r.body.field, 'url');
  }
  const [malformed] = await sendRaw(stack.url, rawRequest('POST', '/v1/jobs', ['Content-Length: 2', 'Content-Length: 3'], Buffer.from('{}')));
  assert.equal(malformed.status, 400);
  assert.match(malformed.contentType, /problem\+json/);
  assert.equal(JSON.parse(malformed.text).field, 'content-length');
  const [oversized] = await sendRaw(stack.url, rawRequest('GET', '/v1/models', [`X-Long: ${'a'.repeat(20_000)}`]));
  assert.equal(oversized.status, 431);
  assert.equal(JSON.parse(oversized.text).field, 'headers');
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
