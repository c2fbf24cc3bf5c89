/**
 * API keys and tenants through real HTTP and Redis: who may call what, tenants never see
 * each other's jobs (404, as for an unknown job), per-key limits on steps, theta and jobs
 * in flight, and rate limits that hold across two API replicas sharing Redis.
 * No worker runs here, so submitted jobs stay queued (what the caps count).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { hashKey } from '../../src/auth/keys.js';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/api/app.js';
import { BullmqJobService } from '../../src/service/bullmq.js';
import { ModelCatalog } from '../../src/core/models/catalog.js';
import { startApi } from '../../src/server.js';
import type { FastifyInstance } from 'fastify';
import { startStack, tinyJob, type Stack } from '../helpers/stack.js';

const DB = 7;
const KEYS = { alice: 'dg_alice-key-0123456789abcdef', bob: 'dg_bob-key-0123456789abcdef', ops: 'dg_ops-key-0123456789abcdef', chatty: 'dg_chatty-key-0123456789abcdef' };
const API_KEYS = JSON.stringify([
  { tenant: 'alice', sha256: hashKey(KEYS.alice), scopes: ['jobs'] },
  { tenant: 'bob', sha256: hashKey(KEYS.bob), scopes: ['jobs'], limits: { maxActiveJobs: 2, maxSteps: 4, allowTheta: false, maxTensorElements: 100 } },
  { tenant: 'ops', sha256: hashKey(KEYS.ops), scopes: ['admin'] },
  { tenant: 'chatty', sha256: hashKey(KEYS.chatty), scopes: ['jobs'], limits: { rateMax: 6 } },
]);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
/** A job small enough for Bob's tensor limit. */
const linearJob = (x = 0.1, extra: Record<string, unknown> = {}) => ({
  model: 'linear',
  x_T: { shape: [1, 4], data: [x, 0.2, 0.3, 0.4] },
  z: { shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] },
  loss: { type: 'linear', weights: { shape: [1, 4], data: [1, -2, 0.5, 3] } },
  solver: { method: 'ddim', steps: 2 },
  ...extra,
});


/** A second API on this test's Redis database (or on another Redis), with configuration changes; closed after fn. */
async function withApp(env: Record<string, string>, fn: (app: FastifyInstance) => Promise<void>, opts: { ready?: boolean } = {}): Promise<void> {
  const config = loadConfig({ ...process.env, ...env });
  const service = new BullmqJobService(config);
  if (opts.ready !== false) await service.ready();
  const app = await buildApp({ config, service, catalog: new ModelCatalog(config.modelsDir) });
  try {
    await fn(app);
  } finally {
    await app.close();
    await service.close();
  }
}

let stack: Stack;
before(async () => {
  stack = await startStack({ db: DB, workers: 0, env: { API_KEYS } });
});
after(async () => stack.close());

function assertProblem(res: request.Response, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers['content-type'], /application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.equal(res.body.code, code);
}

test('no key or a wrong key: 401 with WWW-Authenticate; a key without the scope: 403', async () => {
  const none = await request(stack.url).get('/v1/models');
  assertProblem(none, 401, 'UNAUTHORIZED');
  assert.match(none.headers['www-authenticate'], /^Bearer/);
  assert.equal(none.body.field, 'Authorization');
  assertProblem(await request(stack.url).get('/v1/models').set(bearer('dg_not-a-key')), 401, 'UNAUTHORIZED');
  assertProblem(await request(stack.url).get('/v1/models').set({ authorization: 'Token abc' }), 401, 'UNAUTHORIZED');
  assertProblem(await request(stack.url).post('/v1/jobs').set(bearer(KEYS.ops)).send(tinyJob(2)), 403, 'FORBIDDEN');
  assert.equal((await request(stack.url).get('/v1/models').set(bearer(KEYS.alice))).status, 200);
});

test('health, metrics and docs need no key', async () => {
  for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/']) {
    const res = await request(stack.url).get(path);
    assert.ok(res.status === 200 || (path === '/readyz' && res.status === 503), `${path}: ${res.status}`);
  }
  const spec = (await request(stack.url).get('/openapi.json')).body;
  assert.deepEqual(spec.components.securitySchemes.apiKey, { type: 'http', scheme: 'bearer', description: spec.components.securitySchemes.apiKey.description });
  assert.deepEqual(spec.paths['/healthz'].get.security, []);
  assert.ok(spec.paths['/v1/jobs'].post.responses['429'] && spec.paths['/v1/jobs'].post.responses['401']);
});

