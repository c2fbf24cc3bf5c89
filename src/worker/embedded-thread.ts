/**
 * The embedded worker: a worker thread that runs jobs for the single-process mode, so
 * the numerics never block the API's event loop. Messages in: run, cancel. Messages out:
 * progress, done, failed.
 */
import { parentPort } from 'node:worker_threads';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { selectBackend } from '../core/backends/select.js';
import { ModelRegistry } from '../core/models/registry.js';
import { processPackage, isFinal, failureOf } from './process.js';

const config = loadConfig();
const log = createLogger('worker', config.logLevel);
const ready = selectBackend(config.backend).then((backend) => ({ registry: new ModelRegistry(config.modelsDir), config, backend }));
const running = new Map<string, AbortController>();
const port = parentPort!;

port.on('message', async (msg: { type: 'run'; id: string; input: Uint8Array } | { type: 'cancel'; id: string }) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(msg.id, controller);
  try {
    const ctx = await ready;
    const { result, summary } = await processPackage(msg.input, ctx, {
      signal: controller.signal,
      onProgress: (progress) => port.postMessage({ type: 'progress', id: msg.id, progress }),
    });
    port.postMessage({ type: 'done', id: msg.id, result, summary });
  } catch (err) {
    if (!isFinal(err)) log.error({ jobId: msg.id, err }, 'job failed with an unexpected error');
    port.postMessage({ type: 'failed', id: msg.id, failure: failureOf(err) });
  } finally {
    running.delete(msg.id);
  }
});
