/** Worker process entry: takes gradient jobs from the queue until SIGTERM or SIGINT. */
import { loadConfig } from './config.js';
import { startWorker } from './worker/runner.js';
import { createLogger } from './log.js';

const config = loadConfig();
const log = createLogger('worker', config.logLevel);
const handle = await startWorker(config, log);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping: finishing the current jobs, taking no new ones');
    handle.stop(config.worker.stopGraceMs).then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'stopping failed');
        process.exit(1);
      },
    );
  });
}
