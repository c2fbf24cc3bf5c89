/**
 * Registers, for the wasm backend, the kernels that gradients need and that
 * tfjs-backend-wasm does not ship. Safe to call repeatedly; a kernel the
 * backend already has (a later tfjs release, or an earlier call) is left alone.
 */
import { tf } from '../tf.js';
import { conv2DBackpropFilterConfig } from './wasm-kernels/conv2d-backprop-filter.js';

const KERNELS: readonly tf.KernelConfig[] = [conv2DBackpropFilterConfig];

export function registerWasmGradientKernels(): void {
  for (const config of KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
}
