/**
 * Chooses and initialises a TensorFlow.js backend.
 *
 * - `tensorflow`: libtensorflow through @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node,
 *   when one of them is installed (the GPU image installs it; it is optional elsewhere).
 * - `wasm`: XNNPACK kernels, with the gradient kernels it lacks registered by `./wasm-kernels`.
 * - `cpu`: plain JavaScript kernels; complete but slow.
 * `auto` picks the fastest one that initialises.
 */
import { tf } from '../tf.js';
import { CodedError } from '../../errors.js';
import { registerWasmGradientKernels } from './wasm-kernels.js';

import { BACKENDS, type BackendChoice, type BackendName } from './names.js';

export { BACKENDS, type BackendChoice, type BackendName } from './names.js';

async function loadTensorflowBindings(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return true;
    } catch {
      // not installed here: try the next one
    }
  }
  return false;
}

async function initWasm(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  // The emscripten glue installs process-wide handlers that rethrow every uncaught
  // error together with its own minified source; the service handles its errors itself.
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (event: string) => process.listeners(event as 'uncaughtException') as unknown[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  const ok = await tf.setBackend('wasm');
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  if (ok) registerWasmGradientKernels();
  return ok;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      if (!(await loadTensorflowBindings())) return false;
      return await tf.setBackend('tensorflow');
    }
    if (name === 'wasm') return await initWasm();
    const ok = await tf.setBackend('cpu');
    // The cpu backend greets Node users with advice to install tfjs-node; we chose it on purpose.
    if (ok) (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    return ok;
  } catch {
    return false;
  }
}

/** Initialises `choice` (or the fastest available for `auto`) and returns the backend's name. */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  const candidates: readonly BackendName[] = choice === 'auto' ? BACKENDS : [choice];
  for (const name of candidates) {
    if (tf.getBackend() === name) return name;
    if (await tryBackend(name)) {
      await tf.ready();
      return name;
    }
  }
  throw new CodedError(
    'BACKEND_UNAVAILABLE',
    choice === 'auto'
      ? 'no TensorFlow.js backend could be initialised'
      : `backend "${choice}" is not available here (install @tensorflow/tfjs-node-gpu for "tensorflow")`,
  );
}
