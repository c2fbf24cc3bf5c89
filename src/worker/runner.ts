/**
 * A worker process: a BullMQ Worker whose jobs run in sandboxed child processes, a
 * subscriber that cancels running jobs on request, heartbeats (in Redis for /readyz, in a
 * file for container health checks), and a graceful stop: on SIGTERM it takes no new
 * jobs, lets the current ones finish within the grace period, and otherwise hands them
 * back (their lock lapses and another worker picks them up).
 */
import { hostname } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { QUEUE_NAME, CANCEL_CHANNEL, keys } from '../queue/names.js';
import type { QueuedJobData, QueuedJobReturn } from '../queue/contract.js';

const HEARTBEAT_MS = 5000;

export interface WorkerHandle {
  id: string;
  worker: Worker<QueuedJobData, QueuedJobReturn>;
  /** Stops taking jobs; waits up to graceMs for running ones, then hands them back. */
  stop(graceMs?: number): Promise<void>;
}

/** The sandbox file next to this one, as TypeScript under tsx or compiled JavaScript. */
function sandboxFile(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./sandbox${ext}`, import.meta.url));
}

export async function startWorker(config: Readonly<Config>, log: (msg: string) => void = console.log): Promise<WorkerHandle> {
  if (!config.redisUrl) throw new Error('the worker needs REDIS_URL');
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<QueuedJobData, QueuedJobReturn>(QUEUE_NAME, sandboxFile(), {
    connection,
    // Recorded on each job as processedBy: operators (and tests) can tell which worker holds it.
    name: id,
    concurrency: config.worker.concurrency,
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    maxStalledCount: 2,
    useWorkerThreads: false,
  });
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err.message}`));
  worker.on('error', (err) => log(`worker error: ${err.message}`));

  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel, jobId: string) => {
    if (worker.cancelJob(jobId, 'canceled by request')) log(`job ${jobId}: canceled`);
  });

  const beat = async () => {
    await connection.zadd(keys.workers, Date.now(), id).catch(() => undefined);
    if (config.worker.heartbeatFile) await writeFile(config.worker.heartbeatFile, String(Date.now())).catch(() => undefined);
  };
  await beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = config.worker.stopGraceMs) =>
    (stopping ??= (async () => {
      clearInterval(timer);
      const closed = worker.close();
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        log('grace period over: handing running jobs back');
        await worker.close(true);
      }
      await connection.zrem(keys.workers, id).catch(() => undefined);
      subscriber.disconnect();
      connection.disconnect();
    })());
  log(`worker ${id} on ${QUEUE_NAME} (concurrency ${config.worker.concurrency})`);
  return { id, worker, stop };
}
