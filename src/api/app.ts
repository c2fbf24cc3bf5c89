/**
 * The HTTP API: plugins, routes and one error handler. It never loads TensorFlow.js:
 * jobs are validated against the model manifests and queued; workers do the numerics.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import type { ModelCatalog } from '../core/models/catalog.js';
import { SAFETENSORS_MEDIA_TYPE } from '../core/tensors/safetensors.js';
import type { JobService } from '../service/jobs.js';
import { installErrorHandling } from './problems.js';
import { JobFailureSchema, JobRecordSchema, JobSummarySchema, ModelSchema, ProblemSchema, ProgressSchema } from './schemas.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  config: Readonly<Config>;
  service: JobService;
  catalog: ModelCatalog;
  logger?: boolean | object;
}

export const API_VERSION = '1.0.0';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: deps.config.maxBodyBytes, ajv: { customOptions: { strict: false } } });
  installErrorHandling(app);
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(SAFETENSORS_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  for (const schema of [ProblemSchema, ProgressSchema, JobFailureSchema, JobSummarySchema, JobRecordSchema, ModelSchema]) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'diffgrad',
        version: API_VERSION,
        description: 'Gradients through diffusion sampling: dL/dx_T, dL/dz_k per step, dL/dtheta and guidance gradients, as queued jobs.',
        license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
      },
      servers: [{ url: '/' }],
      // No authentication yet: every operation is open (API keys come with tenants).
      security: [],
      tags: [
        { name: 'jobs', description: 'Submit gradient jobs and read their results' },
        { name: 'models', description: 'The models jobs may name' },
        { name: 'health', description: 'Liveness, readiness, metrics' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  jobRoutes(app, deps);
  modelRoutes(app, deps);
  healthRoutes(app, deps);
  return app;
}
