/** Without Redis: the embedded queue and worker thread, with the same job semantics. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, poll, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ embedded: true });
});
after(async () => stack.close());

test('embedded: a job runs to its result; readiness reports the embedded worker', async () => {
  assert.equal(stack.service.mode, 'embedded');
  const r = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=60').send(tinyJob(3)).expect(200);
  assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body.error));
  assert.equal(r.body.summary.stats.nfe_forward, 3);
  const result = await request(stack.url).get(r.body.urls.result).expect(200);
  assert.deepEqual(result.body.grad.z.shape, [3, 1, 6]);
  const ready = await request(stack.url).get('/readyz').expect(200);
  assert.equal(ready.body.mode, 'embedded');
});

test('embedded: queued and running jobs cancel, idempotency holds, failures carry their code', async () => {
  const long = tinyJob(200, { gradient: { memory_budget_mb: 0, method: 'adjoint', adjoint_substeps: 8 } });
  const running = await request(stack.url).post('/v1/jobs').send(long).expect(202);
  const queued = await request(stack.url).post('/v1/jobs').set('idempotency-key', 'e-1').send(long).expect(202);
  const again = await request(stack.url).post('/v1/jobs').set('idempotency-key', 'e-1').send(long).expect(202);
  assert.equal(again.body.id, queued.body.id);
  await request(stack.url).post('/v1/jobs').set('idempotency-key', 'e-1').send(tinyJob(2)).expect(422);
  assert.equal((await request(stack.url).delete(queued.body.urls.self).expect(200)).body.status, 'canceled');
  await poll(async () => (await request(stack.url).get(running.body.urls.self)).body, (b) => b.progress !== null, 30_000);
  await request(stack.url).post(running.body.urls.cancel).expect(200);
  const final = await poll(async () => (await request(stack.url).get(running.body.urls.self)).body, (b) => b.status !== 'running', 30_000);
  assert.equal(final.status, 'canceled');
  const blowup = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(tinyJob(2, { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } })).expect(200);
  assert.equal(blowup.body.error.code, 'NUMERICAL_BLOWUP');
});
