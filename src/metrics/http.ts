/**
 * The API's requests, counted by route pattern (/v1/jobs/:id), never by the raw URL: one
 * series per route, however many job ids pass through it.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Requests take milliseconds; a Prefer: wait or a large result may hold one for a minute. */
const HTTP_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Requests that matched no route (404s for anything) share one label value. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status_code'>;
  duration: Histogram<'method' | 'route'>;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  return {
    requests: new Counter({
      name: 'diffgrad_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'diffgrad_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: HTTP_SECONDS_BUCKETS,
      registers: [registry],
    }),
  };
}

/** Counts every request of the app, including those of routes declared before this call. */
export function installHttpMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
