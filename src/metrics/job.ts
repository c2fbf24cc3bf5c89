/**
 * The job metrics, recorded wherever jobs run: in a worker process (from its BullMQ
 * Worker's events) or, in embedded mode, in the API process. Defined once per process and
 * registered into that process's exposition. Every label value comes from a bounded set
 * (validated method, solver and model names; failure codes), never from user text.
 */
import { Counter, Histogram, type Metric } from 'prom-client';
import type { JobRecord } from '../queue/contract.js';

/** Jobs last from a fraction of a second (tiny models) to an hour (large ones, many steps). */
export const JOB_SECONDS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export const jobDuration = new Histogram({
  name: 'diffgrad_job_duration_seconds',
  help: 'Run time of the attempt that ended a job (start to final state), by gradient method, solver and final status',
  labelNames: ['method', 'solver', 'status'] as const,
  buckets: JOB_SECONDS_BUCKETS,
  registers: [],
});

export const jobQueueWait = new Histogram({
  name: 'diffgrad_job_queue_wait_seconds',
  help: 'Time from submission until a worker first started the job',
  buckets: JOB_SECONDS_BUCKETS,
  registers: [],
});

export const modelEvaluations = new Counter({
  name: 'diffgrad_model_evaluations_total',
  help: 'Evaluations of the noise model by jobs that completed, by model and pass (forward solve, backward pass, diagnostics)',
  labelNames: ['model', 'pass'] as const,
  registers: [],
});

export const jobFailures = new Counter({
  name: 'diffgrad_job_failures_total',
  help: 'Jobs that ended failed or canceled, by failure code',
  labelNames: ['code'] as const,
  registers: [],
});

export const jobRetries = new Counter({
  name: 'diffgrad_job_retries_total',
  help: 'Job attempts that failed transiently and were handed back for a retry, by failure code',
  labelNames: ['code'] as const,
  registers: [],
});

export const jobsFinished = new Counter({
  name: 'diffgrad_jobs_total',
  help: 'Jobs a worker ran to a final state, by status',
  labelNames: ['status'] as const,
  registers: [],
});

export const JOB_METRICS: readonly Metric[] = [jobDuration, jobQueueWait, modelEvaluations, jobFailures, jobRetries, jobsFinished];

export type FinalStatus = 'succeeded' | 'failed' | 'canceled';

export interface FinishedJob {
  model: string;
  method: string;
  solver: string;
  status: FinalStatus;
  /** The failure code of a failed or canceled job. */
  code?: string;
  /** When the attempt that ended the job started, and when it ended (ms since the epoch). */
  startedAt: number;
  finishedAt: number;
  /** The run's stats (src/job/result.ts), for a job that completed. */
  stats?: Record<string, unknown>;
}

/** The run's own counts of model evaluations, by pass; older workers report no diagnostics count. */
const NFE_BY_PASS = { forward: 'nfe_forward', backward: 'nfe_backward', diagnostics: 'nfe_diagnostics' } as const;

export function recordFinishedJob(job: FinishedJob): void {
  jobsFinished.inc({ status: job.status });
  jobDuration.observe({ method: job.method, solver: job.solver, status: job.status }, Math.max(0, job.finishedAt - job.startedAt) / 1000);
  if (job.status !== 'succeeded') jobFailures.inc({ code: job.code ?? 'INTERNAL' });
  for (const [pass, field] of Object.entries(NFE_BY_PASS)) {
    const count = job.stats?.[field];
    if (typeof count === 'number' && count > 0) modelEvaluations.inc({ model: job.model, pass }, count);
  }
}

export function recordQueueWait(submittedAt: number, startedAt: number): void {
  jobQueueWait.observe(Math.max(0, startedAt - submittedAt) / 1000);
}

export function recordRetry(code: string): void {
  jobRetries.inc({ code });
}

/**
 * A job the embedded service ended: counted if it ever ran (one canceled while queued never
 * reached a worker, as in the BullMQ service, where the API removes it from the queue).
 */
export function recordFinishedRecord(record: JobRecord, meta: { method: string; solver: string } | undefined): void {
  if (!meta || !record.startedAt || !record.finishedAt || record.status === 'queued' || record.status === 'running') return;
  const startedAt = Date.parse(record.startedAt);
  recordQueueWait(Date.parse(record.createdAt), startedAt);
  recordFinishedJob({
    model: record.model,
    method: meta.method,
    solver: meta.solver,
    status: record.status,
    code: record.error?.code,
    startedAt,
    finishedAt: Date.parse(record.finishedAt),
    stats: record.summary?.stats,
  });
}
