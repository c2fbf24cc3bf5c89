/**
 * The HTTP API: plugins, routes and one error handler. It never loads TensorFlow.js:
 * jobs are validated against the model manifests and queued; workers do the numerics.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from '@fastify/helmet';
import type { Config } from '../config.js';
import type { ModelCatalog } from '../core/models/catalog.js';
import { SAFETENSORS_MEDIA_TYPE } from '../core/tensors/safetensors.js';
import type { JobService } from '../service/jobs.js';
import { installErrorHandling } from './problems.js';
import { answerClientError, sendFrameworkProblem } from './protocol-errors.js';
import { installAuth } from './auth.js';
import { installLoadShedding, installQueueAvailability, installRateLimit } from './limits.js';
import { installDashboard } from './admin.js';
import { isOperationsPath } from './paths.js';
import { JobFailureSchema, JobRecordSchema, JobSummarySchema, ModelSchema, ProblemSchema, ProgressSchema } from './schemas.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  config: Readonly<Config>;
  service: JobService;
  catalog: ModelCatalog;
  logger?: boolean | object;
  /** Counts for the metrics: requests refused by the rate limit, and shed under load. */
  onRateLimited?: () => void;
  onLoadShed?: (reason: string) => void;
}

export const API_VERSION = '1.0.0';

const problemRef = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } });

/** Every route's OpenAPI entry says what access costs: operations need no key; the rest may answer 401/403/429/503. */
function documentAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ??= {}) as { security?: unknown[]; response?: Record<string, unknown>; hide?: boolean };
    if (schema.hide) return;
    if (isOperationsPath(route.url)) {
      schema.security = [];
      return;
    }
    schema.response = {
      401: problemRef('No API key, or not a valid one (WWW-Authenticate tells the scheme)'),
      403: problemRef('The API key lacks the scope, or the job asks for what the key may not'),
      429: problemRef('Rate limit or the tenant\'s cap on jobs in flight reached; Retry-After says when to retry'),
      503: problemRef('Overloaded, or the queue is unreachable; Retry-After says when to retry'),
      ...schema.response,
    };
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, service } = deps;
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: config.maxBodyBytes, trustProxy: config.trustProxy,
    // While closing, requests on open connections are still served (Redis is still there) rather than refused with a bare 503.
    return503OnClosing: false,
    // Requests refused before routing (bad URLs, malformed HTTP) get problems too.
    frameworkErrors: sendFrameworkProblem,
    clientErrorHandler: answerClientError,
    ajv: { customOptions: { strict: false } } });
  installErrorHandling(app);
  // Helmet's default CSP serves the docs page and the dashboard as they are (their scripts are
  // their own files); only upgrade-insecure-requests is dropped, which would break plain-HTTP use.
  await app.register(helmet, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  // Order matters: shed load first, then know the caller, then check the queue, then count.
  await installLoadShedding(app, config, deps.onLoadShed);
  installAuth(app, config);
  installQueueAvailability(app, service);
  await installRateLimit(app, config, service.redis, deps.onRateLimited);
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(SAFETENSORS_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  for (const schema of [ProblemSchema, ProgressSchema, JobFailureSchema, JobSummarySchema, JobRecordSchema, ModelSchema]) app.addSchema(schema);

  documentAccess(app);
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
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>. Without configured keys the service runs open.' },
        },
      },
      security: [{ apiKey: [] }],
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
  const queues = service.dashboardQueues();
  if (queues.length > 0) await installDashboard(app, queues);
  return app;
}
