/**
 * Webhooks in a worker process: its gradient Worker's events become deliveries, and its
 * deliverer sends them. Taken from the parent's BullMQ events (not the sandbox), so a
 * sandbox that crashes loses none: 'completed'; 'failed' only when final (not before a
 * retry), as 'canceled' for a canceled job; 'progress' when asked for, throttled.
 */
import { Redis } from 'ioredis';
import type { Job, Worker } from 'bullmq';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { decodeFailure, type QueuedJobData, type QueuedJobReturn } from '../queue/contract.js';
import { recordOf } from '../queue/record.js';
import { WebhookOutbox } from './outbox.js';
import { startDeliverer } from './deliverer.js';
import { ProgressThrottle } from './throttle.js';
import type { WebhookEvent } from './spec.js';

type GradientJob = Job<QueuedJobData, QueuedJobReturn>;

export interface WorkerWebhooks {
  /** Waits for deliveries being queued, then stops the deliverer (letting its current attempts end). */
  close(): Promise<void>;
}

export function startWorkerWebhooks(config: Readonly<Config>, gradients: Worker<QueuedJobData, QueuedJobReturn>, log: Logger): WorkerWebhooks {
  const connection = new Redis(config.redisUrl!, { maxRetriesPerRequest: null });
  const outbox = new WebhookOutbox(connection, config);
  const deliverer = startDeliverer(connection, config);
  deliverer.on('error', (err) => log.error({ err }, 'webhook deliverer error'));
  const throttle = new ProgressThrottle();
  const queuing = new Set<Promise<void>>();

  const notify = (job: GradientJob, event: WebhookEvent, state: string) => {
    if (!job.data.webhook?.events.includes(event)) return;
    const queued = outbox
      .notify(job.data.webhook, event, recordOf(job, state))
      .catch((err: Error) => log.error({ err, jobId: job.id, event }, 'a webhook delivery could not be queued'))
      .finally(() => queuing.delete(queued));
    queuing.add(queued);
  };

  gradients.on('completed', (job) => {
    throttle.forget(job.id!);
    notify(job, 'completed', 'completed');
  });
  gradients.on('failed', (job) => {
    // BullMQ sets finishedOn only when it ends the job: a failure before a retry is no event.
    if (!job || job.finishedOn === undefined) return;
    throttle.forget(job.id!);
    notify(job, decodeFailure(job.failedReason).code === 'CANCELED' ? 'canceled' : 'failed', 'failed');
  });
  gradients.on('progress', (job) => {
    if (job.data.webhook?.events.includes('progress') && throttle.allow(job.id!)) notify(job, 'progress', 'active');
  });

  return {
    async close() {
      await Promise.allSettled(queuing);
      await deliverer.close();
      await outbox.close();
      connection.disconnect();
    },
  };
}
