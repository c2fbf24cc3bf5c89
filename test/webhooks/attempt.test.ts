/**
 * One delivery attempt, as both modes make it: outcomes by answer, the timeout, 410 Gone,
 * the target checked again at delivery and the connection pinned to the checked address.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { attemptDelivery, type AttemptDeps } from '../../src/webhooks/attempt.js';
import { MemoryDeliveryLog } from '../../src/webhooks/deliveries.js';
import type { Delivery } from '../../src/webhooks/delivery.js';
import type { Resolver } from '../../src/webhooks/target.js';
import { webhookDeliveries } from '../../src/metrics/shared.js';
import { startReceiver, readmeVerify, type Receiver } from './receiver.js';

const SECRET = 'attempt-test-secret-0123';
let receiver: Receiver;
before(async () => {
  receiver = await startReceiver();
});
after(async () => receiver.close());

function delivery(path: string, attempts = 3, host?: string): Delivery {
  const url = host ? receiver.url.replace('127.0.0.1', host) + path : receiver.url + path;
  return { id: `job-1-${path.slice(1)}`, jobId: 'job-1', event: 'completed', url, secret: SECRET, body: JSON.stringify({ type: 'job.completed', path }), attempts };
}

function deps(overrides: Partial<AttemptDeps> = {}): AttemptDeps {
  return { allow: ['127.0.0.1'], timeoutMs: 2000, log: new MemoryDeliveryLog(), ...overrides };
}

test('2xx is delivered, signed; the attempt is recorded and counted', async () => {
  const d = deps();
  const before = (await webhookDeliveries.get()).values.find((v) => v.labels.outcome === 'delivered')?.value ?? 0;
  const entry = await attemptDelivery(delivery('/ok'), 1, d);
  assert.equal(entry.outcome, 'delivered');
  assert.equal(entry.http_status, 200);
  assert.deepEqual(await d.log.list('job-1'), [entry]);
  const [request] = receiver.at('/ok');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['webhook-id'], 'job-1-ok');
  assert.ok(readmeVerify(SECRET, request.headers, request.body));
  const after = (await webhookDeliveries.get()).values.find((v) => v.labels.outcome === 'delivered' && v.labels.event === 'completed')?.value ?? 0;
  assert.equal(after, before + 1);
});

test('another status retries until the last attempt, which fails; 410 Gone fails at once', async () => {
  receiver.answer('/down', [503]);
  assert.equal((await attemptDelivery(delivery('/down'), 1, deps())).outcome, 'retrying');
  const last = await attemptDelivery(delivery('/down'), 3, deps());
  assert.equal(last.outcome, 'failed');
  assert.equal(last.http_status, 503);
  receiver.answer('/gone', [410]);
  const gone = await attemptDelivery(delivery('/gone'), 1, deps());
  assert.equal(gone.outcome, 'failed');
  assert.match(gone.error ?? '', /410 Gone/);
  receiver.answer('/moved', [301]);
  assert.equal((await attemptDelivery(delivery('/moved'), 1, deps())).outcome, 'retrying');
});

test('a receiver that does not answer in time is retried, with the reason', async () => {
  receiver.answer('/slow', ['hang']);
  const entry = await attemptDelivery(delivery('/slow'), 1, deps({ timeoutMs: 200 }));
  assert.equal(entry.outcome, 'retrying');
  assert.match(entry.error ?? '', /no answer within 200 ms/);
  assert.equal(entry.http_status, undefined);
});

test('at delivery the target is checked again: a name now resolving to a private address is refused, not retried', async () => {
  const rebound: Resolver = async () => [{ address: '10.0.0.7', family: 4 }];
  const entry = await attemptDelivery(delivery('/rebound', 3, 'hooks.test'), 1, deps({ resolve: rebound }));
  assert.equal(entry.outcome, 'refused');
  assert.match(entry.error ?? '', /10\.0\.0\.7 is a private address/);
  assert.equal(receiver.at('/rebound').length, 0);
  const gone: Resolver = async () => [];
  assert.equal((await attemptDelivery(delivery('/unresolved', 3, 'hooks.test'), 1, deps({ resolve: gone }))).outcome, 'retrying');
});

test('the connection goes to the checked address: a name only our resolver knows is delivered to', async () => {
  // hooks.test resolves nowhere in real DNS: the request can only arrive through the pinned lookup.
  const pinned: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
  const entry = await attemptDelivery(delivery('/pinned', 3, 'hooks.test'), 1, deps({ resolve: pinned }));
  assert.equal(entry.outcome, 'delivered', entry.error);
  assert.equal(receiver.at('/pinned')[0].headers.host, `hooks.test:${new URL(receiver.url).port}`);
});
