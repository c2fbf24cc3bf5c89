/**
 * The contract between the API and the workers. A job's tensors travel as a blob (a
 * safetensors file, with the rest of the job in its metadata) under a key with a TTL;
 * BullMQ's job data holds only the key and a few facts.
 */
import type { Progress } from '../core/hooks.js';
import type { QueuedWebhook, WebhookSubscription } from '../webhooks/spec.js';
import type { DeliveryRecord } from '../webhooks/deliveries.js';

/** The tenant of every job when the service runs without API keys. */
export const OPEN_TENANT = 'public';

export interface QueuedJobData {
  inputKey: string;
  tenant: string;
  model: string;
  method: string;
  solver: string;
  steps: number;
  submittedAt: number;
  /** With the secret that signs its deliveries (never shown in the record). */
  webhook?: QueuedWebhook;
}

export interface JobSummary {
  loss: number;
  stats: Record<string, unknown>;
  diagnostics: Record<string, unknown>;
}

export interface QueuedJobReturn {
  resultKey: string;
  summary: JobSummary;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export interface JobFailure {
  code: string;
  message: string;
  field?: string;
  step?: number;
  phase?: string;
}

/** What a client sees of a job. */
export interface JobRecord {
  id: string;
  /** The tenant that submitted it (the only one that can see it). */
  tenant: string;
  status: JobStatus;
  model: string;
  progress: Progress | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: JobFailure | null;
  summary: JobSummary | null;
  /** The job's webhook and each delivery attempt so far (never its secret). */
  webhook: (WebhookSubscription & { deliveries: DeliveryRecord[] }) | null;
}

/** Where a job's record, result, events and cancellation are: the same in the API and in webhook payloads. */
export function jobLinks(id: string) {
  const self = `/v1/jobs/${id}`;
  return { self, result: `${self}/result`, events: `${self}/events`, cancel: `${self}/cancel` };
}

/** Failures travel through BullMQ as a message; this prefix carries the machine-readable part. */
export const FAILURE_PREFIX = 'diffgrad-failure:';

export function encodeFailure(f: JobFailure): string {
  return FAILURE_PREFIX + JSON.stringify(f);
}

export function decodeFailure(reason: string | undefined): JobFailure {
  if (reason?.startsWith(FAILURE_PREFIX)) {
    try {
      return JSON.parse(reason.slice(FAILURE_PREFIX.length)) as JobFailure;
    } catch {
      // fall through: not ours after all
    }
  }
  return { code: 'INTERNAL', message: reason || 'the job failed' };
}
