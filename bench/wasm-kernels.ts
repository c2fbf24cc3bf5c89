/**
 * Conv2DBackpropFilter on wasm (XNNPACK through the swapped-roles Conv2D in
 * src/core/backends/wasm-kernels) against the cpu backend's kernel, for
 * x [4, 32, 32, 64] and filter [3, 3, 64, 64], 'same' padding. The wasm
 * forward conv2d of the same layer is printed as a yardstick. Prints a table.
 *
 * The cpu kernel takes seconds per call here, so it runs CPU_REPS times (default 1).
 */
import { tf } from '../src/core/tf.js';
import { selectBackend, type BackendName } from '../src/core/backends/select.js';

const X_SHAPE = [4, 32, 32, 64] as const;
const FILTER_SHAPE: [number, number, number, number] = [3, 3, 64, 64];
const WASM_REPS = 20;
const CPU_REPS = Number(process.env.CPU_REPS ?? 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms per call of `op` (outputs read back, so lazily scheduled work is counted). */
function time(op: () => tf.Tensor, reps: number, warmup: number): { ms: number; values: Float32Array } {
  for (let i = 0; i < warmup; i++) tf.tidy(op).dispose();
  const samples: number[] = [];
  let values: Float32Array = new Float32Array(0);
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = tf.tidy(op);
    values = out.dataSync() as Float32Array;
    samples.push(performance.now() - t0);
    out.dispose();
  }
  return { ms: median(samples), values };
}

async function measure(backend: BackendName, strides: number, reps: number, warmup: number) {
  await selectBackend(backend);
  // Same seeds on both backends: tfjs's seeded sampler runs in JS.
  const x = tf.randomNormal([...X_SHAPE], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dyShape = tf.backend_util.computeConv2DInfo([...X_SHAPE], FILTER_SHAPE, strides, 1, 'same').outShape;
  const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 2);
  const filter = tf.randomNormal(FILTER_SHAPE, 0, 1, 'float32', 3) as tf.Tensor4D;
  const attrs = { strides, pad: 'same', dataFormat: 'NHWC', filterShape: FILTER_SHAPE };
  const backprop = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor, reps, warmup);
  const forward = backend === 'wasm' ? time(() => tf.conv2d(x, filter, strides, 'same'), reps, warmup).ms : NaN;
  tf.dispose([x, dy, filter]);
  return { ...backprop, forward };
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

console.log(`Conv2DBackpropFilter, x [${X_SHAPE}], filter [${FILTER_SHAPE}], pad 'same' (median ms per call)`);
console.log('| stride | wasm ms | cpu ms | speed-up | max rel err vs cpu | wasm forward conv2d ms |');
console.log('|---|---|---|---|---|---|');
for (const strides of [1, 2]) {
  const wasm = await measure('wasm', strides, WASM_REPS, 3);
  const cpu = await measure('cpu', strides, CPU_REPS, 0);
  console.log(
    `| ${strides} | ${wasm.ms.toFixed(2)} | ${cpu.ms.toFixed(0)} | ${(cpu.ms / wasm.ms).toFixed(0)}x | ` +
      `${maxRelErr(wasm.values, cpu.values).toExponential(1)} | ${wasm.forward.toFixed(2)} |`,
  );
}