test('a job is visible to its tenant only: any other tenant gets the same 404 as for an unknown job', async () => {
  const { body: job } = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.alice)).send(tinyJob(2)).expect(202);
  assert.equal(job.tenant, 'alice');
  assert.equal((await request(stack.url).get(job.urls.self).set(bearer(KEYS.alice))).status, 200);
  const unknown = await request(stack.url).get('/v1/jobs/00000000-0000-4000-8000-000000000000').set(bearer(KEYS.bob));
  for (const [method, path] of [['get', job.urls.self], ['get', job.urls.result], ['get', job.urls.events], ['post', job.urls.cancel], ['delete', job.urls.self]] as const) {
    const res = await request(stack.url)[method](path).set(bearer(KEYS.bob));
    assertProblem(res, 404, 'JOB_NOT_FOUND');
    assert.equal(res.body.detail.replace(job.id, 'ID'), unknown.body.detail.replace('00000000-0000-4000-8000-000000000000', 'ID'));
  }
  // Bob's cancel did nothing: the job is still Alice's, still queued.
  assert.equal((await request(stack.url).get(job.urls.self).set(bearer(KEYS.alice))).body.status, 'queued');
  await request(stack.url).delete(job.urls.self).set(bearer(KEYS.alice)).expect(200);
});

test('idempotency keys are per tenant: the same key from two tenants makes two jobs', async () => {
  const a = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.alice)).set('idempotency-key', 'same').send(linearJob()).expect(202);
  const b = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).set('idempotency-key', 'same').send(linearJob()).expect(202);
  assert.notEqual(a.body.id, b.body.id);
  const again = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.alice)).set('idempotency-key', 'same').send(linearJob());
  assert.equal(again.body.id, a.body.id);
  await request(stack.url).delete(a.body.urls.self).set(bearer(KEYS.alice)).expect(200);
  await request(stack.url).delete(b.body.urls.self).set(bearer(KEYS.bob)).expect(200);
});

test("a key's own limits: steps, tensor size, theta (422 naming the field)", async () => {
  const steps = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(tinyJob(5));
  assertProblem(steps, 422, 'INVALID_JOB');
  assert.equal(steps.body.field, 'solver.steps');
  assert.match(steps.body.detail, /limit of 4/);
  const big = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(tinyJob(2));
  assertProblem(big, 422, 'INVALID_TENSOR');
  assert.match(big.body.field, /^x_T/);
  // Alice has the service-wide limits: the same jobs are fine for her.
  const ok = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.alice)).send(tinyJob(5, { gradient: { wrt: ['x_T', 'theta'] } })).expect(202);
  await request(stack.url).delete(ok.body.urls.self).set(bearer(KEYS.alice)).expect(200);
});

test('theta gradients refused for a key that may not ask for them', async () => {
  const res = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(linearJob(0.1, { gradient: { wrt: ['x_T', 'theta'] } }));
  assertProblem(res, 422, 'LIMIT_EXCEEDED');
  assert.equal(res.body.field, 'gradient.wrt');
});

test('a tenant at its cap of jobs in flight: 429 with Retry-After; a finished job frees a place', async () => {
  const first = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(linearJob(1)).expect(202);
  await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(linearJob(2)).expect(202);
  const third = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(linearJob(3));
  assertProblem(third, 429, 'TOO_MANY_ACTIVE_JOBS');
  assert.ok(Number(third.headers['retry-after']) > 0);
  // Another tenant is not held back by Bob's cap.
  const alice = await request(stack.url).post('/v1/jobs').set(bearer(KEYS.alice)).send(linearJob(3)).expect(202);
  await request(stack.url).delete(alice.body.urls.self).set(bearer(KEYS.alice)).expect(200);
  await request(stack.url).delete(first.body.urls.self).set(bearer(KEYS.bob)).expect(200);
  await request(stack.url).post('/v1/jobs').set(bearer(KEYS.bob)).send(linearJob(3)).expect(202);
});

test('rate limits per key hold across two API replicas sharing Redis; 429 with Retry-After', async () => {
  await withApp({}, async (replica) => {
    await replica.listen({ host: '127.0.0.1', port: 0 });
    const address = replica.server.address();
    const replicaUrl = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await request(i % 2 ? replicaUrl : stack.url).get('/v1/models').set(bearer(KEYS.chatty))).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await request(replicaUrl).get('/v1/models').set(bearer(KEYS.chatty));
    assertProblem(limited, 429, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another key still has its own budget; operations endpoints are never limited.
    assert.equal((await request(replicaUrl).get('/v1/models').set(bearer(KEYS.alice))).status, 200);
    assert.equal((await request(replicaUrl).get('/healthz')).status, 200);
  });
});

