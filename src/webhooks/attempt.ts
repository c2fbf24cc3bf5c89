/**
 * One attempt of a delivery, the same in both modes: check the target again (its DNS may
 * have changed since submission), post the signed body, record what happened on the job,
 * and count it (diffgrad_webhook_deliveries_total{event,outcome}). The caller schedules the
 * next attempt when the outcome is "retrying".
 */
import { CodedError } from '../errors.js';
import { webhookDeliveries } from '../metrics/shared.js';
import { signedHeaders } from './sign.js';
import { checkWebhookTarget, isUnresolvedHost, type Resolver } from './target.js';
import { postWebhook } from './send.js';
import type { Delivery } from './delivery.js';
import type { DeliveryLog, DeliveryOutcome, DeliveryRecord } from './deliveries.js';

export interface AttemptDeps {
  allow: readonly string[];
  timeoutMs: number;
  log: DeliveryLog;
  resolve?: Resolver;
}

const GONE = 410;

export async function attemptDelivery(delivery: Delivery, attempt: number, deps: AttemptDeps): Promise<DeliveryRecord> {
  const started = Date.now();
  const last = attempt >= delivery.attempts;
  const failedOrRetrying: DeliveryOutcome = last ? 'failed' : 'retrying';
  let outcome: DeliveryOutcome;
  let facts: { http_status?: number; error?: string };
  try {
    const target = await checkWebhookTarget(delivery.url, deps.allow, deps.resolve);
    const status = await postWebhook(target, delivery.body, signedHeaders(delivery.secret, delivery.id, delivery.body), deps.timeoutMs);
    if (status >= 200 && status < 300) [outcome, facts] = ['delivered', { http_status: status }];
    else if (status === GONE) [outcome, facts] = ['failed', { http_status: status, error: 'the receiver answered 410 Gone: it wants no more deliveries' }];
    else [outcome, facts] = [failedOrRetrying, { http_status: status }];
  } catch (err) {
    // A host that does not resolve may be a DNS hiccup: retried. One resolving to a refused address is not.
    const refused = err instanceof CodedError && !isUnresolvedHost(err);
    [outcome, facts] = [refused ? 'refused' : failedOrRetrying, { error: (err as Error).message }];
  }
  const entry: DeliveryRecord = { event: delivery.event, delivery_id: delivery.id, attempt, outcome, ...facts, at: new Date(started).toISOString(), duration_ms: Date.now() - started };
  // A record lost to a storage hiccup must not turn a delivered webhook into a retried one.
  await deps.log.append(delivery.jobId, entry).catch(() => undefined);
  webhookDeliveries.inc({ event: delivery.event, outcome });
  return entry;
}
