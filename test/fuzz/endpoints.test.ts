/**
 * Property-based fuzzing of every endpoint against a real stack (BullMQ on Redis, one
 * worker whose jobs run in sandboxed child processes): thousands of generated bad
 * requests, and not one 5xx; every 4xx a problem+json naming the field; every job the API
 * accepted ends, none with INTERNAL; the worker still takes jobs afterwards.
 *
 * The seed is fixed and printed: FUZZ_SEED=<seed> replays a run, FUZZ_RUNS=<factor>
 * scales the number of runs (fast-check prints the failing input, shrunk, and its path).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startStack, tinyJob, type Stack } from '../helpers/stack.js';
import { problemOf, Tally } from './answers.js';
import { send, sendRaw, type Answer } from '../helpers/wire.js';
import { toJsonText } from './json-text.js';
import { BASE_JOBS, linearJob } from './base-jobs.js';
import { applyMutations, expectedField, mutation } from './job-mutations.js';
import { mutatedPackage, packageMutation } from './package-mutations.js';
import { routeRequest, toRequest } from './route-requests.js';
import { rawBytes, rawRequestArb } from './raw-requests.js';
import { packJob } from '../../src/queue/package.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_917);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const options = (numRuns: number) => ({ seed: SEED, numRuns: runs(numRuns) });

/** The generated requests; and apart, the reads that follow the accepted jobs to their end. */
const tally = new Tally();
const followUps = new Tally();
let stack: Stack;

// MAX_BODY_MB 1: oversized bodies are cheap to send. MAX_EVENT_LOOP_DELAY_MS 0: no load
// shedding, whose 503s would be about the machine, not the input. A webhook target on
// 127.0.0.1 is allowed, and a failed delivery is tried once.
before(async () => {
  stack = await startStack({
    db: 10,
    workers: 1,
    env: { RATE_LIMIT_MAX: '1000000', MAX_BODY_MB: '1', MAX_EVENT_LOOP_DELAY_MS: '0', WEBHOOK_ALLOW: '127.0.0.1', WEBHOOK_ATTEMPTS: '1', WEBHOOK_TIMEOUT_MS: '500' },
  });
});
after(async () => stack?.close());

const baseNames = Object.keys(BASE_JOBS);

/** Content types a client might send a JSON job with; most are application/json. */
const jsonContentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-16', 'application/json; charset="latin1"', 'application/json ; x=y', 'application/json, text/plain',
    'text/plain', 'text/json', 'application/x-json', 'multipart/form-data; boundary=----x', 'application/x-www-form-urlencoded', '', 'application/vnd.safetensors', '*/*', 'application/*', 'application/problem+json',
  ),
);

async function postJob(body: Uint8Array, contentType: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(stack.url, { method: 'POST', path: '/v1/jobs', headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers }, body });
}

test('seed', (t) => {
  t.diagnostic(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} node scripts/run-tests.mjs test/fuzz)`);
  console.log(`fuzz seed ${SEED}`);
});

test('every base job is valid: accepted, and it succeeds', { timeout: 120_000 }, async () => {
  for (const [name, make] of Object.entries(BASE_JOBS)) {
    const answer = await postJob(Buffer.from(JSON.stringify(make())), 'application/json', { prefer: 'wait=60' });
    tally.check(answer, `base job ${name}`);
    const record = JSON.parse(answer.text);
    assert.equal(record.status, 'succeeded', `${name}: ${answer.text}`);
  }
});

test('POST /v1/jobs, JSON: mutated jobs (wrong types, shapes, extremes, NaN/Inf, base64, unknown keys, deep nesting)', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...baseNames), fc.array(mutation, { minLength: 1, maxLength: 3 }), jsonContentType, async (name, mutations, contentType) => {
      const base = BASE_JOBS[name]();
      const text = toJsonText(applyMutations(base, mutations));
      const answer = await postJob(Buffer.from(text), contentType);
      tally.check(answer, `POST /v1/jobs (${contentType}) ${text.slice(0, 300)}`);
      tally.noteAccepted(answer);
      const field = contentType === 'application/json' ? expectedField(base, mutations) : null;
      if (field !== null && answer.status === 422) assert.equal(problemOf(answer).field, field, `the field the mutation spoiled is named: ${answer.text}`);
    }),
    options(1500),
  );
});

test('POST /v1/jobs, JSON text: truncated, not JSON, not an object, BOM, invalid UTF-8, nesting 10 000 deep', { timeout: 120_000 }, async () => {
  const valid = toJsonText(linearJob());
  const textual = fc.oneof(
    fc.nat(valid.length - 1).map((n) => Buffer.from(valid.slice(0, n))),
    fc.constantFrom('', ' ', 'null', 'true', '1', '"job"', '[]', '[{}]', '{"a":1}{"b":2}', `${valid}x`, `${valid}${valid}`, "{'model':'linear'}", '{"model":"linear",}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'NaN', '\u0000').map((s) => Buffer.from(s)),
    fc.constantFrom(10_000, 100_000, 400_000).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
    fc.constantFrom(10_000, 100_000).map((depth) => Buffer.from(`{"model":"linear","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`)),
    fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)])),
    fc.tuple(fc.nat(valid.length), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0x00])).map(([at, bytes]) => Buffer.concat([Buffer.from(valid.slice(0, at)), Buffer.from(bytes), Buffer.from(valid.slice(at))])),
  );
  await fc.assert(
    fc.asyncProperty(textual, jsonContentType, async (body, contentType) => {
      const answer = await postJob(body, contentType);
      tally.check(answer, `POST /v1/jobs (${contentType}) ${JSON.stringify(body.toString('utf8').slice(0, 200))}`);
      tally.noteAccepted(answer);
    }),
    options(150),
  );
});

