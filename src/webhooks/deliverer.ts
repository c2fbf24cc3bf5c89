/**
 * The BullMQ Worker that makes deliveries, in each worker process. In-process, not sandboxed:
 * a delivery is an HTTP request, which never blocks the event loop. BullMQ schedules the
 * retries (exponential backoff from WEBHOOK_BACKOFF_MS); each attempt's outcome is recorded
 * on the job by attemptDelivery.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { WEBHOOK_QUEUE_NAME } from '../queue/names.js';
import { attemptDelivery } from './attempt.js';
import { RedisDeliveryLog } from './deliveries.js';
import type { Delivery } from './delivery.js';

/** Deliveries in flight per process: mostly waiting on receivers, so many at once cost little. */
const CONCURRENCY = 16;

/** @param connection one with maxRetriesPerRequest: null, as BullMQ Workers need. */
export function startDeliverer(connection: Redis, config: Readonly<Config>): Worker<Delivery> {
  const deps = { allow: config.webhooks.allow, timeoutMs: config.webhooks.timeoutMs, log: new RedisDeliveryLog(connection, config.blobTtlSeconds) };
  return new Worker<Delivery>(
    WEBHOOK_QUEUE_NAME,
    async (job) => {
      const entry = await attemptDelivery(job.data, job.attemptsMade + 1, deps);
      const why = entry.error ?? `the receiver answered ${entry.http_status}`;
      if (entry.outcome === 'retrying') throw new Error(why);
      // Failed for good (last attempt, 410 Gone) or refused: shown as failed on the dashboard, not retried.
      if (entry.outcome !== 'delivered') throw new UnrecoverableError(why);
    },
    { connection, concurrency: CONCURRENCY },
  );
}
