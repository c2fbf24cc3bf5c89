/** A job's whole life through real HTTP, BullMQ on Redis and sandboxed workers. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, poll, type Stack } from '../helpers/stack.js';
import { decodeSafetensors } from '../../src/core/tensors/safetensors.js';
import { decodeTensor } from '../../src/core/tensors/codec.js';
import { selectBackend } from '../../src/core/backends/select.js';
import { ModelRegistry } from '../../src/core/models/registry.js';
import { runJob } from '../../src/job/run.js';
import { packJob } from '../../src/queue/package.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ db: 1, workers: 1 });
});
after(async () => stack.close());

test('submit, poll, fetch the result as JSON and as safetensors: identical to the in-process runner', async () => {
  const job = tinyJob(3, { gradient: { wrt: ['x_T', 'z', 'theta'] } });
  const submitted = await request(stack.url).post('/v1/jobs').send(job).expect(202);
  assert.match(submitted.headers.location, /^\/v1\/jobs\/[0-9a-f-]{36}$/);
  const { id, urls } = submitted.body;
  assert.deepEqual(urls, { self: `/v1/jobs/${id}`, result: `/v1/jobs/${id}/result`, events: `/v1/jobs/${id}/events`, cancel: `/v1/jobs/${id}/cancel` });
  assert.ok(['queued', 'running'].includes(submitted.body.status));

  const done = await poll(async () => (await request(stack.url).get(urls.self)).body, (b) => b.status === 'succeeded' || b.status === 'failed');
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.ok(done.startedAt && done.finishedAt);
  assert.equal(done.summary.stats.nfe_forward, 3);

  const json = await request(stack.url).get(urls.result).expect(200).expect('content-type', /application\/json/);
  const file = await request(stack.url).get(urls.result).set('accept', 'application/vnd.safetensors').buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200).expect('content-type', /application\/vnd\.safetensors/);
  const { tensors, metadata } = decodeSafetensors(file.body as Buffer);
  assert.equal(JSON.parse(metadata.loss), json.body.loss);
  assert.deepEqual(Object.keys(tensors).filter((k) => !k.startsWith('grad.theta/')).sort(), ['grad.x_T', 'grad.z', 'x0']);
  assert.ok(Object.keys(tensors).some((k) => k === 'grad.theta/conv_in/kernel'), Object.keys(tensors).join(', '));

  // The same job in this process, on the same backend: the very same numbers.
  const backend = await selectBackend('wasm');
  const registry = new ModelRegistry('models');
  const local = await runJob(job, { registry, config: stack.config, backend });
  registry.dispose();
  assert.equal(local.loss, json.body.loss);
  for (const [name, t] of Object.entries(local.tensors)) assert.deepEqual(Array.from(tensors[name].values), Array.from(t.values), name);
  assert.deepEqual(Array.from(decodeTensor(json.body.grad.z, 'z').values), Array.from(local.tensors['grad.z'].values));

  const arrays = await request(stack.url).get(`${urls.result}?encoding=array`).expect(200);
  assert.deepEqual(arrays.body.grad.z.data, Array.from(local.tensors['grad.z'].values));
});

test('Prefer: wait holds the request until the job ends', async () => {
  const r = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(tinyJob(2)).expect(200);
  assert.equal(r.body.status, 'succeeded');
  assert.equal(r.headers['preference-applied'], 'wait=30');
});

test('a job sent as a safetensors package runs like its JSON twin', async () => {
  const job = tinyJob(2);
  const viaJson = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(job).expect(200);
  const pkg = packJob(job);
  const viaPackage = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').set('content-type', 'application/vnd.safetensors').send(pkg).expect(200);
  assert.equal(viaPackage.body.status, 'succeeded');
  assert.equal(viaPackage.body.summary.loss, viaJson.body.summary.loss);
});

test('Idempotency-Key: the same body returns the same job, another body is a 422', async () => {
  const job = tinyJob(2);
  const a = await request(stack.url).post('/v1/jobs').set('idempotency-key', 'k-1').send(job).expect((r) => assert.ok([200, 202].includes(r.status)));
  const b = await request(stack.url).post('/v1/jobs').set('idempotency-key', 'k-1').send(job);
  assert.equal(b.body.id, a.body.id);
  const c = await request(stack.url).post('/v1/jobs').set('idempotency-key', 'k-1').send(tinyJob(3)).expect(422).expect('content-type', /application\/problem\+json/);
  assert.equal(c.body.code, 'IDEMPOTENCY_KEY_REUSED');
});

test('a numerically exploding job fails with its code and step, and the worker takes the next job', async () => {
  const job = tinyJob(2, { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } });
  const r = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(job).expect(200);
  assert.equal(r.body.status, 'failed');
  assert.equal(r.body.error.code, 'NUMERICAL_BLOWUP');
  assert.equal(typeof r.body.error.step, 'number');
  await request(stack.url).get(`/v1/jobs/${r.body.id}/result`).expect(409);
  const next = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(tinyJob(2)).expect(200);
  assert.equal(next.body.status, 'succeeded');
});

test('models, health, readiness and metrics', async () => {
  const models = await request(stack.url).get('/v1/models').expect(200);
  assert.deepEqual(models.body.models.map((m: { id: string }) => m.id), ['linear', 'unet-32', 'unet-tiny']);
  const tiny = await request(stack.url).get('/v1/models/unet-tiny').expect(200);
  assert.deepEqual(tiny.body.data_shape, [8, 8, 2]);
  assert.ok(tiny.body.weights.some((w: { name: string }) => w.name === 'conv_in/kernel'));
  await request(stack.url).get('/v1/models/nope').expect(404).expect('content-type', /problem\+json/);
  await request(stack.url).get('/healthz').expect(200, { status: 'ok' });
  const ready = await request(stack.url).get('/readyz').expect(200);
  assert.equal(ready.body.workers, 1);
  const metrics = await request(stack.url).get('/metrics').expect(200);
  assert.match(metrics.text, /diffgrad_queue_jobs\{state="completed"\} \d+/);
});
