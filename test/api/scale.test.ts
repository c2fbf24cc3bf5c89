/**
 * Many jobs from concurrent clients on two worker processes, none lost; a worker killed
 * with SIGKILL mid-job, and the job completing on the other worker.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME } from '../../src/queue/names.js';
import { startStack, stackEnv, tinyJob, longJob, poll, type Stack } from '../helpers/stack.js';

const DB = 4;
let stack: Stack;
const workers: ChildProcess[] = [];

function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: { ...process.env, ...stackEnv(DB), STOP_GRACE_MS: '2000' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  workers.push(child);
  return child;
}

before(async () => {
  stack = await startStack({ db: DB, workers: 0 });
  spawnWorker();
  spawnWorker();
  await poll(async () => (await request(stack.url).get('/readyz')).body.workers, (n) => n >= 2, 30_000);
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await stack.close();
});

test('50 jobs from 5 concurrent clients on 2 workers: all succeed with the right answer, none lost', async () => {
  const reference = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=60').send(tinyJob(2)).expect(200);
  const client = async (c: number) => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await request(stack.url).post('/v1/jobs').send(tinyJob(2)).expect(202)).body.id);
    return ids;
  };
  const ids = (await Promise.all([0, 1, 2, 3, 4].map(client))).flat();
  assert.equal(new Set(ids).size, 50);
  const finals = await Promise.all(ids.map((id) => poll(async () => (await request(stack.url).get(`/v1/jobs/${id}`)).body, (b) => ['succeeded', 'failed', 'canceled'].includes(b.status), 120_000)));
  assert.deepEqual(finals.map((f) => f.status), new Array(50).fill('succeeded'));
  for (const f of finals) assert.equal(f.summary.loss, reference.body.summary.loss);
});

test('a worker killed with SIGKILL mid-job: the job completes on the other worker', async () => {
  const job = longJob(40);
  const { body } = await request(stack.url).post('/v1/jobs').send(job).expect(202);
  await poll(async () => (await request(stack.url).get(body.urls.self)).body, (b) => b.status === 'running' && b.progress?.step >= 2, 60_000);
  // The worker holding the job: its name (recorded as processedBy) carries its pid.
  const queue = new Queue(QUEUE_NAME, { connection: new Redis(stackEnv(DB).REDIS_URL, { maxRetriesPerRequest: null }) });
  const holder = (await Job.fromId(queue, body.id))!.processedBy!;
  await queue.close();
  const victim = workers.find((w) => holder.includes(`-${w.pid}-`));
  assert.ok(victim, `no worker process matches ${holder}`);
  victim.kill('SIGKILL');
  spawnWorker();
  const final = await poll(async () => (await request(stack.url).get(body.urls.self)).body, (b) => ['succeeded', 'failed', 'canceled'].includes(b.status), 180_000);
  assert.equal(final.status, 'succeeded', JSON.stringify(final.error));
});
