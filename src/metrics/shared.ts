/**
 * Counters that other parts of the service increment: defined here so every metric name
 * lives in src/metrics, registered into the exposition of the processes that use them.
 */
import { Counter, type Metric } from 'prom-client';

/** Webhook deliveries (outcome: delivered, retrying, failed, refused): by the process that delivers them. */
export const webhookDeliveries = new Counter({
  name: 'diffgrad_webhook_deliveries_total',
  help: 'Webhook delivery attempts by event and outcome',
  labelNames: ['event', 'outcome'] as const,
  registers: [],
});

export const rateLimited = new Counter({
  name: 'diffgrad_rate_limited_total',
  help: 'Requests refused by the per-key rate limit (429)',
  registers: [],
});

export const loadShed = new Counter({
  name: 'diffgrad_load_shed_total',
  help: 'Requests answered 503 because the API was overloaded, by the pressure that tripped (e.g. eventLoopDelay, heapUsedBytes)',
  labelNames: ['reason'] as const,
  registers: [],
});

/** The API process serves all three; a worker only the webhook deliveries. */
export const API_SHARED_METRICS: readonly Metric[] = [webhookDeliveries, rateLimited, loadShed];
