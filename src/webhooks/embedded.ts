/**
 * Webhooks without Redis: the embedded service's jobs deliver in this process, with the
 * same attempts, backoff (timers instead of BullMQ's delayed jobs) and records (in memory).
 * Like the embedded queue itself, nothing here survives a restart.
 */
import type { Config } from '../config.js';
import type { JobRecord } from '../queue/contract.js';
import { attemptDelivery, type AttemptDeps } from './attempt.js';
import { MemoryDeliveryLog } from './deliveries.js';
import { deliveryOf, finalEvent, retryDelayMs, type Delivery } from './delivery.js';
import { ProgressThrottle } from './throttle.js';
import type { QueuedWebhook, WebhookEvent } from './spec.js';

export class EmbeddedWebhooks {
  /** Webhooks (with their secrets) of jobs not yet final. */
  private readonly webhooks = new Map<string, QueuedWebhook>();
  private readonly log = new MemoryDeliveryLog();
  private readonly throttle = new ProgressThrottle();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deps: AttemptDeps;
  private closed = false;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly onError: (err: unknown) => void = (err) => console.error('webhook delivery failed unexpectedly:', err),
  ) {
    this.deps = { allow: config.webhooks.allow, timeoutMs: config.webhooks.timeoutMs, log: this.log };
  }

  register(jobId: string, webhook: QueuedWebhook | undefined): void {
    if (webhook) this.webhooks.set(jobId, webhook);
  }

  /** The record with its webhook's attempts so far. */
  async withDeliveries(record: JobRecord): Promise<JobRecord> {
    return record.webhook ? { ...record, webhook: { ...record.webhook, deliveries: await this.log.list(record.id) } } : record;
  }

  progressed(record: JobRecord): void {
    if (this.webhooks.get(record.id)?.events.includes('progress') && this.throttle.allow(record.id)) this.notify('progress', record);
  }

  finished(record: JobRecord): void {
    const event = finalEvent(record.status);
    if (event) this.notify(event, record);
    this.webhooks.delete(record.id);
    this.throttle.forget(record.id);
  }

  private notify(event: WebhookEvent, record: JobRecord): void {
    const delivery = deliveryOf(this.webhooks.get(record.id), event, record, this.config);
    if (delivery && !this.closed) this.attempt(delivery, 1);
  }

  private attempt(delivery: Delivery, attempt: number): void {
    attemptDelivery(delivery, attempt, this.deps).then((entry) => {
      if (entry.outcome !== 'retrying' || this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.attempt(delivery, attempt + 1);
      }, retryDelayMs(this.config.webhooks.backoffMs, attempt));
      // Pending retries do not keep a process alive that is otherwise done.
      timer.unref();
      this.timers.add(timer);
    }, this.onError);
  }

  /** Drops pending retries; attempts under way finish on their own. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
