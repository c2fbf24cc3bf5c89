/** Liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { JobService } from '../../service/jobs.js';
import { createApiMetrics } from '../../metrics/api.js';
import { installHttpMetrics } from '../../metrics/http.js';

export function healthRoutes(app: FastifyInstance, deps: { service: JobService }): void {
  const { service } = deps;
  // The metric definitions live in src/metrics; this file only serves them, and counts the requests.
  const { registry, http } = createApiMetrics(service);
  installHttpMetrics(app, http);

  app.get('/healthz', { schema: { summary: 'The API process is alive', tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { summary: 'Redis answers and a worker heartbeat was seen', tags: ['health'], response: { 200: Type.Object({ status: Type.String(), queue: Type.Boolean(), workers: Type.Integer(), mode: Type.String() }), 503: Type.Object({ status: Type.String(), queue: Type.Boolean(), workers: Type.Integer(), mode: Type.String() }) } } },
    async (_request, reply) => {
      const r = await service.readiness();
      const ready = r.queue && r.workers > 0;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...r, mode: service.mode });
    },
  );
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['health'], produces: ['text/plain'] } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
