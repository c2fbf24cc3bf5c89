/**
 * The BullMQ sandboxed processor: runs in a child process of the worker, so that the
 * numerics (which block the event loop for a whole model call) never starve the lock
 * renewals of the parent, and a crash takes down only the child. It keeps its backend,
 * models and Redis connection for the jobs that follow.
 */
import { Redis } from 'ioredis';
import { reportOutages } from '../queue/outages.js';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { selectBackend } from '../core/backends/select.js';
import { ModelRegistry } from '../core/models/registry.js';
import { RedisBlobStore } from '../queue/blobs.js';
import { keys } from '../queue/names.js';
import { encodeFailure, type QueuedJobData, type QueuedJobReturn } from '../queue/contract.js';
import type { RunContext } from '../job/run.js';
import { processPackage, isFinal, failureOf } from './process.js';

const config = loadConfig();
// Its stdout is piped into the worker's: its lines join the worker's stream, as service "sandbox".
const log = createLogger('sandbox', config.logLevel);
const PROGRESS_MS = 100;
let setup: Promise<{ ctx: RunContext; blobs: RedisBlobStore }> | null = null;

function context() {
  setup ??= (async () => {
    const backend = await selectBackend(config.backend);
    const redis = new Redis(config.redisUrl ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 3 });
    reportOutages(redis, 'sandbox blobs', (message, err) => (err ? log.warn({ err }, message) : log.info(message)));
    return { ctx: { registry: new ModelRegistry(config.modelsDir), config, backend }, blobs: new RedisBlobStore(redis) };
  })();
  return setup;
}

export default async function processGradientJob(job: SandboxedJob<QueuedJobData, QueuedJobReturn>, _token?: string, signal?: AbortSignal): Promise<QueuedJobReturn> {
  const { ctx, blobs } = await context();
  const input = await blobs.get(job.data.inputKey);
  if (!input) throw new UnrecoverableError(encodeFailure({ code: 'INPUT_EXPIRED', message: 'the job input is no longer stored' }));
  // Progress goes to Redis at most every PROGRESS_MS (and at each phase's end): a tiny job
  // should not pay a round trip per step, a long one still reports every few steps.
  let lastReport = 0;
  try {
    const { result, summary } = await processPackage(input, ctx, {
      signal,
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_MS && p.step !== p.steps) return;
        lastReport = now;
        void job.updateProgress(p as unknown as object);
      },
    });
    const resultKey = keys.result(job.id!);
    await blobs.put(resultKey, result, config.blobTtlSeconds);
    return { resultKey, summary };
  } catch (err) {
    if (isFinal(err)) throw new UnrecoverableError(encodeFailure(failureOf(err)));
    // Transient: retried with backoff. Clients see the coded failure; the log keeps the rest.
    log.child({ jobId: job.id }).error({ err, attempt: job.attemptsStarted }, 'job attempt failed with an unexpected error');
    throw new Error(encodeFailure(failureOf(err)));
  }
}

// If the worker process dies (even by SIGKILL), its sandbox must not run on as an orphan.
process.on('disconnect', () => process.exit(1));
