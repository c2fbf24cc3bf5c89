/** Progress reporting and cancellation between solver steps. */
import { CodedError } from '../errors.js';

export type Phase = 'forward' | 'backward';

export interface Progress {
  phase: Phase;
  /** Steps done in this phase. */
  step: number;
  steps: number;
}

export interface Hooks {
  onProgress?: (p: Progress) => void;
  /** Checked between steps; an aborted job ends with code CANCELED. */
  signal?: AbortSignal;
}

/** Throws CANCELED when the signal fired; otherwise reports progress. */
export function report(hooks: Hooks | undefined, phase: Phase, step: number, steps: number): void {
  if (hooks?.signal?.aborted) throw new CodedError('CANCELED', `canceled during the ${phase} pass at step ${step} of ${steps}`);
  hooks?.onProgress?.({ phase, step, steps });
}

/** Lets the event loop run (abort messages, lock renewals) between steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
