/** The job service on BullMQ and Redis. */
import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Progress } from '../core/hooks.js';
import { RedisBlobStore } from '../queue/blobs.js';
import { CANCEL_CHANNEL, KEY_PREFIX, QUEUE_NAME, keys } from '../queue/names.js';
import { OPEN_TENANT, decodeFailure, type JobRecord, type JobStatus, type QueuedJobData, type QueuedJobReturn } from '../queue/contract.js';
import { RedisActiveJobs, type ActiveKind } from './active-jobs.js';
import { EventedJobService, IdempotencyConflict, TenantAtCapacity, type JobEvent, type JobService, type Readiness, type SubmitMeta, type SubmitOptions } from './jobs.js';

const WORKER_FRESH_MS = 15_000;
const canceledKey = (id: string) => `${KEY_PREFIX}:canceled:${id}`;
const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

function statusOf(state: string, failureCode: string | null): JobStatus {
  if (state === 'active') return 'running';
  if (state === 'completed') return 'succeeded';
  if (state === 'failed') return failureCode === 'CANCELED' ? 'canceled' : 'failed';
  return 'queued';
}

export class BullmqJobService extends EventedJobService implements JobService {
  readonly mode = 'bullmq' as const;
  readonly redis: Redis;
  /** The BullMQ queue itself, for the dashboard. */
  readonly queue: Queue<QueuedJobData, QueuedJobReturn>;
  private readonly queueConnection: Redis;
  private readonly active: RedisActiveJobs;
  private readonly events: QueueEvents;
  private readonly blobs: RedisBlobStore;
  /** BullMQ does not close connections it is given: these are ours to close. */
  private readonly connections: Redis[];

  constructor(private readonly config: Readonly<Config>) {
    super();
    const url = config.redisUrl!;
    // The API's own commands fail fast while Redis is away (no offline queue): a request is
    // answered 503 at once instead of hanging, and nothing is queued behind the client's back.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.blobs = new RedisBlobStore(this.redis);
    this.active = new RedisActiveJobs(this.redis, async (ids) => {
      const states = await Promise.all(ids.map((id) => this.queue.getJobState(id)));
      return states.map((s) => !['completed', 'failed', 'unknown'].includes(s));
    });
    const queueConnection = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.queueConnection = queueConnection;
    const eventsConnection = new Redis(url, { maxRetriesPerRequest: null });
    this.connections = [this.redis, queueConnection, eventsConnection];
    this.queue = new Queue(QUEUE_NAME, { connection: queueConnection });
    this.events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
    this.events.on('progress', ({ jobId, data }) => this.emit(jobId, { type: 'progress', progress: data as unknown as Progress }));
    for (const event of ['completed', 'failed', 'removed'] as const) {
      // Read the job only for someone who listens (a waiting request, an event stream).
      this.events.on(event, ({ jobId }: { jobId: string }) => {
        if (this.bus.listenerCount(jobId) > 0) void this.get(jobId).then((record) => record && this.emit(jobId, { type: 'final', record }));
      });
    }
  }

  available(): boolean {
    return this.redis.status === 'ready' && this.queueConnection.status === 'ready';
  }

