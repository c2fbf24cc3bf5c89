/** Worker process entry: takes gradient jobs from the queue until SIGTERM or SIGINT. */
import { loadConfig } from './config.js';
import { startWorker } from './worker/runner.js';

const config = loadConfig();
const handle = await startWorker(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing the current jobs, taking no new ones`);
    handle.stop(config.worker.stopGraceMs).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
