/** The OpenAPI document, generated from the route schemas without listening or queueing. */
import { loadConfig } from '../config.js';
import { ModelCatalog } from '../core/models/catalog.js';
import type { JobService } from '../service/jobs.js';
import { buildApp } from './app.js';

/** A service that is never called: building the app needs one, generating the spec does not use it. */
const unused = new Proxy({} as Record<string | symbol, unknown>, {
  get: (_target, name) => {
    // What building the app reads: no Redis (in-memory rate limits), no dashboard queues.
    if (name === 'redis') return null;
    if (name === 'dashboardQueues') return () => [];
    return () => Promise.reject(new Error('not for spec generation'));
  },
}) as unknown as JobService;

export async function generateSpec(): Promise<Record<string, unknown>> {
  const config = loadConfig({});
  const app = await buildApp({ config, service: unused, catalog: new ModelCatalog(config.modelsDir) });
  await app.ready();
  const spec = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return spec;
}
