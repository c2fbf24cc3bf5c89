/**
 * One delivery: an event of a job, for its webhook, with the body fixed when the event
 * happened (every attempt sends the same bytes under the same webhook-id; only the
 * timestamp and signature are new). The same in both modes: BullMQ carries it as a job's
 * data, the embedded mode keeps it in memory.
 */
import type { Config } from '../config.js';
import { jobLinks, type JobRecord, type JobStatus } from '../queue/contract.js';
import type { QueuedWebhook, WebhookEvent } from './spec.js';

export interface Delivery {
  /** The webhook-id: receivers dedupe on it. */
  id: string;
  jobId: string;
  event: WebhookEvent;
  url: string;
  secret: string;
  body: string;
  /** Attempts in all, the first included. */
  attempts: number;
}

/** Progress is best-effort: one retry, no more (the next progress, or the final event, follows soon). */
export const PROGRESS_ATTEMPTS = 2;

/** The webhook event of a final status. */
export function finalEvent(status: JobStatus): WebhookEvent | null {
  return status === 'succeeded' ? 'completed' : status === 'failed' ? 'failed' : status === 'canceled' ? 'canceled' : null;
}

/** The body: the event, when it happened, and the job as GET /v1/jobs/:id shows it (without the delivery log). */
export function webhookPayload(event: WebhookEvent, record: JobRecord, at: Date): string {
  const webhook = record.webhook && { url: record.webhook.url, events: record.webhook.events };
  return JSON.stringify({ type: `job.${event}`, timestamp: at.toISOString(), data: { ...record, webhook, urls: jobLinks(record.id) } });
}

/** The delivery of this event to the job's webhook, or null if the job did not ask for the event. */
export function deliveryOf(webhook: QueuedWebhook | undefined, event: WebhookEvent, record: JobRecord, config: Pick<Config, 'webhooks'>, at = new Date()): Delivery | null {
  if (!webhook || !webhook.events.includes(event)) return null;
  // A final event happens once per job: its id is fixed, so enqueuing it twice delivers it once.
  const id = event === 'progress' ? `${record.id}-progress-${at.getTime()}` : `${record.id}-${event}`;
  return {
    id,
    jobId: record.id,
    event,
    url: webhook.url,
    secret: webhook.secret,
    body: webhookPayload(event, record, at),
    attempts: event === 'progress' ? Math.min(PROGRESS_ATTEMPTS, config.webhooks.attempts) : config.webhooks.attempts,
  };
}

/** The wait before attempt `attempt + 1`: the first retry waits backoffMs, each next one twice as long (as BullMQ's exponential backoff). */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** (attempt - 1);
}
