/**
 * The service benchmark (a table, never a test): round-trip latency of a tiny job through
 * HTTP + BullMQ + a sandboxed worker against the in-process runner, tiny jobs per second
 * with 2 worker processes, and fetching a 16 MB result as JSON against safetensors.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379; it uses database 9 and flushes it).
 *   npm run bench:service -- [--latency 200] [--jobs 1000] [--clients 8] [--concurrency 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { ModelCatalog } from '../src/core/models/catalog.js';
import { buildApp } from '../src/api/app.js';
import { BullmqJobService } from '../src/service/bullmq.js';
import { selectBackend } from '../src/core/backends/select.js';
import { ModelRegistry } from '../src/core/models/registry.js';
import { runJob } from '../src/job/run.js';

const { values: args } = parseArgs({ options: { latency: { type: 'string', default: '200' }, jobs: { type: 'string', default: '1000' }, clients: { type: 'string', default: '8' }, concurrency: { type: 'string', default: '2' } } });
const env = { REDIS_URL: `${process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'}/9`, BACKEND: 'wasm', MAX_BATCH: '1000000', MAX_TENSOR_ELEMENTS: String(1 << 24), MAX_BODY_MB: '256', WORKER_CONCURRENCY: args.concurrency!, LOG_LEVEL: 'silent' };
Object.assign(process.env, env);
const config = loadConfig(process.env);

const flush = new Redis(config.redisUrl!);
await flush.flushdb();
flush.disconnect();
const service = new BullmqJobService(config);
await service.ready();
const app = await buildApp({ config, service, catalog: new ModelCatalog(config.modelsDir) });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const workers: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: { ...process.env, ...env }, stdio: 'ignore' }));

const tiny = { model: 'linear', x_T: { shape: [1, 4], data: [0.1, -0.2, 0.3, 0.4] }, z: { shape: [1, 1, 3], data: [0.5, -0.5, 0.25] }, loss: { type: 'linear', weights: { shape: [1, 4], data: [1, 1, 1, 1] } }, solver: { method: 'ddim', steps: 1 } };
const post = async (job: unknown, wait = true) => {
  const r = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...(wait ? { prefer: 'wait=60' } : {}) }, body: JSON.stringify(job) });
  return (await r.json()) as { id: string; status: string };
};
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

for (let i = 0; i < 200 && (await (await fetch(`${base}/readyz`)).json() as { workers: number }).workers < 2; i++) await new Promise((r) => setTimeout(r, 100));
for (let i = 0; i < 20; i++) await post(tiny); // warm both workers' sandboxes

// 1. Latency: sequential round trips, and the same job in this process.
const n = Number(args.latency);
const viaService: number[] = [];
for (let i = 0; i < n; i++) {
  const t0 = performance.now();
  const r = await post(tiny);
  if (r.status !== 'succeeded') throw new Error(`job ${r.id}: ${r.status}`);
  viaService.push(performance.now() - t0);
}
const backend = await selectBackend('wasm');
const registry = new ModelRegistry(config.modelsDir);
const inProcess: number[] = [];
for (let i = 0; i < n + 20; i++) {
  const t0 = performance.now();
  await runJob(tiny, { registry, config, backend });
  if (i >= 20) inProcess.push(performance.now() - t0);
}

// 2. Throughput: many tiny jobs from concurrent clients, until all are done.
const total = Number(args.jobs);
const clients = Number(args.clients);
const t0 = performance.now();
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  for (let i = c; i < total; i += clients) await post(tiny, false);
}));
let done = 0;
while (done < total) {
  const counts = await service.counts();
  done = (counts.completed ?? 0) - (20 + n);
  if (done < total) await new Promise((r) => setTimeout(r, 20));
}
const jobsPerSecond = total / ((performance.now() - t0) / 1000);

// 3. A 16 MB result: the linear model at a large batch.
const B = 400_000;
const big = { ...tiny, x_T: { shape: [B, 4], dtype: 'float32', b64: Buffer.from(new Float32Array(B * 4).fill(0.1).buffer).toString('base64') }, z: { shape: [1, B, 3], dtype: 'float32', b64: Buffer.from(new Float32Array(B * 3).fill(0.2).buffer).toString('base64') }, loss: { type: 'linear', weights: { shape: [B, 4], dtype: 'float32', b64: Buffer.from(new Float32Array(B * 4).fill(1).buffer).toString('base64') } } };
const bigJob = await post(big);
if (bigJob.status !== 'succeeded') throw new Error(`16 MB job: ${bigJob.status}`);
const fetchTimes = async (accept: string, query = '') => {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const r = await fetch(`${base}/v1/jobs/${bigJob.id}/result${query}`, { headers: { accept } });
    const body = accept === 'application/json' ? await r.json() : await r.arrayBuffer();
    bytes = Number(r.headers.get('content-length') ?? 0) || (body instanceof ArrayBuffer ? body.byteLength : 0);
    if (i > 0) times.push(performance.now() - t);
  }
  return { ms: percentile(times, 50), bytes };
};
const safetensors = await fetchTimes('application/vnd.safetensors');
const jsonB64 = await fetchTimes('application/json');
const jsonArrays = await fetchTimes('application/json', '?encoding=array');

const report = {
  date: new Date().toISOString(),
  latency_ms: { service_p50: percentile(viaService, 50), service_p99: percentile(viaService, 99), in_process_p50: percentile(inProcess, 50), in_process_p99: percentile(inProcess, 99) },
  overhead_p50_ms: percentile(viaService, 50) - percentile(inProcess, 50),
  throughput: { jobs: total, clients, workers: 2, worker_concurrency: config.worker.concurrency, jobs_per_second: jobsPerSecond },
  result_16mb: { safetensors_ms: safetensors.ms, safetensors_bytes: safetensors.bytes, json_b64_ms: jsonB64.ms, json_arrays_ms: jsonArrays.ms, speedup_vs_b64: jsonB64.ms / safetensors.ms, speedup_vs_arrays: jsonArrays.ms / safetensors.ms },
};
console.log('| measure | value |\n|---|---|');
console.log(`| round trip p50 / p99, HTTP + BullMQ + worker | ${report.latency_ms.service_p50.toFixed(2)} / ${report.latency_ms.service_p99.toFixed(2)} ms |`);
console.log(`| same job in-process p50 / p99 | ${report.latency_ms.in_process_p50.toFixed(2)} / ${report.latency_ms.in_process_p99.toFixed(2)} ms |`);
console.log(`| overhead p50 | ${report.overhead_p50_ms.toFixed(2)} ms |`);
console.log(`| tiny jobs per second (2 workers × concurrency ${config.worker.concurrency}, ${clients} clients, ${total} jobs) | ${jobsPerSecond.toFixed(0)} |`);
console.log(`| 16 MB result: safetensors / JSON base64 / JSON arrays | ${safetensors.ms.toFixed(1)} / ${jsonB64.ms.toFixed(1)} / ${jsonArrays.ms.toFixed(1)} ms (${(safetensors.bytes / 2 ** 20).toFixed(1)} MB) |`);
console.log(`| safetensors speed-up vs JSON base64 / arrays | ${report.result_16mb.speedup_vs_b64.toFixed(1)}x / ${report.result_16mb.speedup_vs_arrays.toFixed(1)}x |`);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/service-${report.date.replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify(report, null, 2));
console.log(`\nwritten: ${file}`);
for (const w of workers) w.kill('SIGTERM');
registry.dispose();
await app.close();
await service.close();
process.exit(0);
