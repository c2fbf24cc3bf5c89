/**
 * UnsortedSegmentSum for the wasm backend (the gradient of gather), as a JS
 * loop over the backend's heap.
 *
 *   out[s, ...] = sum over positions i with segmentIds[i] == s of x[i, ...]
 *
 * Ids outside [0, numSegments) are dropped, as TensorFlow does. segmentIds may
 * cover several leading dimensions of x; the cpu kernel only handles rank 1.
 */
import { tf } from '../../tf.js';
import type { TensorInfo, WasmBackend } from './common.js';

const NAME = 'UnsortedSegmentSum';

function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const segmentIds = args.inputs.segmentIds!;
  const numSegments = (args.attrs as unknown as { numSegments: number }).numSegments;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${NAME} on wasm: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const idsRank = segmentIds.shape.length;
  if (!tf.util.arraysEqual(x.shape.slice(0, idsRank), segmentIds.shape)) {
    throw new Error(`${NAME} on wasm: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`${NAME} on wasm: x must be float32 or int32, got ${x.dtype}`);
  }
  const innerShape = x.shape.slice(idsRank);
  const inner = tf.util.sizeFromShape(innerShape);
  const count = tf.util.sizeFromShape(segmentIds.shape);
  // float64 sums: exact for int32 inputs and no worse than the cpu kernel for float32.
  const acc = new Float64Array(numSegments * inner);

  // Views are taken after makeOutput: allocating may grow the heap and detach earlier ones.
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  if (count > 0 && inner > 0) {
    const xV = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    for (let i = 0; i < count; i++) {
      const id = Math.trunc(ids[i]!);
      if (!(id >= 0 && id < numSegments)) continue;
      const src = i * inner;
      const dst = id * inner;
      for (let j = 0; j < inner; j++) acc[dst + j] += xV[src + j]!;
    }
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
