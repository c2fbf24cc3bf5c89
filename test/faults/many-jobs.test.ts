/**
 * 500 jobs from 4 concurrent clients on two worker processes, one of which is stopped
 * (SIGTERM) halfway through and replaced: none lost, none run to completion twice, and
 * each job's loss is the one its own input gives in this process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/queue/names.js';
import { loadConfig } from '../../src/config.js';
import { selectBackend } from '../../src/core/backends/select.js';
import { ModelRegistry } from '../../src/core/models/registry.js';
import { runJob } from '../../src/job/run.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Fleet } from '../helpers/fleet.js';
import { call, submit } from '../helpers/job-client.js';
import { poll } from '../helpers/stack.js';

const JOBS = 500;
const CLIENTS = 4;

/** Job i: the closed-form linear model with its own x_T, so every job has its own loss. */
const linearJob = (i: number) => ({
  model: 'linear',
  x_T: { shape: [1, 4], data: [(i - JOBS / 2) / 64, 0.2, 0.3, 0.4] },
  z: { shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] },
  loss: { type: 'linear', weights: { shape: [1, 4], data: [1, -2, 0.5, 3] } },
  solver: { method: 'ddim', steps: 2 },
});

let redis: RedisServer;
let fleet: Fleet;
const connections: Redis[] = [];
let queue: Queue;
let events: QueueEvents;

before(async () => {
  redis = await RedisServer.start();
  fleet = await Fleet.create(redis.url(), { STOP_GRACE_MS: '20000' });
  await fleet.startApi();
  await Promise.all([fleet.startWorker(), fleet.startWorker()]);
  connections.push(new Redis(redis.url(), { maxRetriesPerRequest: null }), new Redis(redis.url(), { maxRetriesPerRequest: null }));
  queue = new Queue(QUEUE_NAME, { connection: connections[0] });
  events = new QueueEvents(QUEUE_NAME, { connection: connections[1] });
  await events.waitUntilReady();
});

after(async () => {
  await events?.close();
  await queue?.close();
  // BullMQ leaves connections it is given open.
  for (const c of connections) c.disconnect();
  await fleet?.stopAll();
  await redis?.destroy();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Each input's loss, computed here on the workers' backend. */
async function referenceLosses(): Promise<number[]> {
  const config = loadConfig({ BACKEND: 'wasm' });
  const ctx = { registry: new ModelRegistry(config.modelsDir), config, backend: await selectBackend('wasm') };
  const losses: number[] = [];
  for (let i = 0; i < JOBS; i++) losses.push((await runJob(linearJob(i), ctx)).loss);
  ctx.registry.dispose();
  return losses;
}

test(`${JOBS} jobs from ${CLIENTS} clients, 2 workers, one worker restarted halfway: 0 lost, 0 run twice, every loss right`, { timeout: 240_000 }, async (t) => {
  const reference = await referenceLosses();
  assert.equal(new Set(reference).size, JOBS, 'every input has its own loss, so a mixed-up result would show');

  const completions = new Map<string, number>();
  events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));

  const submitted = new Map<string, { input: number; at: number }>();
  const refused: string[] = [];
  let next = 0;
  const client = async () => {
    for (let i = next++; i < JOBS; i = next++) {
      const at = Date.now();
      const r = await submit(fleet.apiUrl, linearJob(i));
      if (r.status === 202 || r.status === 200) submitted.set(r.body.id, { input: i, at });
      else refused.push(`job ${i}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, client));

  // Halfway through, one worker is stopped the way an orchestrator does it, and replaced.
  const [leaving] = fleet.workers;
  const restartAt = await poll(() => queue.getCompletedCount(), (n) => n >= JOBS / 2, 120_000);
  assert.ok(restartAt >= JOBS / 2, `half the jobs complete: ${restartAt}\n${fleet.diagnostics()}`);
  const left = new Promise<number | null>((resolve) => leaving.child.once('exit', (code) => resolve(code)));
  leaving.child.kill('SIGTERM');
  const replacement = fleet.startWorker();
  assert.equal(await left, 0, `the stopped worker exits 0\n${fleet.diagnostics()}`);
  await replacement;

  await clients;
  assert.deepEqual(refused, []);
  const counts = await poll(() => queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed'), (c) => c.completed + c.failed >= JOBS, 120_000);
  assert.equal(submitted.size, JOBS, 'distinct job ids');
  assert.deepEqual({ completed: counts.completed, failed: counts.failed }, { completed: JOBS, failed: 0 }, JSON.stringify(counts));

  // Every job read back through the API: succeeded, with its own input's loss.
  const latencies: number[] = [];
  const wrong: string[] = [];
  const ids = [...submitted.keys()];
  for (let from = 0; from < ids.length; from += 50) {
    await Promise.all(
      ids.slice(from, from + 50).map(async (id) => {
        const { input, at } = submitted.get(id)!;
        const { body } = await call(`${fleet.apiUrl}/v1/jobs/${id}`);
        if (body.status !== 'succeeded' || body.summary.loss !== reference[input]) wrong.push(`${id} (input ${input}): ${body.status} loss ${body.summary?.loss}, expected ${reference[input]}`);
        else latencies.push(Date.parse(body.finishedAt) - at);
      }),
    );
  }
  assert.deepEqual(wrong, []);

  // No job ran to completion twice: one completed event per job, and each job completed on its first attempt or was handed back without completing.
  await poll(async () => completions.size, (n) => n >= JOBS, 10_000);
  const twice = [...completions].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], 'jobs completed more than once');
  assert.equal(completions.size, JOBS, 'a completed event for every job');
  const jobs = await Promise.all(ids.map((id) => Job.fromId(queue, id)));
  const byWorker = new Map<string, number>();
  for (const job of jobs) byWorker.set(job!.processedBy!, (byWorker.get(job!.processedBy!) ?? 0) + 1);
  const startedTwice = jobs.filter((job) => job!.attemptsStarted > 1).length;

  latencies.sort((a, b) => a - b);
  t.diagnostic(`submitted ${submitted.size} distinct jobs; BullMQ completed ${counts.completed}, failed ${counts.failed}; lost 0; completed events ${[...completions.values()].reduce((a, b) => a + b, 0)} (0 duplicated); ${startedTwice} started more than once`);
  t.diagnostic(`worker SIGTERMed at ${restartAt} completed (exit 0) and replaced; jobs per worker: ${[...byWorker.values()].join(', ')}`);
  t.diagnostic(`submit-to-final latency: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`);
});
