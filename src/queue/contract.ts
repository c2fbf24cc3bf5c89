/**
 * The contract between the API and the workers. A job's tensors travel as a blob (a
 * safetensors file, with the rest of the job in its metadata) under a key with a TTL;
 * BullMQ's job data holds only the key and a few facts.
 */
import type { Progress } from '../core/hooks.js';

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
