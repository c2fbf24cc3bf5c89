/** The exposition check the metrics tests rely on does catch what it claims to catch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conventionProblems, parseExposition } from '../helpers/prometheus.js';

test('the check flags broken names, types, units and histograms', () => {
  const page = [
    '# HELP diffgrad_jobs A counter without _total', '# TYPE diffgrad_jobs counter', 'diffgrad_jobs 1',
    '# HELP diffgrad_job_duration_ms Not in base units', '# TYPE diffgrad_job_duration_ms histogram',
    'diffgrad_job_duration_ms_bucket{le="1"} 2', 'diffgrad_job_duration_ms_bucket{le="+Inf"} 1', 'diffgrad_job_duration_ms_sum 3', 'diffgrad_job_duration_ms_count 2',
    '# HELP diffgrad_queue_total A gauge named like a counter', '# TYPE diffgrad_queue_total gauge', 'diffgrad_queue_total{__x="a"} 1',
    '# HELP queue_depth No prefix', '# TYPE queue_depth gauge', 'queue_depth 1',
    '# TYPE diffgrad_Workers gauge', 'diffgrad_Workers 1',
  ].join('\n');
  const problems = conventionProblems(parseExposition(page));
  for (const expected of [
    'diffgrad_jobs: a counter not named _total',
    'diffgrad_job_duration_ms: a histogram without its unit (_seconds, _bytes)',
    'diffgrad_job_duration_ms: not in base units',
    'diffgrad_job_duration_ms{}: +Inf bucket 1 is not _count 2',
    'diffgrad_job_duration_ms{}: buckets not increasing at le=Infinity',
    'diffgrad_queue_total: _total on a gauge',
    'diffgrad_queue_total: label name "__x"',
    'queue_depth: no diffgrad_ prefix',
    'diffgrad_Workers: not snake_case',
    'diffgrad_Workers: no HELP',
  ]) assert.ok(problems.includes(expected), `${expected} not in:\n${problems.join('\n')}`);
});

test('the parser refuses what is not exposition text', () => {
  assert.throws(() => parseExposition('# TYPE a gauge\na{x="1} 2'), /unterminated/);
  assert.throws(() => parseExposition('# TYPE a gauge\nb 2'), /no declared family/);
  assert.throws(() => parseExposition('# TYPE a gauge\na one'), /not a sample value/);
});

test('a page that follows the conventions passes', () => {
  const page = [
    '# HELP diffgrad_jobs_total Jobs', '# TYPE diffgrad_jobs_total counter', 'diffgrad_jobs_total{status="succeeded"} 3',
    '# HELP diffgrad_job_duration_seconds Durations', '# TYPE diffgrad_job_duration_seconds histogram',
    'diffgrad_job_duration_seconds_bucket{le="1",method="a \\"b\\""} 1', 'diffgrad_job_duration_seconds_bucket{le="+Inf",method="a \\"b\\""} 2',
    'diffgrad_job_duration_seconds_sum{method="a \\"b\\""} 3.5', 'diffgrad_job_duration_seconds_count{method="a \\"b\\""} 2',
  ].join('\n');
  assert.deepEqual(conventionProblems(parseExposition(page)), []);
});
