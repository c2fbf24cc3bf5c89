/**
 * The job service without Redis: an in-process queue and one worker thread, with the
 * same states, progress, cancellation, idempotency and results as the BullMQ service.
 * For a first try and for a single machine; nothing survives a restart.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { Progress } from '../core/hooks.js';
import { MemoryBlobStore } from '../queue/blobs.js';
import type { JobFailure, JobRecord, JobSummary } from '../queue/contract.js';
import { recordFinishedRecord } from '../metrics/job.js';
import { EmbeddedWebhooks } from '../webhooks/embedded.js';
import { publicWebhook } from '../webhooks/spec.js';
import { EventedJobService, IdempotencyConflict, TenantAtCapacity, type JobEvent, type JobService, type Readiness, type SubmitMeta, type SubmitOptions } from './jobs.js';

type ThreadMessage =
  | { type: 'progress'; id: string; progress: Progress }
  | { type: 'done'; id: string; result: Uint8Array; summary: JobSummary }
  | { type: 'failed'; id: string; failure: JobFailure };

/** The worker thread: compiled JavaScript, or TypeScript through tsx's loader (threads do not inherit it). */
function spawnThread(): Worker {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const file = new URL(`../worker/embedded-thread${ext}`, import.meta.url);
  if (ext === '.js') return new Worker(fileURLToPath(file));
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class EmbeddedJobService extends EventedJobService implements JobService {
  readonly mode = 'embedded' as const;
  readonly redis = null;
  private readonly records = new Map<string, JobRecord>();
  private readonly inputs = new Map<string, Buffer>();
  private readonly results = new MemoryBlobStore();
  private readonly idempotency = new Map<string, { id: string; hash: string }>();
  private readonly pending: string[] = [];
  /** Jobs that ask for dL/dtheta (for the tenant cap on them). */
  private readonly theta = new Set<string>();
  /** Method and solver of jobs not yet final: the labels of their job metrics (this process runs them). */
  private readonly methods = new Map<string, { method: string; solver: string }>();
  private readonly webhooks: EmbeddedWebhooks;
  private thread!: Worker;
  private current: string | null = null;
  private closing = false;

  constructor(private readonly config: Readonly<Config>) {
    super();
    this.webhooks = new EmbeddedWebhooks(config);
    this.startThread();
  }

  /** A thread that dies takes only its current job with it: the next thread takes the queue. */
  private startThread(): void {
    const thread = spawnThread();
    thread.on('message', (msg: ThreadMessage) => this.onMessage(msg));
    thread.on('error', (err) => console.error('embedded worker thread failed:', err));
    thread.on('exit', () => {
      if (this.closing) return;
      const lost = this.current;
      this.current = null;
      this.startThread();
      if (lost) this.finish(lost, 'failed', { error: { code: 'INTERNAL', message: 'the worker failed on this job' } });
      else this.next();
    });
    thread.unref();
    this.thread = thread;
  }

  private update(id: string, patch: Partial<JobRecord>): JobRecord {
    const record = { ...this.records.get(id)!, ...patch };
    this.records.set(id, record);
    return record;
  }

  private finish(id: string, status: JobRecord['status'], patch: Partial<JobRecord>): void {
    const record = this.update(id, { ...patch, status, finishedAt: new Date().toISOString() });
    recordFinishedRecord(record, this.methods.get(id));
    this.methods.delete(id);
    this.inputs.delete(id);
    this.emit(id, { type: 'final', record } satisfies JobEvent);
    this.webhooks.finished(record);
    if (this.current === id) this.current = null;
    this.next();
  }

  private onMessage(msg: ThreadMessage): void {
    if (msg.type === 'progress') {
      const record = this.update(msg.id, { progress: msg.progress });
      this.emit(msg.id, { type: 'progress', progress: msg.progress } satisfies JobEvent);
      this.webhooks.progressed(record);
    } else if (msg.type === 'done') {
      void this.results.put(msg.id, Buffer.from(msg.result), this.config.blobTtlSeconds).then(() => this.finish(msg.id, 'succeeded', { summary: msg.summary }));
    } else {
      this.finish(msg.id, msg.failure.code === 'CANCELED' ? 'canceled' : 'failed', { error: msg.failure });
    }
  }

  private next(): void {
    if (this.current !== null) return;
    const id = this.pending.shift();
    if (id === undefined) return;
    this.current = id;
    this.update(id, { status: 'running', startedAt: new Date().toISOString() });
    this.thread.postMessage({ type: 'run', id, input: this.inputs.get(id)! });
  }

  available(): boolean {
    return true;
  }

  dashboardQueues(): [] {
    return [];
  }

  async submit(pkg: Buffer, meta: SubmitMeta, opts: SubmitOptions): Promise<{ record: JobRecord; created: boolean }> {
    // Idempotency keys are the tenant's own: two tenants may well pick the same one.
    const idempotencyKey = opts.idempotencyKey ? `${meta.tenant}:${opts.idempotencyKey}` : null;
    if (idempotencyKey) {
      const held = this.idempotency.get(idempotencyKey);
      if (held && held.hash !== opts.bodyHash) throw new IdempotencyConflict(held.id);
      if (held) return { record: this.records.get(held.id)!, created: false };
    }
    if (opts.caps) {
      const inFlight = [...this.records.values()].filter((r) => r.tenant === meta.tenant && (r.status === 'queued' || r.status === 'running'));
      if (inFlight.length >= opts.caps.maxActiveJobs) throw new TenantAtCapacity(opts.caps.maxActiveJobs, 'jobs');
      const thetaCap = opts.caps.maxActiveThetaJobs;
      if (meta.theta && thetaCap !== undefined && inFlight.filter((r) => this.theta.has(r.id)).length >= thetaCap) throw new TenantAtCapacity(thetaCap, 'theta jobs');
    }
    const id = randomUUID();
    if (meta.theta) this.theta.add(id);
    this.methods.set(id, { method: meta.method, solver: meta.solver });
    if (idempotencyKey) this.idempotency.set(idempotencyKey, { id, hash: opts.bodyHash });
    const record: JobRecord = { id, tenant: meta.tenant, status: 'queued', model: meta.model, progress: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, error: null, summary: null, webhook: publicWebhook(meta.webhook) };
    this.webhooks.register(id, meta.webhook);
    this.records.set(id, record);
    this.inputs.set(id, pkg);
    this.pending.push(id);
    this.next();
    return { record: this.records.get(id)!, created: true };
  }

  async get(id: string): Promise<JobRecord | null> {
    const record = this.records.get(id);
    return record ? this.webhooks.withDeliveries(record) : null;
  }

  async result(id: string): Promise<Buffer | null> {
    return this.records.get(id)?.status === 'succeeded' ? this.results.get(id) : null;
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const record = this.records.get(id);
    if (!record) return null;
    if (record.status === 'queued') {
      this.pending.splice(this.pending.indexOf(id), 1);
      this.finish(id, 'canceled', { error: { code: 'CANCELED', message: 'canceled before it ran' } });
    } else if (record.status === 'running') {
      this.thread.postMessage({ type: 'cancel', id });
    }
    return this.records.get(id)!;
  }


  async readiness(): Promise<Readiness> {
    return { queue: true, workers: 1 };
  }

  async counts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = { waiting: 0, active: 0, completed: 0, failed: 0 };
    for (const r of this.records.values()) {
      const key = { queued: 'waiting', running: 'active', succeeded: 'completed', failed: 'failed', canceled: 'failed' }[r.status];
      counts[key]++;
    }
    return counts;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.webhooks.close();
    await this.thread.terminate();
  }
}
