/**
 * Each delivery attempt, recorded on its job so a client can see what reached its receiver
 * and what did not. Redis holds them for the queue (a capped list per job, expiring with the
 * job's blobs); a Map holds them in embedded mode.
 */
import type { Redis } from 'ioredis';
import { keys } from '../queue/names.js';
import type { WebhookEvent } from './spec.js';

/**
 * delivered: the receiver answered 2xx. retrying: this attempt failed, another will follow.
 * failed: the last attempt failed, or the receiver answered 410 Gone (unsubscribed).
 * refused: the target resolved to an address webhooks may not reach.
 */
export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed', 'refused'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryRecord {
  event: WebhookEvent;
  /** The webhook-id header: the same on every attempt of one delivery. */
  delivery_id: string;
  /** 1 for the first try. */
  attempt: number;
  outcome: DeliveryOutcome;
  http_status?: number;
  error?: string;
  /** When the attempt started (ISO). */
  at: string;
  duration_ms: number;
}

/** A chatty receiver (progress, many retries) must not grow a job's record without bound. */
export const MAX_RECORDED_ATTEMPTS = 100;

export interface DeliveryLog {
  append(jobId: string, entry: DeliveryRecord): Promise<void>;
  /** Oldest first; the most recent MAX_RECORDED_ATTEMPTS. */
  list(jobId: string): Promise<DeliveryRecord[]>;
}

export class RedisDeliveryLog implements DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  async append(jobId: string, entry: DeliveryRecord): Promise<void> {
    const key = keys.webhookDeliveries(jobId);
    await this.redis.multi().rpush(key, JSON.stringify(entry)).ltrim(key, -MAX_RECORDED_ATTEMPTS, -1).expire(key, this.ttlSeconds).exec();
  }

  async list(jobId: string): Promise<DeliveryRecord[]> {
    return (await this.redis.lrange(keys.webhookDeliveries(jobId), 0, -1)).map((line) => JSON.parse(line) as DeliveryRecord);
  }
}

export class MemoryDeliveryLog implements DeliveryLog {
  private readonly entries = new Map<string, DeliveryRecord[]>();

  async append(jobId: string, entry: DeliveryRecord): Promise<void> {
    const list = this.entries.get(jobId) ?? [];
    list.push(entry);
    if (list.length > MAX_RECORDED_ATTEMPTS) list.splice(0, list.length - MAX_RECORDED_ATTEMPTS);
    this.entries.set(jobId, list);
  }

  async list(jobId: string): Promise<DeliveryRecord[]> {
    return [...(this.entries.get(jobId) ?? [])];
  }
}
