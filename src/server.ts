/** API process entry: the only file (with main.ts) that calls listen. */
import { loadConfig, type Config } from './config.js';
import { ModelCatalog } from './core/models/catalog.js';
import { createJobService } from './service/index.js';
import { buildApp } from './api/app.js';
import { loggerOptions } from './log.js';
import { loadShed, rateLimited } from './metrics/shared.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Without API keys anyone who can reach the port can run jobs: allowed only on this machine. */
function checkOpenMode(config: Readonly<Config>): string | null {
  if (config.apiKeys.length > 0) return null;
  if (!LOOPBACK.has(config.host)) {
    throw new Error(`configuration: no API keys (API_KEYS or API_KEYS_FILE) and HOST=${config.host}: an open service binds to a loopback address only. Configure keys (npm run apikey) or set HOST=127.0.0.1.`);
  }
  return 'NO API KEYS CONFIGURED: the service is OPEN (every caller is the tenant "public" with every scope). It listens on a loopback address only. Set API_KEYS or API_KEYS_FILE before exposing it.';
}

export async function startApi(config = loadConfig()) {
  const openWarning = checkOpenMode(config);
  const service = await createJobService(config);
  const app = await buildApp({
    config,
    service,
    catalog: new ModelCatalog(config.modelsDir),
    logger: loggerOptions('api', config.logLevel),
    onRateLimited: () => rateLimited.inc(),
    onLoadShed: (reason) => loadShed.inc({ reason }),
  });
  await app.listen({ host: config.host, port: config.port });
  if (openWarning) app.log.warn(openWarning);
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
