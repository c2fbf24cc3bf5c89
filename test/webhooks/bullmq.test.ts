/**
 * Webhooks through the real stack: the API checks the target and settles the secret, a
 * sandboxed worker runs the job, its process queues the delivery and its deliverer sends
 * it to a local receiver; the attempts show on the job's record, never the secret.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { startStack, tinyJob, poll, type Stack } from '../helpers/stack.js';
import type { BullmqJobService } from '../../src/service/bullmq.js';
import { startReceiver, readmeVerify, type Receiver, type Received } from './receiver.js';

const SERVICE_SECRET = 'service-wide-webhook-secret-0123';
let stack: Stack;
let receiver: Receiver;
before(async () => {
  receiver = await startReceiver();
  stack = await startStack({ db: 8, workers: 1, env: { WEBHOOK_ALLOW: '127.0.0.1', WEBHOOK_SECRET: SERVICE_SECRET, WEBHOOK_BACKOFF_MS: '100', WEBHOOK_TIMEOUT_MS: '5000' } });
});
after(async () => {
  await stack.close();
  await receiver.close();
});

const BLOWUP = { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } };

async function arrivals(path: string, count: number): Promise<Received[]> {
  const got = await poll(async () => receiver.at(path), (r) => r.length >= count, 30_000);
  assert.ok(got.length >= count, `${path}: ${got.length} of ${count} deliveries arrived`);
  return got;
}

/** The job's record once its delivery log satisfies `done`. */
async function recordWhen(id: string, done: (deliveries: any[]) => boolean) {
  const body = await poll(async () => (await request(stack.url).get(`/v1/jobs/${id}`).expect(200)).body, (b) => done(b.webhook?.deliveries ?? []), 30_000);
  assert.ok(done(body.webhook?.deliveries ?? []), JSON.stringify(body.webhook));
  return body;
}

test('a completed job\'s delivery arrives signed, verifies as the README shows, and its record says delivered', async () => {
  const url = `${receiver.url}/completed`;
  const submitted = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url } })).expect(202);
  assert.deepEqual(submitted.body.webhook, { url, events: ['completed', 'failed', 'canceled'], deliveries: [] });
  const [delivery] = await arrivals('/completed', 1);
  assert.ok(readmeVerify(SERVICE_SECRET, delivery.headers, delivery.body), 'the signature verifies with the service secret');
  assert.ok(!readmeVerify('some-other-secret-0123456', delivery.headers, delivery.body));
  const payload = JSON.parse(delivery.body);
  assert.equal(payload.type, 'job.completed');
  assert.ok(Date.parse(payload.timestamp) > 0);
  assert.equal(payload.data.id, submitted.body.id);
  assert.equal(payload.data.status, 'succeeded');
  assert.equal(typeof payload.data.summary.loss, 'number');
  assert.deepEqual(payload.data.webhook, { url, events: ['completed', 'failed', 'canceled'] });
  assert.equal(payload.data.urls.result, `/v1/jobs/${submitted.body.id}/result`);

  const record = await recordWhen(submitted.body.id, (d) => d.length >= 1);
  const [entry] = record.webhook.deliveries;
  assert.equal(entry.event, 'completed');
  assert.equal(entry.outcome, 'delivered');
  assert.equal(entry.http_status, 200);
  assert.equal(entry.attempt, 1);
  assert.equal(entry.delivery_id, delivery.headers['webhook-id']);
  assert.ok(entry.duration_ms >= 0 && Date.parse(entry.at) > 0);
  assert.ok(!JSON.stringify(record).includes(SERVICE_SECRET));
});

