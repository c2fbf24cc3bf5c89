/**
 * Faults inside a worker, against real processes (an own Redis, the API, worker processes):
 * a job that blows up numerically fails with its code and step and leaves the worker able
 * to take the next job; a worker killed with SIGKILL mid-solve loses nothing: the job
 * completes on another worker with the very result an undisturbed run gives.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/queue/names.js';
import { longJob, tinyJob, poll } from '../helpers/stack.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Fleet } from '../helpers/fleet.js';
import { call, final, resultFile, submit } from '../helpers/job-client.js';

let redis: RedisServer;
let fleet: Fleet;
let queue: Queue;
let queueConnection: Redis;

before(async () => {
  redis = await RedisServer.start();
  fleet = await Fleet.create(redis.url());
  await fleet.startApi();
  await fleet.startWorker();
  queueConnection = new Redis(redis.url(), { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE_NAME, { connection: queueConnection });
});

after(async () => {
  await queue?.close();
  // BullMQ leaves a connection it is given open.
  queueConnection?.disconnect();
  await fleet?.stopAll();
  await redis?.destroy();
});

const processedBy = async (id: string) => (await Job.fromId(queue, id))?.processedBy;

/**
 * A safetensors result split into what must repeat exactly (the data buffer, every tensor's
 * entry, the metadata) and stats.seconds, the one field that is wall time and differs by design.
 */
function reproducible(file: Buffer) {
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
  const stats = JSON.parse(header.__metadata__.stats);
  delete stats.seconds;
  header.__metadata__.stats = stats;
  return { header, data: file.subarray(8 + headerLength) };
}

test('a numerically exploding job fails with NUMERICAL_BLOWUP and its step; the same worker completes the next job', { timeout: 120_000 }, async (t) => {
  // float32 holds 3e38, but the first model call's products overflow it.
  const exploding = tinyJob(2, { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } });
  const failed = await submit(fleet.apiUrl, exploding, { prefer: 'wait=60' });
  assert.equal(failed.status, 200, JSON.stringify(failed.body));
  assert.equal(failed.body.status, 'failed');
  assert.equal(failed.body.error.code, 'NUMERICAL_BLOWUP');
  assert.equal(typeof failed.body.error.step, 'number');
  assert.equal((await call(`${fleet.apiUrl}/v1/jobs/${failed.body.id}/result`)).status, 409);

  const next = await submit(fleet.apiUrl, tinyJob(2), { prefer: 'wait=60' });
  assert.equal(next.body.status, 'succeeded', JSON.stringify(next.body));
  const [blewUpOn, nextOn] = [await processedBy(failed.body.id), await processedBy(next.body.id)];
  assert.ok(blewUpOn);
  assert.equal(nextOn, blewUpOn, 'the next job ran on the worker that saw the blow-up');
  assert.equal(fleet.workers.length, 1, `the worker process is still the one started\n${fleet.diagnostics()}`);
  t.diagnostic(`blow-up at step ${failed.body.error.step} (${failed.body.error.message}); next job succeeded on the same worker ${nextOn}`);
});

test('a worker killed with SIGKILL mid-solve: the job completes on another worker, with a result identical to an undisturbed run', { timeout: 240_000 }, async (t) => {
  await fleet.startWorker();
  const job = longJob(40);
  // The undisturbed run and the one to disturb, side by side, one on each worker.
  const undisturbed = await submit(fleet.apiUrl, job);
  const disturbed = await submit(fleet.apiUrl, job);
  assert.equal(undisturbed.status, 202, JSON.stringify(undisturbed.body));
  assert.equal(disturbed.status, 202, JSON.stringify(disturbed.body));
  const midSolve = await poll(async () => (await call(`${fleet.apiUrl}/v1/jobs/${disturbed.body.id}`)).body, (b) => b.status === 'running' && b.progress?.step >= 2, 60_000);
  assert.equal(midSolve.status, 'running', JSON.stringify(midSolve));
  const holder = (await processedBy(disturbed.body.id))!;
  const victim = fleet.workerNamed(holder);
  assert.ok(victim, `no worker process matches ${holder}`);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await fleet.startWorker();

  const [reference, recovered] = await Promise.all([final(fleet.apiUrl, undisturbed.body.id, 180_000), final(fleet.apiUrl, disturbed.body.id, 180_000)]);
  const recoveredAfterS = (Date.now() - killedAt) / 1000;
  assert.equal(reference?.status, 'succeeded', JSON.stringify(reference));
  assert.equal(recovered?.status, 'succeeded', `${JSON.stringify(recovered)}\n${fleet.diagnostics()}`);
  const finishedBy = (await processedBy(disturbed.body.id))!;
  assert.notEqual(finishedBy, holder, 'the job finished on another worker');

  const [a, b] = [await resultFile(fleet.apiUrl, undisturbed.body.id), await resultFile(fleet.apiUrl, disturbed.body.id)];
  const [ra, rb] = [reproducible(a), reproducible(b)];
  assert.ok(ra.data.equals(rb.data), 'the tensor bytes are identical');
  assert.deepEqual(rb.header, ra.header, 'every tensor entry and the metadata (but stats.seconds) are identical');
  t.diagnostic(`killed ${holder} at ${midSolve.progress.phase} step ${midSolve.progress.step}/${midSolve.progress.steps}; finished on ${finishedBy} (final ${recoveredAfterS.toFixed(1)} s after the kill)`);
  t.diagnostic(`result: ${rb.data.length} tensor bytes identical to the undisturbed run, loss ${recovered.summary.loss} = ${reference.summary.loss}; files ${a.length} and ${b.length} bytes, differing only in stats.seconds (${reference.summary.stats.seconds.toFixed(2)} vs ${recovered.summary.stats.seconds.toFixed(2)})`);
});
