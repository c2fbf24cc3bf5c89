/** Webhooks without Redis: the same events, signatures, retries and records, in process. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, poll, type Stack } from '../helpers/stack.js';
import { startReceiver, readmeVerify, type Receiver } from './receiver.js';

const SECRET = 'embedded-job-secret-0123456789';
let stack: Stack;
let receiver: Receiver;
before(async () => {
  receiver = await startReceiver();
  // No WEBHOOK_SECRET: a job must bring its own.
  stack = await startStack({ embedded: true, env: { WEBHOOK_ALLOW: '127.0.0.1', WEBHOOK_BACKOFF_MS: '50' } });
});
after(async () => {
  await stack.close();
  await receiver.close();
});

const typesAt = (path: string) => receiver.at(path).map((r) => JSON.parse(r.body).type as string);

async function recordWhen(id: string, done: (deliveries: any[]) => boolean) {
  const body = await poll(async () => (await request(stack.url).get(`/v1/jobs/${id}`).expect(200)).body, (b) => done(b.webhook?.deliveries ?? []), 30_000);
  assert.ok(done(body.webhook?.deliveries ?? []), JSON.stringify(body.webhook));
  return body;
}

test('embedded: without any secret to sign with, a webhook is refused at submission', async () => {
  const r = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: `${receiver.url}/nosecret` } })).expect(422);
  assert.equal(r.body.code, 'WEBHOOK_SECRET_MISSING');
  assert.equal(r.body.field, 'webhook.secret');
  const refused = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: 'http://192.168.1.1/hook', secret: SECRET } })).expect(422);
  assert.equal(refused.body.field, 'webhook.url');
});

test('embedded: a completed job is delivered after a retry; both attempts are on its record', async () => {
  receiver.answer('/done', [503, 200]);
  const submitted = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: `${receiver.url}/done`, secret: SECRET } })).expect(202);
  const record = await recordWhen(submitted.body.id, (d) => d.some((e) => e.outcome === 'delivered'));
  assert.deepEqual(record.webhook.deliveries.map((e: any) => [e.event, e.attempt, e.outcome, e.http_status]), [['completed', 1, 'retrying', 503], ['completed', 2, 'delivered', 200]]);
  assert.ok(!JSON.stringify(record).includes(SECRET));
  const [first, second] = receiver.at('/done');
  assert.equal(first.headers['webhook-id'], second.headers['webhook-id']);
  assert.ok(readmeVerify(SECRET, second.headers, second.body));
  assert.equal(JSON.parse(second.body).data.status, 'succeeded');
});

test('embedded: a failing job sends "failed"; progress, and "canceled" for running and queued jobs', async () => {
  const failing = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) }, webhook: { url: `${receiver.url}/failed`, secret: SECRET } })).expect(202);
  await poll(async () => typesAt('/failed'), (t) => t.length > 0, 30_000);
  const failed = JSON.parse(receiver.at('/failed')[0].body);
  assert.equal(failed.type, 'job.failed');
  assert.equal(failed.data.id, failing.body.id);
  assert.equal(failed.data.error.code, 'NUMERICAL_BLOWUP');

  const long = tinyJob(200, { gradient: { memory_budget_mb: 0, method: 'adjoint', adjoint_substeps: 8 } });
  const running = await request(stack.url).post('/v1/jobs').send({ ...long, webhook: { url: `${receiver.url}/running`, events: ['progress', 'canceled'], secret: SECRET } }).expect(202);
  const queued = await request(stack.url).post('/v1/jobs').send({ ...long, webhook: { url: `${receiver.url}/queued`, secret: SECRET } }).expect(202);
  await request(stack.url).delete(queued.body.urls.self).expect(200);
  await poll(async () => typesAt('/running'), (t) => t.includes('job.progress'), 30_000);
  await request(stack.url).post(running.body.urls.cancel).expect(200);
  await poll(async () => typesAt('/running'), (t) => t.includes('job.canceled'), 30_000);
  await poll(async () => typesAt('/queued'), (t) => t.length > 0, 30_000);
  assert.deepEqual(typesAt('/queued'), ['job.canceled']);
  const progress = receiver.at('/running').map((r) => JSON.parse(r.body)).find((p) => p.type === 'job.progress');
  assert.equal(progress.data.status, 'running');
  assert.ok(receiver.at('/running').every((r) => readmeVerify(SECRET, r.headers, r.body)));
  await recordWhen(running.body.id, (d) => d.some((e) => e.event === 'canceled' && e.outcome === 'delivered'));
});
