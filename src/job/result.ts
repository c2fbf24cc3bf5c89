/**
 * The result of a job: computed as named host tensors (JobOutput), sent as JSON
 * (JobResult, tensors base64 or arrays) or as a safetensors file whose tensor names are
 * x0, grad.x_T, grad.z, grad.theta/<weight name>, grad.guidance_scale, grad.uncond and whose
 * metadata holds loss, stats and diagnostics as JSON strings.
 */
import { encodeTensor, type HostTensor, type TensorEncoding, type WireTensor } from '../core/tensors/codec.js';
import type { FdProbe } from '../core/gradients/diagnostics.js';
import { decodeSafetensors, encodeSafetensors } from '../core/tensors/safetensors.js';

export interface JobResult {
  loss: number;
  x0: WireTensor;
  grad: {
    x_T?: WireTensor;
    /** [n, B, ...cond_shape] */
    z?: WireTensor;
    /** By the weight's name in model.json. */
    theta?: Record<string, WireTensor>;
    /** [n] */
    guidance_scale?: WireTensor;
    /** [n, B, ...cond_shape] */
    uncond?: WireTensor;
  };
  diagnostics: {
    fd_probe?: FdProbe;
    /** Relative L2 difference of each gradient to the exact discrete gradient. */
    vs_discrete?: Record<string, number>;
    /** adjoint_backsolve: relative L2 error of x_T rebuilt by the backward solve. */
    reconstruction_error?: number;
  };
  stats: {
    model: string;
    method: string;
    solver: string;
    /** n: z pieces. */
    steps: number;
    /** Solver steps in all (n × substeps). */
    solver_steps: number;
    /** discrete only: "unrolled" (one pass over the whole tape) or "checkpointed" (per-step recompute + VJP). */
    gradient_mode?: 'unrolled' | 'checkpointed';
    /** Evaluations of eps in the forward solve, and in the backward pass (each with its VJP). */
    nfe_forward: number;
    nfe_backward: number;
    /** Evaluations of eps by the diagnostics asked for (finite-difference probe, discrete comparison). */
    nfe_diagnostics: number;
    seconds: number;
    backend: string;
  };
}

export interface JobOutput {
  loss: number;
  tensors: Record<string, HostTensor>;
  diagnostics: JobResult['diagnostics'];
  stats: JobResult['stats'];
}

const GRAD_KEYS = ['x_T', 'z', 'guidance_scale', 'uncond'] as const;

export function toJsonResult(out: JobOutput, encoding: TensorEncoding): JobResult {
  const wire = (t: HostTensor) => encodeTensor(t, encoding);
  const grad: JobResult['grad'] = {};
  for (const key of GRAD_KEYS) {
    const t = out.tensors[`grad.${key}`];
    if (t) grad[key] = wire(t);
  }
  const theta = Object.entries(out.tensors).filter(([name]) => name.startsWith('grad.theta/'));
  if (theta.length > 0) grad.theta = Object.fromEntries(theta.map(([name, t]) => [name.slice('grad.theta/'.length), wire(t)]));
  return { loss: out.loss, x0: wire(out.tensors.x0), grad, diagnostics: out.diagnostics, stats: out.stats };
}

/** The result as a safetensors file (see the module comment). */
export function resultToSafetensors(out: JobOutput): Buffer {
  return encodeSafetensors(out.tensors, {
    loss: JSON.stringify(out.loss),
    stats: JSON.stringify(out.stats),
    diagnostics: JSON.stringify(out.diagnostics),
  });
}

export function resultFromSafetensors(buf: Uint8Array): JobOutput {
  const { tensors, metadata } = decodeSafetensors(buf, 'result');
  return { loss: JSON.parse(metadata.loss), tensors, stats: JSON.parse(metadata.stats), diagnostics: JSON.parse(metadata.diagnostics) };
}
