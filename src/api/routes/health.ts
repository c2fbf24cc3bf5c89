/** Liveness, readiness and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Registry, Gauge, collectDefaultMetrics } from 'prom-client';
import type { JobService } from '../../service/jobs.js';

export function healthRoutes(app: FastifyInstance, deps: { service: JobService }): void {
  const { service } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'diffgrad_api_' });
  new Gauge({
    name: 'diffgrad_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      for (const [state, count] of Object.entries(await service.counts().catch(() => ({})))) this.set({ state }, count);
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
