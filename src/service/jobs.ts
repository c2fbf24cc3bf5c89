/**
 * What the API needs of the job system, whichever runs it: BullMQ on Redis (production,
 * many workers on many machines) or the embedded in-process queue (a first try, no Redis).
 * Both keep the same semantics: states, progress, cancellation, idempotency, results.
 */
import { EventEmitter } from 'node:events';
import type { Progress } from '../core/hooks.js';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { JobRecord } from '../queue/contract.js';
import type { QueuedWebhook } from '../webhooks/spec.js';

export interface SubmitMeta {
  /** Whose job this is: only this tenant can see it. */
  tenant: string;
  /** Whether the job asks for dL/dtheta. */
  theta: boolean;
  model: string;
  method: string;
  solver: string;
  steps: number;
  /** Checked and with its secret resolved (src/webhooks/prepare.ts). */
  webhook?: QueuedWebhook;
}

export interface SubmitOptions {
  idempotencyKey?: string;
  /** Hash of the request body: the same key with another body is refused. */
  bodyHash: string;
  /** The tenant's caps on jobs queued or running at once (all, and those asking for theta). */
  caps?: { maxActiveJobs: number; maxActiveThetaJobs?: number };
}

export type JobEvent = { type: 'progress'; progress: Progress } | { type: 'final'; record: JobRecord };

export interface Readiness {
  queue: boolean;
  workers: number;
}

export interface JobService {
  readonly mode: 'bullmq' | 'embedded';
  /** The Redis connection the API may share (rate limits), or null in embedded mode. */
  readonly redis: Redis | null;
  /** False while the queue cannot be reached: the API then answers 503 at once. */
  available(): boolean;
  /** The BullMQ queues an operator may inspect on the dashboard (none in embedded mode). */
  dashboardQueues(): Queue[];
  /** Queues a packed job; with an idempotency key already used for the same body, returns that job. */
  submit(pkg: Buffer, meta: SubmitMeta, opts: SubmitOptions): Promise<{ record: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | null>;
  /** The result package (safetensors) of a succeeded job. */
  result(id: string): Promise<Buffer | null>;
  /** Removes a queued job, or asks the worker to stop a running one at its next step. */
  cancel(id: string): Promise<JobRecord | null>;
  /** Calls back on progress and once on the final state; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void;
  /** Resolves with the record once final, or the current one after `ms`. */
  waitFor(id: string, ms: number): Promise<JobRecord | null>;
  readiness(): Promise<Readiness>;
  /** Jobs by state, for metrics. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export class IdempotencyConflict extends Error {
  constructor(readonly jobId: string) {
    super('this Idempotency-Key was used with another request body');
  }
}

/** A tenant already has as many jobs queued or running as it may. */
export class TenantAtCapacity extends Error {
  constructor(readonly limit: number, readonly kind: 'jobs' | 'theta jobs') {
    super(`this tenant already has ${limit} ${kind} queued or running; retry when one has finished`);
  }
}

export function isFinalRecord(r: JobRecord | null): boolean {
  return r !== null && (r.status === 'succeeded' || r.status === 'failed' || r.status === 'canceled');
}

/** Shared by both services: wait for a final event, or give up after ms. */
export async function waitForFinal(service: Pick<JobService, 'get' | 'subscribe'>, id: string, ms: number): Promise<JobRecord | null> {
  const now = await service.get(id);
  if (now === null || isFinalRecord(now) || ms <= 0) return now;
  return new Promise((resolve) => {
    let done = false;
    const finish = async () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(await service.get(id));
    };
    const unsubscribe = service.subscribe(id, (e) => e.type === 'final' && void finish());
    const timer = setTimeout(() => void finish(), ms);
    // The job may have ended between the first read and the subscription.
    void service.get(id).then((r) => isFinalRecord(r) && void finish());
  });
}

/** What both services share: per-job events, and waiting on them. */
export abstract class EventedJobService {
  protected readonly bus = new EventEmitter().setMaxListeners(0);

  abstract get(id: string): Promise<JobRecord | null>;

  protected emit(id: string, event: JobEvent): void {
    this.bus.emit(id, event);
  }

  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    this.bus.on(id, listener);
    return () => this.bus.off(id, listener);
  }

  waitFor(id: string, ms: number): Promise<JobRecord | null> {
    return waitForFinal(this, id, ms);
  }
}
