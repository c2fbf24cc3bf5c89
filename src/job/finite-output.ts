/**
 * A job succeeds only with numbers: a loss or a gradient that overflowed to NaN or Inf
 * fails the job with NUMERICAL_BLOWUP, like a forward pass that does. Without this check a
 * gradient method other than the one-pass discrete one (which checks its loss itself)
 * "succeeds" with loss Infinity: its record cannot be served as JSON (a 500 on GET
 * /v1/jobs/:id) and its result file is refused when read back.
 */
import { CodedError } from '../errors.js';
import { firstNonFinite } from '../core/tensors/base64.js';
import type { HostTensor } from '../core/tensors/codec.js';

export function assertFiniteLoss(loss: number): void {
  if (!Number.isFinite(loss)) throw new CodedError('NUMERICAL_BLOWUP', `the loss is ${loss}`, { details: { phase: 'loss' } });
}

/** `tensors` by result name (x0, grad.x_T, grad.z, ...). */
export function assertFiniteTensors(tensors: Record<string, HostTensor>): void {
  for (const [name, t] of Object.entries(tensors)) {
    const i = firstNonFinite(t.values);
    if (i >= 0) {
      throw new CodedError('NUMERICAL_BLOWUP', `${name} holds ${t.values[i]} at flat index ${i}`, { details: { phase: name === 'x0' ? 'forward' : 'backward' } });
    }
  }
}
