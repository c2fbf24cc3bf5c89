/**
 * Registers, for the wasm backend, the kernels that gradients need and that
 * tfjs-backend-wasm does not ship, and replaces built-in kernels that are too
 * slow for the backward pass. Safe to call repeatedly. A missing kernel the
 * backend already has (a later tfjs release, or an earlier call) is left alone;
 * a replaced one is swapped once, and the built-in is kept for benchmarks.
 *
 * Call it after tfjs-backend-wasm has been imported: the package registers its
 * kernels on import and would otherwise overwrite the replacements.
 */
import { tf } from '../tf.js';
import { conv2DBackpropFilterConfig } from './wasm-kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './wasm-kernels/conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './wasm-kernels/depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './wasm-kernels/depthwise-backprop-input.js';
import { unsortedSegmentSumConfig } from './wasm-kernels/unsorted-segment-sum.js';

/** Kernels tfjs-backend-wasm lacks: registered only where none exists. */
const MISSING: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  unsortedSegmentSumConfig,
];

/**
 * Kernels tfjs-backend-wasm has but runs as scalar loops: registered in place
 * of the built-in. Conv2DBackpropInput on XNNPACK is ~10x faster and also
 * serves the forward op conv2dTranspose.
 */
const REPLACEMENTS: readonly tf.KernelConfig[] = [conv2DBackpropInputConfig];

/** Names of the kernels this module provides, for diagnostics and tests. */
export const WASM_GRADIENT_KERNELS: readonly string[] = [...MISSING, ...REPLACEMENTS].map((k) => k.kernelName);

/** Names of the built-in wasm kernels this module replaces. */
export const WASM_REPLACED_KERNELS: readonly string[] = REPLACEMENTS.map((k) => k.kernelName);

/** The built-in configs that were unregistered, by kernel name. */
const builtins = new Map<string, tf.KernelConfig>();

/**
 * The built-in wasm kernel that `name` replaced, if registration swapped one
 * out; for benchmarks and tests that compare against it.
 */
export function builtinWasmKernel(name: string): tf.KernelConfig | undefined {
  return builtins.get(name);
}

export function registerWasmGradientKernels(): void {
  for (const config of MISSING) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
  for (const config of REPLACEMENTS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    // Ours already: registering again would only log tfjs's "already registered" warning.
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) {
      builtins.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}
