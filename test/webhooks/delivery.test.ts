/** What a delivery carries: the events a job asked for, stable ids, the payload, backoff and the progress throttle. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryOf, finalEvent, retryDelayMs, webhookPayload } from '../../src/webhooks/delivery.js';
import { ProgressThrottle } from '../../src/webhooks/throttle.js';
import { loadConfig } from '../../src/config.js';
import type { JobRecord } from '../../src/queue/contract.js';
import type { QueuedWebhook } from '../../src/webhooks/spec.js';

const config = loadConfig({ WEBHOOK_ATTEMPTS: '5' });
const webhook: QueuedWebhook = { url: 'https://hooks.test/x', events: ['completed', 'progress'], secret: 'payload-test-secret-0123' };
const record: JobRecord = {
  id: 'job-7', tenant: 'public', status: 'succeeded', model: 'unet-tiny', progress: null, createdAt: '2030-01-01T00:00:00.000Z', startedAt: null, finishedAt: null, error: null,
  summary: { loss: 1.5, stats: {}, diagnostics: {} },
  webhook: { url: webhook.url, events: webhook.events, deliveries: [{ event: 'progress', delivery_id: 'x', attempt: 1, outcome: 'delivered', at: '2030-01-01T00:00:00.000Z', duration_ms: 3 }] },
};

test('only the events the job asked for are delivered; a final event has one fixed id, progress one per report', () => {
  assert.equal(deliveryOf(webhook, 'failed', record, config), null);
  assert.equal(deliveryOf(undefined, 'completed', record, config), null);
  const completed = deliveryOf(webhook, 'completed', record, config)!;
  assert.equal(completed.id, 'job-7-completed');
  assert.equal(deliveryOf(webhook, 'completed', record, config, new Date(0))!.id, completed.id);
  assert.equal(completed.attempts, 5);
  assert.equal(completed.secret, webhook.secret);
  const progress = deliveryOf(webhook, 'progress', record, config, new Date(1000))!;
  assert.notEqual(progress.id, deliveryOf(webhook, 'progress', record, config, new Date(2000))!.id);
  assert.equal(progress.attempts, 2, 'progress is retried once at most');
});

test('the payload: type, timestamp, and the record with its links but without the delivery log or any secret', () => {
  const payload = JSON.parse(webhookPayload('completed', record, new Date('2030-01-02T03:04:05.000Z')));
  assert.equal(payload.type, 'job.completed');
  assert.equal(payload.timestamp, '2030-01-02T03:04:05.000Z');
  assert.deepEqual(payload.data.webhook, { url: webhook.url, events: webhook.events });
  assert.equal(payload.data.summary.loss, 1.5);
  assert.deepEqual(payload.data.urls, { self: '/v1/jobs/job-7', result: '/v1/jobs/job-7/result', events: '/v1/jobs/job-7/events', cancel: '/v1/jobs/job-7/cancel' });
  assert.ok(!JSON.stringify(payload).includes(webhook.secret));
});

test('final statuses map to events; retries back off exponentially', () => {
  assert.deepEqual(['succeeded', 'failed', 'canceled', 'running', 'queued'].map((s) => finalEvent(s as JobRecord['status'])), ['completed', 'failed', 'canceled', null, null]);
  assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(100, a)), [100, 200, 400, 800]);
});

test('progress is throttled to one per second per job, and forgotten when the job ends', () => {
  const throttle = new ProgressThrottle(1000);
  assert.equal(throttle.allow('a', 10_000), true);
  assert.equal(throttle.allow('a', 10_500), false);
  assert.equal(throttle.allow('b', 10_500), true, 'each job on its own');
  assert.equal(throttle.allow('a', 11_000), true);
  throttle.forget('b');
  assert.equal(throttle.allow('b', 10_600), true);
});
