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
import { reportOutages } from '../queue/outages.js';
import type { Config } from '../config.js';
import { QUEUE_NAME, CANCEL_CHANNEL, keys } from '../queue/names.js';
import type { QueuedJobData, QueuedJobReturn } from '../queue/contract.js';
import { createLogger, type Logger } from '../log.js';
import { heartbeatTimestamp, workerRegistry } from '../metrics/worker.js';
import { serveMetrics } from '../metrics/serve.js';
import { observeJobs } from './telemetry.js';
import { startWorkerWebhooks } from '../webhooks/worker-webhooks.js';

const HEARTBEAT_MS = 5000;
const STALE_WORKER_MS = 86_400_000;

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

export async function startWorker(config: Readonly<Config>, log: Logger = createLogger('worker', config.logLevel)): Promise<WorkerHandle> {
  if (!config.redisUrl) throw new Error('the worker needs REDIS_URL');
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Its own port (0: none), as a worker has no other HTTP server; first, so a taken port fails the start cleanly.
  const metrics = config.workerMetricsPort ? await serveMetrics(workerRegistry(), config.host, config.workerMetricsPort) : null;
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
  observeJobs(worker, log);
  // Deliveries of the jobs this worker ends, and of any job's (the deliverer takes them all).
  const webhooks = startWorkerWebhooks(config, worker, log);
  // Connection errors are reported once per outage (below); the worker's own 'error' repeats them per retry.
  worker.on('error', (err) => connection.status === 'ready' && log.error({ err }, 'worker error'));
  reportOutages(connection, 'worker', (message, err) => (err ? log.warn({ err }, message) : log.info(message)));

  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  reportOutages(subscriber, 'cancel subscriber', (message, err) => (err ? log.warn({ err }, message) : log.info(message)));
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel, jobId: string) => {
    if (worker.cancelJob(jobId, 'canceled by request')) log.info({ jobId }, 'cancel requested: stopping the job at its next step');
  });

  const beat = async () => {
    const now = Date.now();
    await connection.zadd(keys.workers, now, id).then(() => heartbeatTimestamp.set(now / 1000), () => undefined);
    // Workers that died without a goodbye (SIGKILL) leave their entry: drop those a day old.
    await connection.zremrangebyscore(keys.workers, '-inf', now - STALE_WORKER_MS).catch(() => undefined);
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
        log.warn({ graceMs }, 'grace period over: handing running jobs back');
        await worker.close(true);
      }
      await webhooks.close();
      await metrics?.close();
      await connection.zrem(keys.workers, id).catch(() => undefined);
      subscriber.disconnect();
      connection.disconnect();
    })());
  log.info({ workerId: id, queue: QUEUE_NAME, concurrency: config.worker.concurrency, metricsPort: metrics?.port ?? null }, 'worker started');
  return { id, worker, stop };
}
