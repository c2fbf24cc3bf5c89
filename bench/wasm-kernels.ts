/**
 * The wasm gradient kernels (XNNPACK through the backend's own Conv2D, in
 * src/core/backends/wasm-kernels) against the cpu backend's kernels, for
 * x [4, 32, 32, 64] and filter [3, 3, 64, 64], 'same' padding. Prints a table:
 *
 * - Conv2DBackpropFilter: ours vs cpu (tfjs-backend-wasm has none).
 * - Conv2DBackpropInput: ours vs the built-in wasm kernel it replaces (called
 *   through its saved config) vs cpu.
 *
 * The wasm forward conv2d of the same layer is printed as a yardstick.
 * The cpu kernels take seconds per call here, so they run CPU_REPS times (default 1).
 */
import { tf } from '../src/core/tf.js';
import { selectBackend, type BackendName } from '../src/core/backends/select.js';
import { builtinWasmKernel } from '../src/core/backends/wasm-kernels.js';

const X_SHAPE: [number, number, number, number] = [4, 32, 32, 64];
const FILTER_SHAPE: [number, number, number, number] = [3, 3, 64, 64];
const WASM_REPS = 20;
const CPU_REPS = Number(process.env.CPU_REPS ?? 1);

type Kernel = 'Conv2DBackpropFilter' | 'Conv2DBackpropInput';

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

interface Measured {
  ms: number;
  values: Float32Array;
  /** the built-in wasm kernel's time, where one was replaced */
  builtin?: { ms: number; values: Float32Array };
  /** the wasm forward conv2d of the layer */
  forward: number;
}

async function measure(kernel: Kernel, backend: BackendName, strides: number, reps: number, warmup: number): Promise<Measured> {
  await selectBackend(backend);
  // Same seeds on both backends: tfjs's seeded sampler runs in JS.
  const x = tf.randomNormal(X_SHAPE, 0, 1, 'float32', 1) as tf.Tensor4D;
  const dyShape = tf.backend_util.computeConv2DInfo(X_SHAPE, FILTER_SHAPE, strides, 1, 'same').outShape;
  const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 2);
  const filter = tf.randomNormal(FILTER_SHAPE, 0, 1, 'float32', 3) as tf.Tensor4D;
  let result: Measured;
  if (kernel === 'Conv2DBackpropFilter') {
    const attrs = { strides, pad: 'same', dataFormat: 'NHWC', filterShape: FILTER_SHAPE };
    result = { ...time(() => tf.engine().runKernel(kernel, { x, dy }, attrs) as tf.Tensor, reps, warmup), forward: NaN };
  } else {
    const attrs = { strides, pad: 'same', dataFormat: 'NHWC', inputShape: X_SHAPE };
    result = { ...time(() => tf.engine().runKernel(kernel, { dy, filter }, attrs) as tf.Tensor, reps, warmup), forward: NaN };
    const builtin = backend === 'wasm' ? builtinWasmKernel(kernel) : undefined;
    if (builtin) {
      const run = () => tf.engine().makeTensorFromTensorInfo(builtin.kernelFunc({ inputs: { dy, filter }, backend: tf.backend(), attrs }) as tf.TensorInfo);
      result.builtin = time(run, Math.max(3, reps / 4), 1);
    }
  }
  if (backend === 'wasm') result.forward = time(() => tf.conv2d(x, filter, strides, 'same'), reps, warmup).ms;
  tf.dispose([x, dy, filter]);
  return result;
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

console.log(`x [${X_SHAPE}], filter [${FILTER_SHAPE}], pad 'same' (median ms per call; errors are max |a - cpu| / max |cpu|)`);
console.log('| kernel | stride | ours (wasm) ms | built-in wasm ms | cpu ms | ours vs built-in | ours vs cpu | ours rel err | built-in rel err | wasm forward conv2d ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const) {
  for (const strides of [1, 2]) {
    const wasm = await measure(kernel, 'wasm', strides, WASM_REPS, 3);
    const cpu = await measure(kernel, 'cpu', strides, CPU_REPS, 0);
    const b = wasm.builtin;
    console.log(
      `| ${kernel} | ${strides} | ${wasm.ms.toFixed(2)} | ${b ? b.ms.toFixed(2) : '—'} | ${cpu.ms.toFixed(0)} | ` +
        `${b ? `${(b.ms / wasm.ms).toFixed(1)}x` : '—'} | ${(cpu.ms / wasm.ms).toFixed(0)}x | ` +
        `${maxRelErr(wasm.values, cpu.values).toExponential(1)} | ${b ? maxRelErr(b.values, cpu.values).toExponential(1) : '—'} | ${wasm.forward.toFixed(2)} |`,
    );
  }
}
