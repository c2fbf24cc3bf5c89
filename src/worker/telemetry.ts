/**
 * What a worker process tells about the jobs it runs, from its BullMQ Worker's events: a
 * log line when a job starts and when it ends (with its jobId, the field the API's lines
 * carry too) and the job metrics. Taken in the parent process, so a sandbox that crashes
 * loses none of it.
 */
import type { Job, Worker } from 'bullmq';
import type { Logger } from '../log.js';
import { decodeFailure, type QueuedJobData, type QueuedJobReturn } from '../queue/contract.js';
import { recordFinishedJob, recordQueueWait, recordRetry } from '../metrics/job.js';

type GradientJob = Job<QueuedJobData, QueuedJobReturn>;

const facts = (job: GradientJob) => ({ model: job.data.model, method: job.data.method, solver: job.data.solver });

/** The attempt that just ended: BullMQ sets finishedOn only when it ends the job (not before a retry). */
function attemptOf(job: GradientJob) {
  const finishedAt = job.finishedOn ?? Date.now();
  const startedAt = Math.min(job.processedOn ?? finishedAt, finishedAt);
  return { startedAt, finishedAt, durationMs: finishedAt - startedAt };
}

export function observeJobs(worker: Worker<QueuedJobData, QueuedJobReturn>, log: Logger): void {
  worker.on('active', (job) => {
    // Counted once per job: a retry's wait would include the attempts before it.
    if (job.attemptsStarted <= 1 && job.processedOn) recordQueueWait(job.data.submittedAt ?? job.timestamp, job.processedOn);
    log.info({ jobId: job.id, attempt: job.attemptsStarted, ...facts(job), steps: job.data.steps }, 'job started');
  });

  worker.on('completed', (job, result) => {
    const { startedAt, finishedAt, durationMs } = attemptOf(job);
    recordFinishedJob({ ...facts(job), status: 'succeeded', startedAt, finishedAt, stats: result?.summary?.stats });
    log.info({ jobId: job.id, attempt: job.attemptsStarted, durationMs, loss: result?.summary?.loss }, 'job completed');
  });

  worker.on('failed', (job, err) => {
    const failure = decodeFailure(err.message);
    if (!job) {
      log.error({ code: failure.code, err }, 'a job failed that the worker no longer holds');
      return;
    }
    const { startedAt, finishedAt, durationMs } = attemptOf(job);
    const line = { jobId: job.id, attempt: job.attemptsStarted, durationMs, code: failure.code, reason: failure.message, ...(failure.step !== undefined ? { step: failure.step } : {}) };
    if (job.finishedOn === undefined) {
      recordRetry(failure.code);
      log.warn(line, 'job attempt failed; the job will be retried');
      return;
    }
    const status = failure.code === 'CANCELED' ? 'canceled' : 'failed';
    recordFinishedJob({ ...facts(job), status, code: failure.code, startedAt, finishedAt });
    if (status === 'canceled') log.info(line, 'job canceled');
    else log.warn(line, 'job failed');
  });
}
