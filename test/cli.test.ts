/** The command-line runner, as a user runs it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const example = () => JSON.parse(readFileSync('examples/unet-tiny-job.json', 'utf8'));

function grad(args: string[], input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', input });
}

test('a good job prints its result; --out writes it', () => {
  const job = example();
  job.solver.steps = 3;
  job.z = { shape: [3, 1, 6], data: job.z.data.slice(0, 18) };
  const file = join(dir, 'job.json');
  writeFileSync(file, JSON.stringify(job));
  const run = grad([file, '--backend', 'cpu', '--quiet', '--encoding', 'array']);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.ok(Number.isFinite(result.loss));
  assert.deepEqual(result.grad.z.shape, [3, 1, 6]);
  assert.equal(result.grad.z.data.length, 18);
  assert.equal(result.stats.backend, 'cpu');
  const out = join(dir, 'result.json');
  const again = grad([file, '--backend', 'cpu', '--out', out]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).loss, result.loss);
  assert.match(again.stderr, /discrete \(unrolled\) on ddim, 3 steps/);
});

test('a job from standard input', () => {
  const job = example();
  job.solver.steps = 2;
  job.z = { shape: [2, 1, 6], data: job.z.data.slice(0, 12) };
  const run = grad(['-', '--backend', 'cpu', '--quiet'], JSON.stringify(job));
  assert.equal(run.status, 0, run.stderr);
  assert.ok(JSON.parse(run.stdout).grad.x_T.b64.length > 0);
});

test('a bad job exits 2 with the field and the reason', () => {
  const job = example();
  job.solver.method = 'plms';
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify(job));
  const run = grad([file, '--backend', 'cpu']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /error INVALID_JOB: solver\.method: unknown solver "plms": one of euler, heun, rk4, ddim, dpmpp_2m/);
  assert.equal(run.stdout, '');
});

test('unreadable JSON and wrong usage exit 2', () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{"model": ');
  const run = grad([file, '--backend', 'cpu']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /not valid JSON/);
  assert.equal(grad([]).status, 2);
  assert.equal(grad([file, '--encoding', 'hex']).status, 2);
});
