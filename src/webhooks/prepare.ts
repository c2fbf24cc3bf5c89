/**
 * The API's part: before a job with a webhook is queued, its target is checked and the
 * secret that will sign its deliveries is settled, so that a job the service cannot notify
 * is refused at the door (422) rather than discovered at its end.
 */
import { CodedError } from '../errors.js';
import type { Config } from '../config.js';
import { checkWebhookTarget, type Resolver } from './target.js';
import { DEFAULT_WEBHOOK_EVENTS, type QueuedWebhook, type WebhookEvent } from './spec.js';

/** The job's webhook field as parsed from its body. */
export interface WebhookRequest {
  url: string;
  events?: WebhookEvent[];
  secret?: string;
}

/** The first secret there is, most specific first: the job's own, its tenant's, the service's. */
export function resolveWebhookSecret(candidates: ReadonlyArray<string | null | undefined>): string {
  const secret = candidates.find((s): s is string => typeof s === 'string' && s.length > 0);
  if (secret === undefined) {
    throw new CodedError('WEBHOOK_SECRET_MISSING', 'webhook.secret: no secret to sign deliveries with: send one in the job, or have the operator set one for your API key or WEBHOOK_SECRET', { field: 'webhook.secret' });
  }
  return secret;
}

/** The webhook as it travels with the queued job, or undefined when the job asks for none. */
export async function prepareWebhook(
  webhook: WebhookRequest | undefined,
  config: Pick<Config, 'webhooks'>,
  tenantSecret?: string,
  resolve?: Resolver,
): Promise<QueuedWebhook | undefined> {
  if (!webhook) return undefined;
  const secret = resolveWebhookSecret([webhook.secret, tenantSecret, config.webhooks.secret]);
  await checkWebhookTarget(webhook.url, config.webhooks.allow, resolve);
  return { url: webhook.url, events: [...(webhook.events ?? DEFAULT_WEBHOOK_EVENTS)], secret };
}