test('a job failing in the worker sends "failed" with its code, signed with the job\'s own secret, which is never shown', async () => {
  const secret = 'the-job-own-secret-0123456789';
  const submitted = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { ...BLOWUP, webhook: { url: `${receiver.url}/failed`, events: ['failed'], secret } })).expect(202);
  assert.ok(!JSON.stringify(submitted.body).includes(secret));
  const [delivery] = await arrivals('/failed', 1);
  assert.ok(readmeVerify(secret, delivery.headers, delivery.body));
  assert.ok(!readmeVerify(SERVICE_SECRET, delivery.headers, delivery.body));
  const payload = JSON.parse(delivery.body);
  assert.equal(payload.type, 'job.failed');
  assert.equal(payload.data.status, 'failed');
  assert.equal(payload.data.error.code, 'NUMERICAL_BLOWUP');
  const record = await recordWhen(submitted.body.id, (d) => d.some((e) => e.outcome === 'delivered'));
  assert.ok(!JSON.stringify(record).includes(secret));
});

test('a receiver answering 500 twice, then 200: three attempts of one delivery, the last delivered', async () => {
  receiver.answer('/flaky', [500, 500, 200]);
  const submitted = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: `${receiver.url}/flaky` } })).expect(202);
  const requests = await arrivals('/flaky', 3);
  assert.equal(new Set(requests.map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id on every attempt');
  assert.ok(requests.every((r) => readmeVerify(SERVICE_SECRET, r.headers, r.body)));
  const record = await recordWhen(submitted.body.id, (d) => d.some((e) => e.outcome === 'delivered'));
  assert.deepEqual(
    record.webhook.deliveries.map((e: any) => [e.attempt, e.outcome, e.http_status]),
    [[1, 'retrying', 500], [2, 'retrying', 500], [3, 'delivered', 200]],
  );
});

test('private and loopback targets that are not allow-listed are refused at submission (422, webhook.url)', async () => {
  const port = new URL(receiver.url).port;
  for (const url of ['http://10.0.0.1/hook', `http://127.0.0.2:${port}/hook`, 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:192.168.0.1]/hook']) {
    const r = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url } })).expect(422).expect('content-type', /problem\+json/);
    assert.equal(r.body.code, 'WEBHOOK_TARGET_REFUSED', url);
    assert.equal(r.body.field, 'webhook.url');
  }
  const shape = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: 'https://user:pw@example.com/hook' } })).expect(422);
  assert.equal(shape.body.field, 'webhook.url');
});

test('progress events when asked for, with the running job; then the final event', async () => {
  const submitted = await request(stack.url).post('/v1/jobs').send(tinyJob(6, { gradient: { memory_budget_mb: 0 }, webhook: { url: `${receiver.url}/progress`, events: ['progress', 'completed'] } })).expect(202);
  await poll(async () => receiver.at('/progress'), (r) => r.some((x) => JSON.parse(x.body).type === 'job.completed'), 30_000);
  const payloads = receiver.at('/progress').map((r) => JSON.parse(r.body));
  const progress = payloads.filter((p) => p.type === 'job.progress');
  assert.ok(progress.length >= 1, payloads.map((p) => p.type).join(' '));
  assert.equal(progress[0].data.id, submitted.body.id);
  assert.equal(progress[0].data.status, 'running');
  assert.equal(progress[0].data.progress.phase, 'forward');
  assert.ok(receiver.at('/progress').every((r) => readmeVerify(SERVICE_SECRET, r.headers, r.body)));
});

test('a queued job canceled by the API sends "canceled"', async () => {
  // Paused for every worker: the job stays queued until canceled.
  const { queue } = stack.service as BullmqJobService;
  await queue.pause();
  try {
    const queued = await request(stack.url).post('/v1/jobs').send(tinyJob(2, { webhook: { url: `${receiver.url}/canceled` } })).expect(202);
    assert.equal((await request(stack.url).delete(queued.body.urls.self).expect(200)).body.status, 'canceled');
    const [delivery] = await arrivals('/canceled', 1);
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.type, 'job.canceled');
    assert.equal(payload.data.error.code, 'CANCELED');
    const record = await recordWhen(queued.body.id, (d) => d.some((e) => e.outcome === 'delivered'));
    assert.equal(record.status, 'canceled');
    assert.equal(record.webhook.deliveries[0].event, 'canceled');
  } finally {
    await queue.resume();
  }
});
