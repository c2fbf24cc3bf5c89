/** Placeholder until the wasm gradient kernels land: registers nothing yet. */
export function registerWasmGradientKernels(): void {}
