/**
 * What a client sees of a BullMQ job: read by the API for GET /v1/jobs/:id, and built by a
 * worker from its own job object for the job's webhook payloads, so both show the same.
 */
import type { Job } from 'bullmq';
import type { Progress } from '../core/hooks.js';
import type { DeliveryRecord } from '../webhooks/deliveries.js';
import { publicWebhook } from '../webhooks/spec.js';
import { OPEN_TENANT, decodeFailure, type JobRecord, type JobStatus, type QueuedJobData, type QueuedJobReturn } from './contract.js';

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

/** The client's status of a job in this BullMQ state. */
export function statusOf(state: string, failureCode: string | null): JobStatus {
  if (state === 'active') return 'running';
  if (state === 'completed') return 'succeeded';
  if (state === 'failed') return failureCode === 'CANCELED' ? 'canceled' : 'failed';
  return 'queued';
}

/** The record of a job in `state`; `deliveries` are its webhook's attempts so far. */
export function recordOf(job: Job<QueuedJobData, QueuedJobReturn>, state: string, deliveries: DeliveryRecord[] = []): JobRecord {
  const failure = state === 'failed' ? decodeFailure(job.failedReason) : null;
  const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as Progress) : null;
  return {
    id: job.id!,
    tenant: job.data.tenant ?? OPEN_TENANT,
    status: statusOf(state, failure?.code ?? null),
    model: job.data.model,
    progress,
    createdAt: iso(job.timestamp)!,
    startedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    error: failure,
    summary: state === 'completed' ? job.returnvalue?.summary ?? null : null,
    webhook: publicWebhook(job.data.webhook, deliveries),
  };
}
