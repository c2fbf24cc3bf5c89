/** Cancellation of queued and running jobs, and Server-Sent Events. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import request from 'supertest';
import { startStack, tinyJob, longJob, poll, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ db: 3, workers: 1 });
});
after(async () => stack.close());

function readEvents(path: string): Promise<Array<{ event: string; data: any }>> {
  return new Promise((resolve, reject) => {
    http.get(stack.url + path, (res) => {
      assert.match(res.headers['content-type'] ?? '', /text\/event-stream/);
      let buffer = '';
      const events: Array<{ event: string; data: any }> = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('end', () => resolve(events));
    }).on('error', reject);
  });
}

test('SSE: progress for every step of both passes, then the final state', async () => {
  const job = tinyJob(4, { gradient: { memory_budget_mb: 0 } });
  const { body } = await request(stack.url).post('/v1/jobs').send(job).expect(202);
  const events = await readEvents(body.urls.events);
  assert.equal(events[0].event, 'status');
  const last = events[events.length - 1];
  assert.equal(last.event, 'done');
  assert.equal(last.data.status, 'succeeded');
  const progress = events.filter((e) => e.event === 'progress').map((e) => `${e.data.phase}:${e.data.step}`);
  assert.ok(progress.includes('backward:4') || progress.includes('forward:4'), progress.join(' '));
});

test('a running job stops at its next step and ends canceled; a queued one is removed', async () => {
  const running = await request(stack.url).post('/v1/jobs').send(longJob()).expect(202);
  const queued = await request(stack.url).post('/v1/jobs').send(longJob()).expect(202);
  await poll(async () => (await request(stack.url).get(running.body.urls.self)).body, (b) => b.status === 'running' && b.progress !== null, 60_000);
  const q = await request(stack.url).delete(queued.body.urls.self).expect(200);
  assert.equal(q.body.status, 'canceled');
  assert.equal((await request(stack.url).get(queued.body.urls.self).expect(200)).body.status, 'canceled');

  const r = await request(stack.url).post(running.body.urls.cancel).expect(200);
  assert.ok(['running', 'canceled'].includes(r.body.status));
  const final = await poll(async () => (await request(stack.url).get(running.body.urls.self)).body, (b) => b.status !== 'running', 30_000);
  assert.equal(final.status, 'canceled', JSON.stringify(final));
  assert.equal(final.error.code, 'CANCELED');
  await request(stack.url).get(running.body.urls.result).expect(409);

  // The worker is free again.
  const next = await request(stack.url).post('/v1/jobs').set('prefer', 'wait=30').send(tinyJob(2)).expect(200);
  assert.equal(next.body.status, 'succeeded');
});
