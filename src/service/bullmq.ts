/** The job service on BullMQ and Redis. */
import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Progress } from '../core/hooks.js';
import { RedisBlobStore } from '../queue/blobs.js';
import { reportOutages } from '../queue/outages.js';
import { CANCEL_CHANNEL, KEY_PREFIX, QUEUE_NAME, keys } from '../queue/names.js';
import type { JobRecord, QueuedJobData, QueuedJobReturn } from '../queue/contract.js';
import { recordOf } from '../queue/record.js';
import { WebhookOutbox } from '../webhooks/outbox.js';
import { RedisActiveJobs, type ActiveKind } from './active-jobs.js';
import { EventedJobService, IdempotencyConflict, TenantAtCapacity, type JobEvent, type JobService, type Readiness, type SubmitMeta, type SubmitOptions } from './jobs.js';

const WORKER_FRESH_MS = 15_000;
const CLOSE_WAIT_MS = 3000;
const canceledKey = (id: string) => `${KEY_PREFIX}:canceled:${id}`;

export class BullmqJobService extends EventedJobService implements JobService {
  readonly mode = 'bullmq' as const;
  readonly redis: Redis;
  /** The BullMQ queue itself, for the dashboard. */
  readonly queue: Queue<QueuedJobData, QueuedJobReturn>;
  private readonly queueConnection: Redis;
  private readonly active: RedisActiveJobs;
  private readonly events: QueueEvents;
  private readonly blobs: RedisBlobStore;
  /** Webhook deliveries of jobs canceled here, and every job's delivery log. */
  private readonly webhooks: WebhookOutbox;
  /** BullMQ does not close connections it is given: these are ours to close. */
  private readonly connections: Redis[];

  constructor(
    private readonly config: Readonly<Config>,
    onOutage: (message: string) => void = (message) => console.warn(message),
  ) {
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
    for (const [i, connection] of this.connections.entries()) reportOutages(connection, ['api', 'queue', 'queue events'][i], onOutage);
    this.queue = new Queue(QUEUE_NAME, { connection: queueConnection });
    this.events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
    this.webhooks = new WebhookOutbox(queueConnection, config);
    // BullMQ re-emits its connections' errors; they are reported above.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
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
    return [this.queue, this.webhooks.queue as unknown as Queue];
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
      if (!canceled) return null;
      const record = JSON.parse(canceled) as JobRecord;
      // Its 'canceled' delivery was queued after this snapshot: read the attempts now.
      return record.webhook ? { ...record, webhook: { ...record.webhook, deliveries: await this.webhooks.deliveries(id) } } : record;
    }
    return recordOf(job, state, job.data.webhook ? await this.webhooks.deliveries(id) : []);
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
        // It never reached a worker, which would have sent it: the webhook hears of it from here.
        // The cancellation stands even if this fails; the record then shows no delivery.
        await this.webhooks.notify(job.data.webhook, 'canceled', record).catch(() => undefined);
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
    // BullMQ's close waits for its connection: bounded, so a service whose Redis is gone still stops.
    const closing = (async () => {
      await this.webhooks.close();
      await this.events.close();
      await this.queue.close();
    })().catch(() => undefined);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    for (const c of this.connections) c.disconnect();
  }
}
