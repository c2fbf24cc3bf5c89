/**
 * Embedded mode (no Redis), as deployed: one API process (src/server.ts) that runs the jobs
 * itself, so its own /metrics tells how they went, and its log lines carry their ids.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tinyJob, poll } from '../helpers/stack.js';
import { freePort, jsonLines, spawnService, type ServiceProcess } from '../helpers/processes.js';
import { conventionProblems, parseExposition, sampleValue, samplesOf } from '../helpers/prometheus.js';

let api: ServiceProcess;
let apiUrl: string;

async function submit(job: unknown) {
  const response = await fetch(`${apiUrl}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', prefer: 'wait=60' }, body: JSON.stringify(job) });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

before(async () => {
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = spawnService('src/server.ts', { ...process.env, REDIS_URL: '', API_KEYS: '', API_KEYS_FILE: '', HOST: '127.0.0.1', PORT: String(port), BACKEND: 'wasm', LOG_LEVEL: 'info' });
  const ready = await poll(async () => (await fetch(`${apiUrl}/readyz`).catch(() => null))?.status, (s) => s === 200, 30_000);
  assert.equal(ready, 200, `API not ready: ${api.stderr.join('\n')}`);
});

after(async () => api?.stop());

test("embedded: the API's /metrics shows the jobs it ran, in the same metrics as a worker's", async () => {
  const good = await submit(tinyJob(3, { gradient: { method: 'discrete' } }));
  assert.equal(good.status, 'succeeded', JSON.stringify(good.error));
  const blowup = await submit(tinyJob(2, { gradient: { method: 'discrete' }, x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } }));
  assert.equal(blowup.error.code, 'NUMERICAL_BLOWUP');

  const response = await fetch(`${apiUrl}/metrics`);
  const m = parseExposition(await response.text());
  assert.deepEqual(conventionProblems(m), []);
  assert.equal(sampleValue(m, 'diffgrad_jobs_total', { status: 'succeeded' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_jobs_total', { status: 'failed' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_failures_total', { code: 'NUMERICAL_BLOWUP' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_duration_seconds_count', { method: 'discrete', solver: 'ddim', status: 'succeeded' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_duration_seconds_count', { method: 'discrete', solver: 'ddim', status: 'failed' }), 1);
  assert.equal(sampleValue(m, 'diffgrad_job_queue_wait_seconds_count'), 2);
  assert.equal(sampleValue(m, 'diffgrad_model_evaluations_total', { model: 'unet-tiny', pass: 'forward' }), good.summary.stats.nfe_forward);
  const states = Object.fromEntries(samplesOf(m, 'diffgrad_queue_jobs').map((s) => [s.labels.state, s.value]));
  assert.equal(states.completed, 1);
  assert.equal(states.failed, 1);
  assert.equal(sampleValue(m, 'diffgrad_workers'), 1, 'the embedded worker thread');
  assert.deepEqual(samplesOf(m, 'diffgrad_worker_heartbeat_age_seconds'), [], 'no Redis, no heartbeats');

  const lines = jsonLines(api.stdout);
  assert.ok(lines.some((l) => l.msg === 'job accepted' && l.jobId === good.id && l.service === 'api'));
  assert.ok(lines.every((l) => typeof l.time === 'string' && typeof l.level === 'string' && l.service === 'api'), 'every line JSON, with time, level and service');
});
