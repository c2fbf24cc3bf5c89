/**
 * Registers, for the wasm backend, the kernels that gradients need and that
 * tfjs-backend-wasm does not ship. Safe to call repeatedly; a kernel the
 * backend already has (a later tfjs release, or an earlier call) is left alone.
 */
import { tf } from '../tf.js';
import { conv2DBackpropFilterConfig } from './wasm-kernels/conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './wasm-kernels/depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './wasm-kernels/depthwise-backprop-input.js';
import { unsortedSegmentSumConfig } from './wasm-kernels/unsorted-segment-sum.js';

const KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  unsortedSegmentSumConfig,
];

/** Names of the kernels this module provides, for diagnostics and tests. */
export const WASM_GRADIENT_KERNELS: readonly string[] = KERNELS.map((k) => k.kernelName);

export function registerWasmGradientKernels(): void {
  for (const config of KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
}
