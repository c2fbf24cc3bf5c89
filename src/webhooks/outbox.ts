/**
 * The BullMQ side of webhooks that events go into: a worker queues the deliveries of the
 * jobs it ran (and the API those of jobs it canceled before they ran); the delivery log is
 * read back for job records. Deliveries are jobs on their own queue, so a delivery survives
 * the process that queued it, and its retries wait in Redis, not in anyone's memory.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { WEBHOOK_QUEUE_NAME } from '../queue/names.js';
import type { JobRecord } from '../queue/contract.js';
import { RedisDeliveryLog, type DeliveryRecord } from './deliveries.js';
import { deliveryOf, type Delivery } from './delivery.js';
import type { QueuedWebhook, WebhookEvent } from './spec.js';

/** Finished deliveries kept for the dashboard, besides their age limit. */
const KEEP_FINISHED = 1000;

export class WebhookOutbox {
  readonly queue: Queue<Delivery>;
  private readonly log: RedisDeliveryLog;

  constructor(
    connection: Redis,
    private readonly config: Readonly<Config>,
  ) {
    this.queue = new Queue<Delivery>(WEBHOOK_QUEUE_NAME, { connection });
    // BullMQ re-emits its connection's errors; the connection's owner reports them.
    this.queue.on('error', () => undefined);
    this.log = new RedisDeliveryLog(connection, config.blobTtlSeconds);
  }

  /** Queues the delivery of the event to the job's webhook, if the job asked for that event. */
  async notify(webhook: QueuedWebhook | undefined, event: WebhookEvent, record: JobRecord): Promise<void> {
    const delivery = deliveryOf(webhook, event, record, this.config);
    if (!delivery) return;
    const age = this.config.blobTtlSeconds;
    await this.queue.add(event, delivery, {
      // A final event's id is fixed: queued twice, it is still delivered once.
      jobId: delivery.id,
      attempts: delivery.attempts,
      backoff: { type: 'exponential', delay: this.config.webhooks.backoffMs },
      removeOnComplete: { age, count: KEEP_FINISHED },
      removeOnFail: { age, count: KEEP_FINISHED },
    });
  }

  deliveries(jobId: string): Promise<DeliveryRecord[]> {
    return this.log.list(jobId);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
