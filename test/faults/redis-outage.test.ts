/**
 * Redis stopped under load and started again: an own Redis (AOF, so a SIGTERM loses no
 * acknowledged write), the API and two workers as processes, clients submitting all along.
 * While Redis is down the API answers job routes 503 QUEUE_UNAVAILABLE with Retry-After,
 * stays alive and healthy; afterwards every job it had accepted succeeds with the right loss.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/queue/names.js';
import { tinyJob, poll } from '../helpers/stack.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Fleet } from '../helpers/fleet.js';
import { call, final, submit, type Answer } from '../helpers/job-client.js';

const CLIENTS = 2;
/** Long enough for jobs to be running when Redis goes, and longer than a job's 4 s lock. */
const OUTAGE_MS = 6000;
/** About a quarter of a second of work: the two workers fall behind the clients, so jobs queue up. */
const JOB = tinyJob(30);

let redis: RedisServer;
let fleet: Fleet;

before(async () => {
  redis = await RedisServer.start();
  fleet = await Fleet.create(redis.url());
  await fleet.startApi();
  await Promise.all([fleet.startWorker(), fleet.startWorker()]);
});

after(async () => {
  await fleet?.stopAll();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withQueue<T>(use: (queue: Queue) => Promise<T>): Promise<T> {
  // BullMQ leaves a connection it is given open: it is closed here, or it would reconnect in vain.
  const connection = new Redis(redis.url(), { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** A 503 as the outage should answer it; null if it is one, else what is wrong with it. */
function outageProblem(r: Answer): string | null {
  if (r.status !== 503) return `HTTP ${r.status}`;
  if (!r.headers.get('retry-after')) return 'no Retry-After';
  if (!/^application\/problem\+json/.test(r.headers.get('content-type') ?? '')) return `content-type ${r.headers.get('content-type')}`;
  if (r.body?.code !== 'QUEUE_UNAVAILABLE') return `code ${r.body?.code}`;
  return null;
}

test('Redis stopped under load and restarted: 503 QUEUE_UNAVAILABLE while down, then every accepted job succeeds', { timeout: 240_000 }, async (t) => {
  const reference = await submit(fleet.apiUrl, JOB, { prefer: 'wait=60' });
  assert.equal(reference.body.status, 'succeeded', JSON.stringify(reference.body));
  const [api, ...workers] = fleet.members.map((m) => m.process);

  const accepted: string[] = [];
  const unexpected: string[] = [];
  let redisDown = false;
  let restartedAt = 0;
  let firstAcceptedAfterRestart = 0;
  let acceptedAfterRestart = 0;
  let answered503 = 0;
  let answered503AfterRestart = 0;
  let stopClients = false;

  // Each client submits, counts, and goes on whatever it got back.
  const client = async () => {
    while (!stopClients) {
      const r = await submit(fleet.apiUrl, JOB);
      if (r.status === 202 || r.status === 200) {
        accepted.push(r.body.id);
        if (restartedAt) {
          firstAcceptedAfterRestart ||= Date.now();
          acceptedAfterRestart++;
        }
      } else if (r.status === 503 && (redisDown || restartedAt)) {
        const problem = outageProblem(r);
        if (problem) unexpected.push(`submit: ${problem} ${JSON.stringify(r.body)}`);
        if (redisDown) answered503++;
        else answered503AfterRestart++;
      } else unexpected.push(`submit: HTTP ${r.status} ${JSON.stringify(r.body)} (Redis ${redisDown ? 'down' : 'up'})`);
      await sleep(r.status === 503 ? 100 : 60);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  // However the test ends, the clients stop with it.
  t.after(() => {
    stopClients = true;
  });

  // Stop Redis once jobs are both waiting and running. (The queue handle goes first: it
  // would only reconnect in vain meanwhile.)
  const loaded = (c: Record<string, number>) => accepted.length >= 15 && c.waiting >= 5 && c.active >= 1;
  const before = await withQueue((queue) => poll(() => queue.getJobCounts('waiting', 'active'), loaded, 60_000));
  assert.ok(loaded(before), `jobs queue up and run: ${JSON.stringify(before)}, ${accepted.length} accepted; ${unexpected.join('; ')}`);
  const acceptedBeforeStop = accepted.length;
  redisDown = true;
  await redis.stop();

  // While it is down: job routes answer 503 as an outage, health stays up, nobody exits.
  const outageEnds = Date.now() + OUTAGE_MS;
  let reads503 = 0;
  while (Date.now() < outageEnds) {
    assert.equal((await call(`${fleet.apiUrl}/healthz`)).status, 200);
    const read = await call(`${fleet.apiUrl}/v1/jobs/${accepted[0]}`);
    assert.equal(outageProblem(read), null, `GET a job while Redis is down: ${read.status} ${JSON.stringify(read.body)}`);
    reads503++;
    await sleep(250);
  }
  const readiness = await call(`${fleet.apiUrl}/readyz`);
  assert.equal(readiness.status, 503, 'not ready while the queue is away');
  assert.equal(fleet.workers.length, 2, `both workers outlive the outage\n${fleet.diagnostics()}`);
  assert.equal(api.child.exitCode, null, `the API outlives the outage\n${fleet.diagnostics()}`);

  await redis.restart();
  redisDown = false;
  restartedAt = Date.now();
  while (acceptedAfterRestart < 10 && Date.now() - restartedAt < 60_000) await sleep(50);
  stopClients = true;
  await Promise.all(clients);
  const apiRecoveredS = (firstAcceptedAfterRestart - restartedAt) / 1000;

  assert.deepEqual(unexpected, []);
  assert.ok(acceptedAfterRestart >= 10, `the API accepts jobs again after Redis is back\n${fleet.diagnostics()}`);
  const finals = await Promise.all(accepted.map((id) => final(fleet.apiUrl, id, 180_000, 250)));
  const drainedS = (Date.now() - restartedAt) / 1000;
  const wrong = finals.map((f, i) => ({ id: accepted[i], status: f?.status ?? 'not final', loss: f?.summary?.loss, error: f?.error })).filter((f) => f.status !== 'succeeded' || f.loss !== reference.body.summary.loss);
  assert.deepEqual(wrong, [], `every accepted job succeeds with the reference loss ${reference.body.summary.loss}\n${fleet.diagnostics()}`);
  assert.deepEqual(workers.map((w) => w.child.exitCode), [null, null], 'the workers started first are still the ones running');

  const attempts = await withQueue((queue) => Promise.all(accepted.map(async (id) => (await Job.fromId(queue, id))?.attemptsStarted ?? 0)));
  const rerun = attempts.filter((n) => n > 1).length;

  t.diagnostic(`Redis stopped with ${before.waiting} jobs waiting and ${before.active} running; ${rerun} jobs were started more than once (retried or handed back after the outage)`);
  t.diagnostic(`jobs accepted: ${accepted.length} (${acceptedBeforeStop} before Redis stopped, ${acceptedAfterRestart} after it was back), all succeeded with loss ${reference.body.summary.loss}`);
  t.diagnostic(`503 QUEUE_UNAVAILABLE answered while down: ${answered503} submissions + ${reads503} reads, in ${OUTAGE_MS / 1000} s (and ${answered503AfterRestart} submissions after the restart, before the API had reconnected); /healthz 200 throughout`);
  t.diagnostic(`time to recover: ${apiRecoveredS.toFixed(2)} s from Redis restart to the first job accepted, ${drainedS.toFixed(1)} s until every accepted job had ended`);
});
