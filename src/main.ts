/**
 * One machine, one command: the API and a worker. With REDIS_URL the worker is a BullMQ
 * worker (more can join from other machines); without it, jobs run in the embedded queue.
 */
import { loadConfig } from './config.js';
import { startApi } from './server.js';
import { startWorker } from './worker/runner.js';

const config = loadConfig();
const api = await startApi(config);
// Its own logger (service "worker"): its lines interleave with the API's on stdout, told apart by that field.
const worker = config.redisUrl ? await startWorker(config) : null;
api.app.log.info(`diffgrad on http://${config.host}:${config.port} (docs at /docs)`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void (async () => {
      await worker?.stop(config.worker.stopGraceMs);
      await api.close();
      process.exit(0);
    })();
  });
}
