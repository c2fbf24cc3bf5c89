/**
 * A worker process's exposition: the jobs it ran, its heartbeat, its webhook deliveries
 * and its process. One per process (however many BullMQ Workers it starts), built on first
 * use so that a process which serves no metrics pays nothing for them.
 */
import { Registry, Gauge, collectDefaultMetrics, type Metric } from 'prom-client';
import { JOB_METRICS } from './job.js';
import { webhookDeliveries } from './shared.js';

export const heartbeatTimestamp = new Gauge({
  name: 'diffgrad_worker_heartbeat_timestamp_seconds',
  help: 'When this worker last wrote its heartbeat to Redis (Unix time); time() minus it is its age',
  registers: [],
});

let registry: Registry | null = null;

export function workerRegistry(): Registry {
  if (registry) return registry;
  registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'diffgrad_worker_' });
  for (const metric of [...JOB_METRICS, heartbeatTimestamp, webhookDeliveries] as Metric[]) registry.registerMetric(metric);
  return registry;
}