  dashboardQueues(): Queue[] {
    return [this.queue];
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  async submit(pkg: Buffer, meta: SubmitMeta, opts: SubmitOptions): Promise<{ record: JobRecord; created: boolean }> {
    const id = randomUUID();
    const ttl = this.config.blobTtlSeconds;
    // Idempotency keys are the tenant's own: two tenants may well pick the same one.
    const idempotencyKey = opts.idempotencyKey ? keys.idempotency(`${meta.tenant}:${opts.idempotencyKey}`) : null;
    if (idempotencyKey) {
      const claim = JSON.stringify({ id, hash: opts.bodyHash });
      const ok = await this.redis.set(idempotencyKey, claim, 'EX', ttl, 'NX');
      if (!ok) {
        const held = JSON.parse((await this.redis.get(idempotencyKey)) ?? '{}') as { id?: string; hash?: string };
        if (held.hash !== opts.bodyHash) throw new IdempotencyConflict(held.id ?? '');
        const record = held.id ? await this.waitForRecord(held.id) : null;
        if (record) return { record, created: false };
      }
    }
    const claimed: ActiveKind[] = [];
    try {
      if (opts.caps) {
        if (!(await this.active.claim(meta.tenant, 'all', id, opts.caps.maxActiveJobs))) throw new TenantAtCapacity(opts.caps.maxActiveJobs, 'jobs');
        claimed.push('all');
        const thetaCap = opts.caps.maxActiveThetaJobs;
        if (meta.theta && thetaCap !== undefined) {
          if (!(await this.active.claim(meta.tenant, 'theta', id, thetaCap))) throw new TenantAtCapacity(thetaCap, 'theta jobs');
          claimed.push('theta');
        }
      }
      await this.blobs.put(keys.input(id), pkg, ttl);
      await this.queue.add('gradient', { inputKey: keys.input(id), ...meta, submittedAt: Date.now() }, {
        jobId: id,
        attempts: this.config.worker.attempts,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: ttl },
        removeOnFail: { age: ttl },
      });
    } catch (err) {
      // Nothing was queued: free the claims, and the key for a retry of the same request.
      await Promise.all(claimed.map((kind) => this.active.release(meta.tenant, kind, id))).catch(() => undefined);
      if (idempotencyKey) await this.redis.del(idempotencyKey).catch(() => undefined);
      throw err;
    }
    return { record: (await this.get(id))!, created: true };
  }

  /** The job an idempotency key names may still be on its way into the queue. */
  private async waitForRecord(id: string): Promise<JobRecord | null> {
    for (let i = 0; i < 50; i++) {
      const r = await this.get(id);
      if (r) return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  }

  async get(id: string): Promise<JobRecord | null> {
    // State first, then the data: a job that completes in between is read with its return value.
    const state = await this.queue.getJobState(id);
    const job = state === 'unknown' ? undefined : await Job.fromId<QueuedJobData, QueuedJobReturn>(this.queue, id);
    if (!job) {
      const canceled = await this.redis.get(canceledKey(id));
      return canceled ? (JSON.parse(canceled) as JobRecord) : null;
    }
    const failure = state === 'failed' ? decodeFailure(job.failedReason) : null;
    const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as Progress) : null;
    return {
      id,
      tenant: job.data.tenant ?? OPEN_TENANT,
      status: statusOf(state, failure?.code ?? null),
      model: job.data.model,
      progress,
      createdAt: iso(job.timestamp)!,
      startedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
      error: failure,
      summary: state === 'completed' ? job.returnvalue?.summary ?? null : null,
    };
  }

  async result(id: string): Promise<Buffer | null> {
    const job = await Job.fromId<QueuedJobData, QueuedJobReturn>(this.queue, id);
    if (!job?.returnvalue?.resultKey) return null;
    return this.blobs.get(job.returnvalue.resultKey);
  }

  async cancel(id: string): Promise<JobRecord | null> {
    const job = await Job.fromId<QueuedJobData, QueuedJobReturn>(this.queue, id);
    if (!job) return this.get(id);
    const state = await job.getState();
    if (['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
      const before = await this.get(id);
      try {
        await job.remove();
        const record: JobRecord = { ...before!, status: 'canceled', finishedAt: new Date().toISOString(), error: { code: 'CANCELED', message: 'canceled before it ran' } };
        await this.redis.set(canceledKey(id), JSON.stringify(record), 'EX', this.config.blobTtlSeconds);
        await this.blobs.delete(job.data.inputKey);
        this.emit(id, { type: 'final', record });
        return record;
      } catch {
        // It became active meanwhile (locked): stop it where it runs.
      }
    }
    if ((await job.getState()) === 'active') await this.redis.publish(CANCEL_CHANNEL, id);
    return this.get(id);
  }


  async readiness(): Promise<Readiness> {
    try {
      await this.redis.ping();
      const workers = await this.redis.zcount(keys.workers, Date.now() - WORKER_FRESH_MS, '+inf');
      return { queue: true, workers };
    } catch {
      return { queue: false, workers: 0 };
    }
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}