test('POST /v1/jobs, safetensors packages: truncated, bad header lengths, offsets, dtypes, NaN/Inf bits, broken job metadata', { timeout: 300_000 }, async () => {
  const packageType = fc.constantFrom('application/vnd.safetensors', 'application/vnd.safetensors', 'application/vnd.safetensors', 'application/vnd.safetensors; charset=binary', 'APPLICATION/VND.SAFETENSORS', 'application/octet-stream');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...baseNames), packageMutation, packageType, async (name, m, contentType) => {
      const body = mutatedPackage(BASE_JOBS[name](), m);
      const answer = await postJob(body, contentType);
      tally.check(answer, `POST /v1/jobs (${contentType}) package of ${name}, ${body.length} bytes: ${JSON.stringify(m).slice(0, 400)}`);
      tally.noteAccepted(answer);
    }),
    options(700),
  );
});

test('POST /v1/jobs: bodies over MAX_BODY_MB are 413 naming the body, whatever their type', { timeout: 120_000 }, async () => {
  const limit = stack.config.maxBodyBytes;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: limit }), fc.constantFrom('application/json', 'application/vnd.safetensors', 'text/plain', ''), async (over, contentType) => {
      const body = Buffer.alloc(limit + over, 0x20);
      body.write(contentType === 'application/vnd.safetensors' ? '' : '{"model":"linear","pad":"');
      const answer = await postJob(body, contentType);
      tally.check(answer, `POST /v1/jobs (${contentType}) ${body.length} bytes`);
      if (contentType.startsWith('application/')) assert.equal(answer.status, 413, answer.text);
    }),
    options(20),
  );
});

test('POST /v1/jobs headers: Prefer, Idempotency-Key, content types, with valid and invalid jobs', { timeout: 120_000 }, async () => {
  const header = fc.record(
    {
      prefer: fc.constantFrom('wait=0', 'wait=1', 'wait=-1', 'wait=abc', 'wait=99999999999999999999', 'respond-async', ''),
      'idempotency-key': fc.oneof(fc.constantFrom('k1', 'k2', 'x'.repeat(257), 'x'.repeat(8000), ' '), fc.string({ maxLength: 12 }).filter((s) => /^[\x20-\x7e]*$/.test(s))),
      accept: fc.constantFrom('application/json', 'application/vnd.safetensors', 'text/event-stream', '*/*', ''),
    },
    { requiredKeys: [] },
  );
  const jobs: Record<string, () => Record<string, unknown>> = { 'valid linear': () => linearJob(), 'valid unet-tiny': () => tinyJob(2), 'unknown model': () => ({ ...linearJob(), model: 'nope' }), 'unknown key': () => ({ ...linearJob(), extra: 1 }) };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...Object.keys(jobs)), header, jsonContentType, fc.boolean(), async (name, headers, contentType, asPackage) => {
      const job = jobs[name]();
      // Packages carry what packJob can pack: the valid jobs and the unknown model.
      const packed = asPackage && name !== 'unknown key';
      const bytes = packed ? packJob(job) : Buffer.from(JSON.stringify(job));
      const type = packed ? 'application/vnd.safetensors' : contentType;
      const answer = await postJob(bytes, type, headers);
      tally.check(answer, `POST /v1/jobs (${type}) ${JSON.stringify(headers).slice(0, 200)} ${JSON.stringify(job).slice(0, 100)}`);
      tally.noteAccepted(answer);
    }),
    options(200),
  );
});

