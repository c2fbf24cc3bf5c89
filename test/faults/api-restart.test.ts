/**
 * The API restarted with jobs in flight: the API process killed (SIGKILL, then SIGTERM),
 * a new one started on the same port, while clients submit all along. The jobs live in
 * Redis and run on the workers, so clients polling the new API get every result.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/queue/names.js';
import { tinyJob, poll } from '../helpers/stack.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Fleet } from '../helpers/fleet.js';
import { final, submit } from '../helpers/job-client.js';
import type { ServiceProcess } from '../helpers/processes.js';

const CLIENTS = 2;
/** About a quarter of a second of work: the workers fall behind the clients, so jobs queue up. */
const JOB = tinyJob(30);

let redis: RedisServer;
let fleet: Fleet;
let api: ServiceProcess;
let queueConnection: Redis;
let queue: Queue;
let referenceLoss: number;

before(async () => {
  redis = await RedisServer.start();
  fleet = await Fleet.create(redis.url());
  api = await fleet.startApi();
  await Promise.all([fleet.startWorker(), fleet.startWorker()]);
  queueConnection = new Redis(redis.url(), { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE_NAME, { connection: queueConnection });
  const reference = await submit(fleet.apiUrl, JOB, { prefer: 'wait=60' });
  assert.equal(reference.body.status, 'succeeded', JSON.stringify(reference.body));
  referenceLoss = reference.body.summary.loss;
});

after(async () => {
  await queue?.close();
  // BullMQ leaves a connection it is given open.
  queueConnection?.disconnect();
  await fleet?.stopAll();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`the API ${signal}ed with jobs queued and running, a new one on the same port: every accepted job's result is there`, { timeout: 240_000 }, async (t) => {
    const accepted: string[] = [];
    const unexpected: string[] = [];
    /** Answers while no API was there to answer (connection refused or cut), or one was closing. */
    const away: Record<string, number> = {};
    let restarted = false;
    let acceptedAfterRestart = 0;
    let stopClients = false;

    const client = async () => {
      while (!stopClients) {
        const r = await submit(fleet.apiUrl, JOB);
        if (r.status === 202 || r.status === 200) {
          accepted.push(r.body.id);
          if (restarted) acceptedAfterRestart++;
        } else if (r.status === 0 || r.status === 503) {
          const what = r.status === 0 ? 'no answer' : `503 ${r.body?.code ?? JSON.stringify(r.body)}`;
          away[what] = (away[what] ?? 0) + 1;
        } else unexpected.push(`HTTP ${r.status} ${JSON.stringify(r.body)}`);
        await sleep(r.status === 0 ? 100 : 60);
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    // However the test ends, the clients stop with it.
    t.after(() => {
      stopClients = true;
    });

    const loaded = (c: Record<string, number>) => accepted.length >= 10 && c.waiting >= 3 && c.active >= 1;
    const inFlight = await poll(() => queue.getJobCounts('waiting', 'active'), loaded, 60_000);
    assert.ok(loaded(inFlight), `jobs queue up and run: ${JSON.stringify(inFlight)}, ${accepted.length} accepted; ${unexpected.join('; ')}`);
    const exited = new Promise<number | null>((resolve) => api.child.once('exit', (code) => resolve(code)));
    api.child.kill(signal);
    const killedAt = Date.now();
    const exitCode = await exited;
    if (signal === 'SIGTERM') assert.equal(exitCode, 0, `the API stops cleanly on SIGTERM\n${fleet.diagnostics()}`);
    api = await fleet.startApi();
    restarted = true;
    const downS = (Date.now() - killedAt) / 1000;
    await poll(async () => acceptedAfterRestart, (n) => n >= 5, 60_000);
    assert.ok(acceptedAfterRestart >= 5, `the new API accepts jobs\n${fleet.diagnostics()}`);
    stopClients = true;
    await Promise.all(clients);
    assert.deepEqual(unexpected, []);

    const finals = await Promise.all(accepted.map((id) => final(fleet.apiUrl, id, 180_000, 250)));
    const wrong = finals.map((f, i) => ({ id: accepted[i], status: f?.status ?? 'not final', loss: f?.summary?.loss, error: f?.error })).filter((f) => f.status !== 'succeeded' || f.loss !== referenceLoss);
    assert.deepEqual(wrong, [], `every accepted job succeeds with the reference loss ${referenceLoss}\n${fleet.diagnostics()}`);
    t.diagnostic(`${signal} with ${inFlight.waiting} jobs waiting and ${inFlight.active} running; a new API answered ${downS.toFixed(1)} s later`);
    t.diagnostic(`results fetched after the restart: ${finals.filter((f) => f?.status === 'succeeded').length}/${accepted.length} accepted jobs succeeded with loss ${referenceLoss} (${accepted.length - acceptedAfterRestart} accepted by the first API); submissions meanwhile: ${JSON.stringify(away)}`);
  });
}
