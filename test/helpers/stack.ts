/**
 * A real stack for API tests: Fastify on an ephemeral port, the BullMQ job service on a
 * Redis database of the test's own (flushed first), and in-process BullMQ workers whose
 * jobs run in sandboxed child processes, as in production. Or the embedded service.
 */
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.js';
import { ModelCatalog } from '../../src/core/models/catalog.js';
import { buildApp } from '../../src/api/app.js';
import { BullmqJobService } from '../../src/service/bullmq.js';
import { EmbeddedJobService } from '../../src/service/embedded.js';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.js';
import type { JobService } from '../../src/service/jobs.js';
import type { FastifyInstance } from 'fastify';

export const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Stack {
  app: FastifyInstance;
  service: JobService;
  config: Readonly<Config>;
  workers: WorkerHandle[];
  url: string;
  close(): Promise<void>;
}

/** The environment the sandboxed children read their configuration from. */
export function stackEnv(db: number, extra: Record<string, string> = {}): Record<string, string> {
  return { REDIS_URL: `${REDIS}/${db}`, BACKEND: 'wasm', LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '1000', JOB_ATTEMPTS: '3', LOG_LEVEL: 'silent', ...extra };
}

export async function startStack(opts: { db?: number; workers?: number; embedded?: boolean; env?: Record<string, string> } = {}): Promise<Stack> {
  const env = opts.embedded ? { BACKEND: 'wasm', ...opts.env } : stackEnv(opts.db ?? 1, opts.env);
  Object.assign(process.env, env);
  if (opts.embedded) delete process.env.REDIS_URL;
  const config = loadConfig({ ...process.env, ...env, ...(opts.embedded ? { REDIS_URL: '' } : {}) });
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl);
    await redis.flushdb();
    redis.disconnect();
  }
  const service = opts.embedded ? new EmbeddedJobService(config) : new BullmqJobService(config);
  if (service instanceof BullmqJobService) await service.ready();
  const app = await buildApp({ config, service, catalog: new ModelCatalog(config.modelsDir) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  const workers: WorkerHandle[] = [];
  for (let i = 0; i < (opts.embedded ? 0 : opts.workers ?? 0); i++) workers.push(await startWorker(config));
  return {
    app,
    service,
    config,
    workers,
    url,
    async close() {
      await Promise.all(workers.map((w) => w.stop(5000)));
      await app.close();
      await service.close();
    },
  };
}

/** A small unet-tiny job with n steps (deterministic data). */
export function tinyJob(n = 3, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const values = (count: number, seed: number) => Array.from({ length: count }, (_, i) => Math.round(Math.sin(seed * 7.3 + i * 1.7) * 1000) / 1000);
  return {
    model: 'unet-tiny',
    x_T: { shape: [1, 8, 8, 2], data: values(128, 1) },
    z: { shape: [n, 1, 6], data: values(6 * n, 2) },
    loss: { type: 'mse', target: { shape: [1, 8, 8, 2], data: new Array(128).fill(0) } },
    solver: { method: 'ddim', steps: n },
    ...extra,
  };
}

export async function poll<T>(f: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (done(v) || Date.now() > until) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A job long enough to catch while it runs: unet-32 with checkpoints, many steps. */
export function longJob(steps = 60) {
  const n = 32 * 32 * 4;
  return {
    model: 'unet-32',
    x_T: { shape: [1, 32, 32, 4], data: Array.from({ length: n }, (_, i) => Math.sin(i)) },
    z: { shape: [steps, 1, 64], data: Array.from({ length: steps * 64 }, (_, i) => Math.cos(i)) },
    loss: { type: 'linear', weights: { shape: [1, 32, 32, 4], data: new Array(n).fill(1e-3) } },
    solver: { method: 'ddim', steps },
    gradient: { memory_budget_mb: 0 },
  };
}