test('job and model routes, unknown routes and methods: made-up and real ids, queries, Accept, bodies', { timeout: 180_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(routeRequest, async (r) => {
      const request = toRequest(r, [...tally.accepted]);
      const answer = await send(stack.url, request);
      const what = `${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)}`;
      tally.check(answer, what, { bodyless: request.method === 'HEAD' });
    }),
    options(600),
  );
});

test('raw HTTP: wrong Content-Length, broken chunks, invalid UTF-8, odd header bytes, over-long headers, odd request lines', { timeout: 180_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(rawRequestArb, async (r) => {
      const answers = await sendRaw(stack.url, rawBytes(r));
      for (const answer of answers) {
        tally.check(answer, `raw ${JSON.stringify(r).slice(0, 300)}`);
        tally.noteAccepted(answer);
      }
    }),
    options(150),
  );
});

test('every job accepted during the fuzzing ends; failures carry a code, none INTERNAL; every result can be read', { timeout: 180_000 }, async (t) => {
  const outcomes = new Map<string, number>();
  const internal: string[] = [];
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await send(stack.url, { method: 'GET', path, headers });
    followUps.check(answer, `GET ${path} ${JSON.stringify(headers)}`);
    return answer;
  };
  for (const id of tally.accepted) {
    const until = Date.now() + 120_000;
    let record = JSON.parse((await get(`/v1/jobs/${id}`)).text);
    while (!['succeeded', 'failed', 'canceled'].includes(record.status) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = JSON.parse((await get(`/v1/jobs/${id}`)).text);
    }
    const outcome = record.status === 'failed' ? `failed ${record.error?.code}` : record.status;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (record.status === 'failed') {
      assert.equal(typeof record.error?.code, 'string', JSON.stringify(record));
      if (record.error.code === 'INTERNAL') internal.push(`${id}: ${JSON.stringify(record.error)}`);
    } else assert.ok(['succeeded', 'canceled'].includes(record.status), `job ${id} did not end: ${JSON.stringify(record)}`);
    // A succeeded job's result reads back in every encoding: the worker stored nothing the API refuses.
    if (record.status === 'succeeded') {
      for (const [path, headers] of [[`/v1/jobs/${id}/result`, {}], [`/v1/jobs/${id}/result?encoding=array`, {}], [`/v1/jobs/${id}/result`, { accept: 'application/vnd.safetensors' }]] as const) {
        assert.equal((await get(path, headers)).status, 200, `${path} of a succeeded job`);
      }
    }
  }
  t.diagnostic(`accepted jobs by outcome: ${[...outcomes].map(([o, n]) => `${o}: ${n}`).join(', ')}`);
  assert.deepEqual(internal, [], 'jobs that failed with INTERNAL');
});

test('the worker survived: /readyz sees it, a blow-up fails with NUMERICAL_BLOWUP and its step, the next job succeeds', { timeout: 120_000 }, async (t) => {
  const ready = await send(stack.url, { method: 'GET', path: '/readyz' });
  assert.equal(ready.status, 200, ready.text);
  assert.ok(JSON.parse(ready.text).workers >= 1, ready.text);
  // float32 holds 3e38, but the first model call's products overflow it.
  const exploding = tinyJob(2, { x_T: { shape: [1, 8, 8, 2], data: new Array(128).fill(3e38) } });
  const blowUp = JSON.parse((await postJob(Buffer.from(JSON.stringify(exploding)), 'application/json', { prefer: 'wait=60' })).text);
  assert.equal(blowUp.status, 'failed', JSON.stringify(blowUp));
  assert.equal(blowUp.error.code, 'NUMERICAL_BLOWUP');
  assert.equal(typeof blowUp.error.step, 'number');
  const next = JSON.parse((await postJob(Buffer.from(JSON.stringify(linearJob())), 'application/json', { prefer: 'wait=60' })).text);
  assert.equal(next.status, 'succeeded', JSON.stringify(next));
  assert.equal(stack.workers.length, 1);
  t.diagnostic(`blow-up at step ${blowUp.error.step}; the next job succeeded`);
});

test('figures: at least 2000 generated requests, 0 responses with status 5xx', (t) => {
  const lines = [...tally.report().map((l) => `generated ${l}`), `follow-up reads of accepted jobs and results: ${followUps.total}, 5xx: ${followUps.serverErrors}`];
  for (const line of lines) {
    t.diagnostic(line);
    console.log(line);
  }
  assert.equal(tally.serverErrors + followUps.serverErrors, 0);
  assert.ok(tally.total >= runs(2000), `only ${tally.total} requests`);
});
