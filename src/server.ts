/** API process entry: the only file (with main.ts) that calls listen. */
import { loadConfig } from './config.js';
import { ModelCatalog } from './core/models/catalog.js';
import { createJobService } from './service/index.js';
import { buildApp } from './api/app.js';

export async function startApi(config = loadConfig()) {
  const service = await createJobService(config);
  const app = await buildApp({ config, service, catalog: new ModelCatalog(config.modelsDir), logger: { level: config.logLevel } });
  await app.listen({ host: config.host, port: config.port });
  if (service.mode === 'embedded') app.log.info('no REDIS_URL: jobs run in this process (embedded queue, one worker thread)');
  const close = async () => {
    await app.close();
    await service.close();
  };
  return { app, service, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { close } = await startApi();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void close().then(() => process.exit(0)));
}
