/** SIGTERM on a worker: it takes no new jobs, finishes the current one, and exits 0. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { startStack, stackEnv, tinyJob, poll, type Stack } from '../helpers/stack.js';

const DB = 6;
let stack: Stack;
before(async () => {
  stack = await startStack({ db: DB, workers: 0 });
});
after(async () => stack.close());

function spawnWorker(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: { ...process.env, ...stackEnv(DB), STOP_GRACE_MS: '60000' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

test('a worker stopped mid-job finishes it, takes no new job, and exits 0', async () => {
  const { child, exited } = spawnWorker();
  await poll(async () => (await request(stack.url).get('/readyz')).body.workers, (n) => n >= 1, 30_000);
  const job = tinyJob(150, { gradient: { memory_budget_mb: 0, method: 'adjoint', adjoint_substeps: 4 } });
  const running = await request(stack.url).post('/v1/jobs').send(job).expect(202);
  await poll(async () => (await request(stack.url).get(running.body.urls.self)).body, (b) => b.status === 'running', 30_000);
  const waiting = await request(stack.url).post('/v1/jobs').send(tinyJob(2)).expect(202);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal((await request(stack.url).get(running.body.urls.self)).body.status, 'succeeded');
  assert.equal((await request(stack.url).get(waiting.body.urls.self)).body.status, 'queued', 'a stopping worker takes no new job');
  // Another worker picks the waiting job up.
  const next = spawnWorker();
  const done = await poll(async () => (await request(stack.url).get(waiting.body.urls.self)).body, (b) => b.status === 'succeeded', 60_000);
  assert.equal(done.status, 'succeeded');
  next.child.kill('SIGTERM');
  assert.equal(await next.exited, 0);
});
