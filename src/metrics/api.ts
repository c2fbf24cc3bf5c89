/**
 * The API process's exposition: the queue as every API replica sees it (jobs by state,
 * paused or not), the workers' heartbeats, the API's own requests and process, and the
 * counters of its rate limit and load shedding. In embedded mode this process also runs
 * the jobs, so the job metrics are here too.
 */
import { Registry, Gauge, collectDefaultMetrics } from 'prom-client';
import { keys } from '../queue/names.js';
import type { JobService } from '../service/jobs.js';
import { JOB_METRICS } from './job.js';
import { API_SHARED_METRICS } from './shared.js';
import { createHttpMetrics, type HttpMetrics } from './http.js';

/** Every state is reported (0 when empty), so a series never vanishes when its queue drains. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** A worker silent for longer has gone (killed, or its machine lost); its age is no longer news. */
export const HEARTBEAT_HORIZON_MS = 10 * 60_000;

export interface ApiMetrics {
  registry: Registry;
  http: HttpMetrics;
}

export function createApiMetrics(service: JobService): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'diffgrad_api_' });
  new Gauge({
    name: 'diffgrad_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      // While the queue cannot be read the series are absent, not stuck at their last values.
      this.reset();
      const counts = await service.counts().catch(() => null);
      if (!counts) return;
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'diffgrad_queue_paused',
    help: '1 while the queue is paused (workers take no jobs), else 0',
    registers: [registry],
    async collect() {
      const paused = await Promise.all(service.dashboardQueues().map((q) => q.isPaused())).catch(() => []);
      this.set(paused.some(Boolean) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'diffgrad_workers',
    help: 'Workers whose heartbeat was seen in the last 15 s',
    registers: [registry],
    async collect() {
      this.set((await service.readiness()).workers);
    },
  });
  new Gauge({
    name: 'diffgrad_worker_heartbeat_age_seconds',
    help: 'Time since each worker last wrote its heartbeat, for workers seen in the last 10 minutes',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      // Rebuilt on every scrape: a worker that has gone drops out instead of ageing forever.
      this.reset();
      if (!service.redis) return;
      const now = Date.now();
      const seen = await service.redis.zrangebyscore(keys.workers, now - HEARTBEAT_HORIZON_MS, '+inf', 'WITHSCORES').catch(() => [] as string[]);
      for (let i = 0; i + 1 < seen.length; i += 2) this.set({ worker: seen[i] }, Math.max(0, now - Number(seen[i + 1])) / 1000);
    },
  });
  for (const metric of API_SHARED_METRICS) registry.registerMetric(metric);
  if (service.mode === 'embedded') for (const metric of JOB_METRICS) registry.registerMetric(metric);
  return { registry, http: createHttpMetrics(registry) };
}
