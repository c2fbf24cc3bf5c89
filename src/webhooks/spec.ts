/**
 * What a job may ask of webhooks: a URL and the events it wants. The schema lives with the
 * job's (src/job/schema.ts); this file holds the names, the types and the checks a schema
 * cannot express.
 */
import { invalid } from '../errors.js';
import type { DeliveryRecord } from './deliveries.js';

export const WEBHOOK_EVENTS = ['completed', 'failed', 'canceled', 'progress'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Progress is opt-in: it is chatty, and only best-effort. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEvent[] = ['completed', 'failed', 'canceled'];

export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** What the job's record shows of its webhook: never the secret. */
export interface WebhookSubscription {
  url: string;
  events: WebhookEvent[];
}

/** What travels with the queued job: the subscription and the secret resolved at submission. */
export interface QueuedWebhook extends WebhookSubscription {
  secret: string;
}

/** A job record's view of its webhook: the subscription and its attempts, never the secret. */
export function publicWebhook(webhook: QueuedWebhook | undefined, deliveries: DeliveryRecord[] = []): (WebhookSubscription & { deliveries: DeliveryRecord[] }) | null {
  return webhook ? { url: webhook.url, events: webhook.events, deliveries } : null;
}

/** The URL's own shape: http or https, no credentials (they would be sent to whoever answers, and logged). */
export function checkWebhookUrl(url: string, field = 'webhook.url'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(field, 'is not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(field, `must be http or https, not ${parsed.protocol.slice(0, -1)}`);
  if (parsed.username || parsed.password) throw invalid(field, 'must not carry a user name or password (the signature authenticates deliveries)');
  return parsed;
}