test('the queue dashboard: admin scope only, and a browser can log in with Basic', async () => {
  const none = await request(stack.url).get('/admin/queues');
  assertProblem(none, 401, 'UNAUTHORIZED');
  assert.match(none.headers['www-authenticate'], /^Basic/);
  assertProblem(await request(stack.url).get('/admin/queues').set(bearer(KEYS.alice)), 403, 'FORBIDDEN');
  assertProblem(await request(stack.url).get('/admin/queues/api/queues').set(bearer(KEYS.alice)), 403, 'FORBIDDEN');
  const page = await request(stack.url).get('/admin/queues').auth('ops', KEYS.ops).expect(200);
  assert.match(page.text, /<div id="root">/);
  const queues = await request(stack.url).get('/admin/queues/api/queues').set(bearer(KEYS.ops)).expect(200);
  assert.deepEqual(queues.body.queues.map((q: { name: string }) => q.name).sort(), ['gradients', 'webhooks']);
});

test('security headers on every answer; the docs page loads only its own scripts', async () => {
  const docs = await request(stack.url).get('/docs/').expect(200);
  const csp = docs.headers['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  assert.equal(docs.headers['x-content-type-options'], 'nosniff');
  assert.ok(docs.headers['strict-transport-security']);
  const scripts = [...docs.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    // Inline code would be blocked by script-src 'self': every script is a same-origin file.
    assert.equal(body.trim(), '', `inline script on the docs page: ${body.slice(0, 80)}`);
    const src = /src="([^"]+)"/.exec(attrs)?.[1] ?? '';
    assert.ok(!/^[a-z]+:\/\//i.test(src), src);
    const file = await request(stack.url).get(new URL(src, `${stack.url}/docs/`).pathname);
    assert.equal(file.status, 200, src);
  }
  const api = await request(stack.url).get('/v1/models').set(bearer(KEYS.alice));
  assert.equal(api.headers['x-frame-options'], 'SAMEORIGIN');
});

test('without keys the service refuses to listen beyond loopback', async () => {
  const open = loadConfig({ REDIS_URL: '', HOST: '0.0.0.0', PORT: '0', BACKEND: 'wasm' });
  await assert.rejects(startApi(open), /no API keys.*loopback/);
});

test('while the queue is unreachable: 503 with Retry-After at once, health still answers', async () => {
  await withApp({ API_KEYS: '', REDIS_URL: 'redis://127.0.0.1:1/0' }, async (app) => {
    for (const [method, url] of [['POST', '/v1/jobs'], ['GET', '/v1/jobs/x'], ['GET', '/v1/models']] as const) {
      const res = await app.inject({ method, url, payload: method === 'POST' ? tinyJob(2) : undefined });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '5');
      assert.equal(res.json().code, 'QUEUE_UNAVAILABLE');
    }
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
  }, { ready: false });
});

test('load shedding: with the event loop held up, 503 OVERLOADED with Retry-After; health still answers', async () => {
  await withApp({ API_KEYS: '', MAX_EVENT_LOOP_DELAY_MS: '50' }, async (app) => {
    let shed = null;
    for (let attempt = 0; attempt < 10 && !shed; attempt++) {
      const until = Date.now() + 600;
      while (Date.now() < until); // hold the event loop, as a runaway request would
      await new Promise((resolve) => setTimeout(resolve, 100));
      const res = await app.inject({ url: '/v1/models' });
      if (res.statusCode === 503) shed = res;
      else assert.equal(res.statusCode, 200);
    }
    assert.ok(shed, 'never shed');
    assert.equal(shed.json().code, 'OVERLOADED');
    assert.equal(shed.headers['retry-after'], '5');
    assert.match(shed.headers['content-type'] as string, /problem\+json/);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  });
});

test('load shedding on memory: past MAX_HEAP_USED_MB, 503 OVERLOADED; health still answers', async () => {
  await withApp({ API_KEYS: '', MAX_HEAP_USED_MB: '1' }, async (app) => {
    // The plugin samples memory about once a second: ask until it has.
    let res = await app.inject({ url: '/v1/models' });
    for (let i = 0; i < 50 && res.statusCode !== 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await app.inject({ url: '/v1/models' });
    }
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().code, 'OVERLOADED');
    assert.match(res.json().detail, /heap/i);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
  });
});
