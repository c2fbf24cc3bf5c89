/**
 * What a worker does with one job, wherever it runs (a BullMQ sandbox or the embedded
 * worker thread): unpack the input package, run the job, pack the result.
 */
import { CodedError } from '../errors.js';
import { runJob, type RunContext } from '../job/run.js';
import { resultToSafetensors } from '../job/result.js';
import { unpackJob } from '../queue/package.js';
import type { JobFailure, JobSummary } from '../queue/contract.js';
import type { Hooks } from '../core/hooks.js';

export async function processPackage(input: Uint8Array, ctx: RunContext, hooks: Hooks): Promise<{ result: Buffer; summary: JobSummary }> {
  const job = unpackJob(input, 'input', ctx.config.limits.maxTensorElements);
  const out = await runJob(job, ctx, { hooks });
  return { result: resultToSafetensors(out), summary: { loss: out.loss, stats: out.stats, diagnostics: out.diagnostics } };
}

/** Input errors, cancellation and numerical failures end a job; anything else may be retried. */
export function isFinal(err: unknown): boolean {
  return err instanceof CodedError && (err.status < 500 || err.code === 'CANCELED' || err.code === 'NUMERICAL_BLOWUP');
}

export function failureOf(err: unknown): JobFailure {
  if (err instanceof CodedError) {
    const { step, phase } = (err.details ?? {}) as { step?: number; phase?: string };
    return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(step !== undefined ? { step } : {}), ...(phase ? { phase } : {}) };
  }
  // Not a coded error: its message may hold internals, so clients get a generic one.
  return { code: 'INTERNAL', message: 'the worker failed on this job' };
}
