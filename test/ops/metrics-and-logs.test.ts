/**
 * Metrics and logs of the service as deployed: the API (src/server.ts) and a worker
 * (src/worker.ts) as separate processes on Redis. After a job that succeeds and one that
 * blows up numerically, both /metrics pages are valid exposition text that follows the
 * naming conventions and tells what happened, and both processes' JSON logs carry the job's
 * id as jobId.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { stackEnv, tinyJob, poll } from '../helpers/stack.js';
import { freePort, jsonLines, spawnService, type ServiceProcess } from '../helpers/processes.js';
import { conventionProblems, parseExposition, parseValue, sampleValue, samplesOf, type Family } from '../helpers/prometheus.js';
import { JOB_SECONDS_BUCKETS } from '../../src/metrics/job.js';

const DB = 9;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let api: ServiceProcess;
let worker: ServiceProcess;
let apiUrl: string;
let workerMetricsUrl: string;
let spawnedAt: number;
/** The two jobs, as the API answered them once they ended. */
let good: { id: string; status: string; summary: { stats: Record<string, number> } };
let blowup: { id: string; status: string; error: { code: string } };

async function submit(job: unknown) {
  const response = await fetch(`${apiUrl}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'wait=60' }, body: JSON.stringify(job) });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parseExposition(await response.text());
  assert.deepEqual(conventionProblems(families), []);
  return families;
}

/** The process's log lines with this message, once they are there (a line may trail the HTTP answer). */
async function logged(p: ServiceProcess, msg: string, jobId?: string) {
  const find = () => jsonLines(p.stdout).filter((l) => l.msg === msg && (jobId === undefined || l.jobId === jobId));
  return poll(async () => find(), (found) => found.length > 0, 10_000);
}

before(async () => {
  const redis = new Redis(stackEnv(DB).REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const env = { ...process.env, API_KEYS: '', API_KEYS_FILE: '', HOST: '127.0.0.1', ...stackEnv(DB, { LOG_LEVEL: 'info', STOP_GRACE_MS: '2000' }) };
  spawnedAt = Date.now() / 1000;
  worker = spawnService('src/worker.ts', { ...env, WORKER_METRICS_PORT: String(metricsPort) });
  api = spawnService('src/server.ts', { ...env, PORT: String(apiPort) });
  const ready = await poll(async () => (await fetch(`${apiUrl}/readyz`).catch(() => null))?.status, (s) => s === 200, 40_000);
  assert.equal(ready, 200, `API not ready; API stderr: ${api.stderr.join('\n')}; worker stderr: ${worker.stderr.join('\n')}`);

  good = await submit(tinyJob(2, { gradient: { method: 'adjoint', diagnostics: { fd_probe: true, compare_discrete: true } } }));
  assert.equal(good.status, 'succeeded', JSON.stringify(good));
  blowup = await submit(tinyJob(2, { gradient: { method: 'discrete' }, x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } }));
  assert.equal(blowup.status, 'failed');
  assert.equal(blowup.error.code, 'NUMERICAL_BLOWUP');
  // A read by id, for the route-pattern label.
  assert.equal((await fetch(`${apiUrl}/v1/jobs/${good.id}`)).status, 200);
});

after(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
});

test("the worker's /metrics: durations by method, solver and status, model evaluations, failures by code, heartbeat", async () => {
  // Both jobs ended in the worker before the API answered, but the worker counts them on
  // its own events: wait for the second one to be counted.
  const m = await poll(() => scrape(workerMetricsUrl), (f) => sampleValue(f, 'diffgrad_jobs_total', { status: 'failed' }) === 1, 10_000);

  assert.equal(sampleValue(m, 'diffgrad_jobs_total', { status: 'succeeded' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_jobs_total', { status: 'failed' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_failures_total', { code: 'NUMERICAL_BLOWUP' }), 1);
  assert.equal(samplesOf(m, 'diffgrad_job_failures_total').length, 1, 'only the blown-up job failed');

  const duration = m.get('diffgrad_job_duration_seconds')!;
  assert.equal(duration.type, 'histogram');
  assert.equal(sampleValue(m, 'diffgrad_job_duration_seconds_count', { method: 'adjoint', solver: 'ddim', status: 'succeeded' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_duration_seconds_count', { method: 'discrete', solver: 'ddim', status: 'failed' }), 1);
  assert.ok(sampleValue(m, 'diffgrad_job_duration_seconds_sum', { method: 'adjoint', solver: 'ddim', status: 'succeeded' })! > 0);
  const les = duration.samples.filter((s) => s.name.endsWith('_bucket') && s.labels.method === 'adjoint').map((s) => parseValue(s.labels.le));
  assert.deepEqual(les, [...JOB_SECONDS_BUCKETS, Infinity], 'buckets from 0.1 s to an hour');
  assert.equal(m.get('diffgrad_job_queue_wait_seconds')!.type, 'histogram');
  assert.equal(sampleValue(m, 'diffgrad_job_queue_wait_seconds_count'), 2);

  // The metric adds up what the completed job reported of itself, pass by pass.
  const stats = good.summary.stats;
  assert.ok(stats.nfe_forward > 0 && stats.nfe_backward > 0);
  // The probe solves twice more, the comparison once more (ddim: one evaluation per step).
  assert.equal(stats.nfe_diagnostics, 3 * stats.nfe_forward);
  for (const pass of ['forward', 'backward', 'diagnostics']) {
    assert.equal(sampleValue(m, 'diffgrad_model_evaluations_total', { model: 'unet-tiny', pass }), stats[`nfe_${pass}`], pass);
  }

  const beat = sampleValue(m, 'diffgrad_worker_heartbeat_timestamp_seconds')!;
  assert.equal(m.get('diffgrad_worker_heartbeat_timestamp_seconds')!.type, 'gauge');
  assert.ok(beat >= spawnedAt && beat <= Date.now() / 1000, `heartbeat at ${beat}, worker spawned at ${spawnedAt}`);
  assert.ok(m.has('diffgrad_worker_process_cpu_seconds_total'), 'default process metrics, prefixed');
  assert.ok(m.has('diffgrad_webhook_deliveries_total'), 'the webhook counter is served');
  assert.equal((await fetch(workerMetricsUrl.replace('/metrics', '/'))).status, 404);
});

test("the API's /metrics: queue depth by state, workers and their heartbeat age, requests by route pattern", async () => {
  const m = await scrape(`${apiUrl}/metrics`);
  const states = Object.fromEntries(samplesOf(m, 'diffgrad_queue_jobs').map((s) => [s.labels.state, s.value]));
  assert.deepEqual(states, { waiting: 0, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 1, failed: 1 });
  assert.equal(sampleValue(m, 'diffgrad_queue_paused'), 0);
  assert.equal(sampleValue(m, 'diffgrad_workers'), 1);

  const [started] = await logged(worker, 'worker started');
  const ages = samplesOf(m, 'diffgrad_worker_heartbeat_age_seconds');
  assert.deepEqual(ages.map((s) => s.labels.worker), [started.workerId]);
  assert.ok(ages[0].value >= 0 && ages[0].value < 600);

  assert.equal(sampleValue(m, 'diffgrad_http_requests_total', { method: 'POST', route: '/v1/jobs', status_code: '200' }), 2);
  assert.equal(sampleValue(m, 'diffgrad_http_requests_total', { method: 'GET', route: '/v1/jobs/:id', status_code: '200' }), 1);
  assert.ok(sampleValue(m, 'diffgrad_http_request_duration_seconds_count', { method: 'POST', route: '/v1/jobs' })! >= 2);
  const routes = samplesOf(m, 'diffgrad_http_requests_total').map((s) => s.labels.route);
  assert.ok(!routes.some((r) => UUID.test(r)), `a raw URL became a label: ${routes.join(', ')}`);

  for (const name of ['diffgrad_rate_limited_total', 'diffgrad_load_shed_total', 'diffgrad_webhook_deliveries_total']) assert.equal(m.get(name)?.type, 'counter', name);
  assert.ok(m.has('diffgrad_api_process_cpu_seconds_total'), 'default process metrics, prefixed');
  assert.ok(!m.has('diffgrad_jobs_total'), 'an API on Redis runs no jobs, so it reports none');
});

test('logs: JSON lines with time, level and service; the job id as jobId in the API and the worker', async () => {
  const [accepted] = await logged(api, 'job accepted', good.id);
  assert.deepEqual(
    { model: accepted.model, method: accepted.method, solver: accepted.solver, steps: accepted.steps },
    { model: 'unet-tiny', method: 'adjoint', solver: 'ddim', steps: 2 },
  );
  assert.equal(typeof accepted.reqId, 'string', 'the request id too, as Fastify logs it');

  const [started] = await logged(worker, 'job started', good.id);
  assert.equal(started.attempt, 1);
  const [completed] = await logged(worker, 'job completed', good.id);
  assert.equal(completed.attempt, 1);
  assert.equal(typeof completed.durationMs, 'number');
  const [failed] = await logged(worker, 'job failed', blowup.id);
  assert.equal(failed.code, 'NUMERICAL_BLOWUP');
  assert.equal(failed.level, 'warn');

  // Every line of both processes is JSON with an ISO time, a level name and its service.
  for (const [p, services] of [[api, ['api']], [worker, ['worker', 'sandbox']]] as const) {
    for (const line of jsonLines(p.stdout)) {
      assert.ok(typeof line.time === 'string' && !Number.isNaN(Date.parse(line.time)) && line.time.endsWith('Z'), JSON.stringify(line));
      assert.ok(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(line.level as string), JSON.stringify(line));
      assert.ok((services as readonly string[]).includes(line.service as string), JSON.stringify(line));
    }
  }

  // What `jq 'select(.jobId=="…")'` over both streams shows: the job's way through the service.
  // (Not in time order: a worker may start the job before the API has logged its answer.)
  const story = [...jsonLines(api.stdout), ...jsonLines(worker.stdout)].filter((l) => l.jobId === good.id);
  assert.deepEqual(story.map((l) => `${l.service}: ${l.msg}`).sort(), ['api: job accepted', 'worker: job completed', 'worker: job started']);
});
