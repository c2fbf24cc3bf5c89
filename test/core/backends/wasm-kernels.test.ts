/**
 * The gradient kernels registered for the wasm backend must agree with the cpu
 * backend's (the reference implementation) on identical inputs, and must not
 * leak tensors or wasm heap buffers. Where the cpu kernels are wrong (depthwise
 * gradients ignore dilation when indexing; segment ids of rank > 1) the
 * reference is computed here straight from the forward convolution's
 * definition, itself checked against tfjs's forward op by the adjoint identity.
 * Conv2DBackpropInput replaces the backend's built-in kernel, so it is also
 * checked through the ops that reach it: conv2d's gradient and conv2dTranspose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../src/core/tf.js';
import { gaussian } from '../../helpers/toy.js';
import { selectBackend, type BackendName } from '../../../src/core/backends/select.js';
import { builtinWasmKernel, registerWasmGradientKernels, WASM_GRADIENT_KERNELS, WASM_REPLACED_KERNELS } from '../../../src/core/backends/wasm-kernels.js';

const TOLERANCE = 1e-5;

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Result {
  shape: number[];
  dtype: tf.DataType;
  values: number[];
}

/** Seeded normal samples, identical on every backend. */
const randn = (count: number, seed: number) => gaussian(seed, count);

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `fn` on `backend`, reads its outputs and frees everything it made. */
async function on(backend: BackendName, fn: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  assert.equal(await selectBackend(backend), backend);
  const outs = [tf.tidy(fn)].flat();
  const results = outs.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
  tf.dispose(outs);
  return results;
}

/** max |a - b| / max |b|: relative to the reference's scale, so near-zero entries do not dominate. */
function relErr(actual: readonly number[], expected: readonly number[]): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

function assertClose(actual: Result, expected: { shape: number[]; values: readonly number[] }, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  assert.ok(actual.values.some((v) => v !== 0) || expected.values.every((v) => v === 0), `${label}: all zeros`);
  const e = relErr(actual.values, expected.values);
  assert.ok(e <= TOLERANCE, `${label}: max relative error ${e}`);
}

/** Runs one kernel on wasm and on cpu with the same inputs and attrs. */
async function wasmVsCpu(kernel: string, inputs: () => Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): Promise<[Result, Result]> {
  const run = () => tf.engine().runKernel(kernel, inputs() as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
  const [wasm] = await on('wasm', run);
  const [cpu] = await on('cpu', run);
  return [wasm!, cpu!];
}

function outShape(xShape: number[], filterShape: number[], strides: number | [number, number], pad: Pad, dilations = 1, depthwise = false, nchw = false, rounding?: 'floor' | 'round' | 'ceil'): number[] {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    rounding,
    depthwise,
    nchw ? 'channelsFirst' : 'channelsLast',
  ).outShape;
}

function describe(c: object): string {
  return JSON.stringify(c).replace(/"/g, '');
}

const EXPLICIT: Pad = [[0, 0], [1, 2], [0, 1], [0, 0]];

// ---------------------------------------------------------------- registration

test('wasm: every gradient kernel is registered, and registering again changes nothing', async () => {
  await selectBackend('wasm');
  assert.deepEqual([...WASM_GRADIENT_KERNELS].sort(), [
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'UnsortedSegmentSum',
  ]);
  const before = WASM_GRADIENT_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
  for (const config of before) assert.ok(config, 'registered when wasm initialised');
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    registerWasmGradientKernels();
    registerWasmGradientKernels();
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(WASM_GRADIENT_KERNELS.map((name) => tf.getKernel(name, 'wasm')), before);
  assert.deepEqual(warnings, [], 'no "already registered" warnings');
});

test('wasm: Conv2DBackpropInput replaces the built-in kernel, which stays reachable', async () => {
  await selectBackend('wasm');
  assert.deepEqual(WASM_REPLACED_KERNELS, ['Conv2DBackpropInput']);
  const builtin = builtinWasmKernel('Conv2DBackpropInput');
  assert.ok(builtin, 'the built-in config was saved');
  assert.notEqual(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc, builtin.kernelFunc);
  // The saved built-in still runs (its wasm function was bound at backend setup) and agrees.
  const dy = tf.tensor(randn(2 * 4 * 5 * 3, 61), [2, 4, 5, 3]);
  const filter = tf.tensor(randn(3 * 3 * 2 * 3, 62), [3, 3, 2, 3]);
  const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 8, 9, 2] };
  const backend = tf.backend();
  const theirsInfo = builtin.kernelFunc({ inputs: { dy, filter }, backend, attrs }) as tf.TensorInfo;
  const theirs = Array.from(backend.readSync(theirsInfo.dataId) as Float32Array);
  backend.disposeData(theirsInfo.dataId);
  const ours = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor;
  assertClose({ shape: ours.shape, dtype: ours.dtype, values: Array.from(ours.dataSync()) }, { shape: [2, 8, 9, 2], values: theirs }, 'dx vs built-in');
  tf.dispose([dy, filter, ours]);
});

// ---------------------------------------------------------------- Conv2DBackpropFilter

const CONV_CASES: { x: number[]; f: number[]; strides: number; pad: Pad; nchw?: boolean; rounding?: 'floor' | 'round' | 'ceil' }[] = [
  { x: [1, 7, 9, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [1, 7, 9, 3], f: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [3, 9, 7, 4], f: [3, 3, 4, 2], strides: 2, pad: 'same' },
  { x: [3, 9, 7, 4], f: [3, 3, 4, 2], strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], f: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { x: [2, 8, 10, 3], f: [2, 2, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 9, 6, 4], f: [3, 2, 4, 3], strides: 1, pad: EXPLICIT },
  { x: [2, 9, 6, 4], f: [3, 2, 4, 3], strides: 2, pad: EXPLICIT },
  { x: [2, 5, 5, 3], f: [3, 3, 3, 4], strides: 1, pad: [[0, 0], [6, 0], [0, 3], [0, 0]] },
  { x: [3, 9, 6, 4], f: [3, 3, 4, 2], strides: 2, pad: 1, rounding: 'ceil' },
  { x: [1, 11, 5, 1], f: [5, 1, 1, 3], strides: 1, pad: 'same' },
  { x: [2, 6, 7, 1], f: [1, 1, 1, 2], strides: 2, pad: 'valid' },
  { x: [2, 3, 9, 7], f: [3, 3, 3, 2], strides: 1, pad: 'same', nchw: true },
  { x: [3, 4, 9, 6], f: [3, 3, 4, 2], strides: 2, pad: 'valid', nchw: true },
];

for (const c of CONV_CASES) {
  test(`Conv2DBackpropFilter wasm matches cpu: ${describe(c)}`, async () => {
    const dyShape = outShape(c.x, c.f, c.strides, c.pad, 1, false, c.nchw, c.rounding);
    const xv = randn(size(c.x), 1);
    const dyv = randn(size(dyShape), 2);
    const [wasm, cpu] = await wasmVsCpu(
      'Conv2DBackpropFilter',
      () => ({ x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) }),
      { strides: c.strides, pad: c.pad, dataFormat: c.nchw ? 'NCHW' : 'NHWC', dimRoundingMode: c.rounding as string, filterShape: c.f },
    );
    assertClose(wasm, cpu, 'dW');
  });
}

test('Conv2DBackpropFilter wasm honours a dilations attr (adjoint of the forward dilated conv2d)', async () => {
  // tfjs's conv2d gradient refuses dilations, so the cpu kernel has none; the
  // identity <conv2d(x, w), dy> = <w, dW> with the forward op is the reference.
  for (const c of [
    { x: [2, 11, 9, 3], f: [3, 3, 3, 4], pad: 'same' as Pad },
    { x: [2, 11, 9, 3], f: [3, 2, 3, 4], pad: 'valid' as Pad },
  ]) {
    const dyShape = outShape(c.x, c.f, 1, c.pad, 2);
    const xv = randn(size(c.x), 3);
    const dyv = randn(size(dyShape), 4);
    const wv = randn(size(c.f), 5);
    const [lhs, dW] = await on('wasm', () => {
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
      const dy = tf.tensor(dyv, dyShape);
      const w = tf.tensor4d(wv, c.f as [number, number, number, number]);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f, dilations: 2 }) as tf.Tensor;
      return [tf.sum(tf.mul(tf.conv2d(x, w, 1, c.pad as 'same', 'NHWC', 2), dy)), dw];
    });
    const rhs = dW!.values.reduce((acc, v, i) => acc + v * wv[i]!, 0);
    assert.ok(Math.abs(lhs!.values[0]! - rhs) <= TOLERANCE * Math.abs(rhs), `${describe(c)}: ${lhs!.values[0]} vs ${rhs}`);
  }
});

// ---------------------------------------------------------------- Conv2DBackpropInput

interface BpiCase {
  x: number[];
  f: number[];
  strides: number | [number, number];
  pad: Pad;
  rounding?: 'floor' | 'round' | 'ceil';
  dilations?: number;
  nchw?: boolean;
}

const BPI_CASES: BpiCase[] = [
  { x: [1, 7, 9, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [1, 7, 9, 3], f: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [3, 9, 7, 4], f: [3, 3, 4, 2], strides: 2, pad: 'same' },
  { x: [3, 9, 7, 4], f: [3, 3, 4, 2], strides: 2, pad: 'valid' },
  { x: [1, 8, 8, 3], f: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  // the dilated dy's trailing zeros overhang the input and are cropped
  { x: [1, 9, 7, 3], f: [2, 2, 3, 4], strides: 2, pad: 'same' },
  { x: [3, 8, 10, 3], f: [2, 2, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 9, 6, 4], f: [3, 2, 4, 3], strides: 1, pad: EXPLICIT },
  { x: [3, 9, 6, 4], f: [3, 2, 4, 3], strides: 2, pad: EXPLICIT },
  // explicit padding wider than the filter: dy is cropped in front instead of padded
  { x: [1, 5, 5, 3], f: [3, 3, 3, 4], strides: 1, pad: [[0, 0], [6, 0], [0, 3], [0, 0]] },
  { x: [3, 9, 6, 4], f: [3, 3, 4, 2], strides: 2, pad: 1, rounding: 'ceil' },
  { x: [1, 10, 7, 2], f: [3, 3, 2, 3], strides: 2, pad: 0, rounding: 'round' },
  { x: [3, 10, 9, 3], f: [3, 3, 3, 2], strides: 2, pad: 1, rounding: 'floor' },
  { x: [1, 11, 5, 1], f: [5, 1, 1, 3], strides: 1, pad: 'same' },
  { x: [3, 13, 11, 3], f: [5, 5, 3, 2], strides: 2, pad: 'same' },
  { x: [1, 12, 9, 2], f: [5, 5, 2, 4], strides: 2, pad: 'valid' },
  { x: [3, 7, 7, 6], f: [1, 1, 6, 4], strides: 1, pad: 'valid' },
  { x: [1, 7, 7, 2], f: [1, 1, 2, 3], strides: 3, pad: 'valid' },
  { x: [2, 6, 7, 1], f: [1, 1, 1, 2], strides: 2, pad: 'valid' },
  { x: [3, 9, 8, 3], f: [3, 3, 3, 4], strides: [1, 2], pad: 'same' },
  { x: [2, 3, 9, 7], f: [3, 3, 3, 2], strides: 1, pad: 'same', nchw: true },
  { x: [3, 4, 9, 6], f: [3, 3, 4, 2], strides: 2, pad: 'valid', nchw: true },
  { x: [1, 2, 8, 7], f: [3, 2, 2, 3], strides: 2, pad: [[0, 0], [0, 0], [1, 2], [0, 1]], nchw: true },
];

/** Dilation with stride 1 (tfjs forbids both > 1 at once). */
const BPI_DILATED: BpiCase[] = [
  { x: [3, 11, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 11, 10, 2], f: [3, 2, 2, 3], strides: 1, pad: 'valid', dilations: 2 },
  { x: [3, 9, 9, 3], f: [2, 3, 3, 2], strides: 1, pad: EXPLICIT, dilations: 2 },
  { x: [1, 12, 12, 2], f: [5, 5, 2, 3], strides: 1, pad: 'same', dilations: 2 },
];

function bpiInputs(c: BpiCase) {
  const dyShape = outShape(c.x, c.f, c.strides, c.pad, c.dilations ?? 1, false, c.nchw, c.rounding);
  return { dyShape, fv: randn(size(c.f), 71), dyv: randn(size(dyShape), 72), xv: randn(size(c.x), 73) };
}

function bpiAttrs(c: BpiCase): tf.NamedAttrMap {
  return { strides: c.strides, pad: c.pad, dataFormat: c.nchw ? 'NCHW' : 'NHWC', dimRoundingMode: c.rounding as string, inputShape: c.x };
}

/**
 * The filter of a d-dilated convolution as an undilated one: taps spread d
 * apart with zeros between. Same padding, since tfjs pads by the effective size.
 */
function spreadFilter(fv: Float32Array, f: number[], d: number): { values: Float32Array; shape: number[] } {
  const [fh, fw, ci, co] = f as [number, number, number, number];
  const eh = (fh - 1) * d + 1;
  const ew = (fw - 1) * d + 1;
  const out = new Float32Array(eh * ew * ci * co);
  for (let kh = 0; kh < fh; kh++)
    for (let kw = 0; kw < fw; kw++)
      out.set(fv.subarray((kh * fw + kw) * ci * co, (kh * fw + kw + 1) * ci * co), (kh * d * ew + kw * d) * ci * co);
  return { values: out, shape: [eh, ew, ci, co] };
}

for (const c of BPI_CASES) {
  test(`Conv2DBackpropInput wasm matches cpu: ${describe(c)}`, async () => {
    const { dyShape, fv, dyv } = bpiInputs(c);
    const [wasm, cpu] = await wasmVsCpu('Conv2DBackpropInput', () => ({ dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, c.f) }), bpiAttrs(c));
    assertClose(wasm, cpu, 'dx');
  });
}

for (const c of BPI_DILATED) {
  test(`Conv2DBackpropInput wasm honours dilations (cpu reference with the zero-spread filter): ${describe(c)}`, async () => {
    // The cpu kernel ignores dilations, so it gets the equivalent undilated filter instead.
    const { dyShape, fv, dyv, xv } = bpiInputs(c);
    const spread = spreadFilter(fv, c.f, c.dilations!);
    const [wasm] = await on('wasm', () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, c.f) }, { ...bpiAttrs(c), dilations: c.dilations! }) as tf.Tensor,
    );
    const [cpu, fwd] = await on('cpu', () => [
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(spread.values, spread.shape) }, bpiAttrs(c)) as tf.Tensor,
      // adjoint check of the reference itself: <conv2d(x, w, dilated), dy> = <x, dx>
      tf.sum(tf.mul(tf.conv2d(tf.tensor4d(xv, c.x as [number, number, number, number]), tf.tensor4d(fv, c.f as [number, number, number, number]), 1, c.pad as 'same', 'NHWC', c.dilations!), tf.tensor(dyv, dyShape))),
    ]);
    assertClose(wasm!, cpu!, 'dx');
    const viaDx = cpu!.values.reduce((acc, v, i) => acc + v * xv[i]!, 0);
    assert.ok(Math.abs(fwd!.values[0]! - viaDx) <= TOLERANCE * Math.abs(viaDx), `<x, dx>: ${fwd!.values[0]} vs ${viaDx}`);
  });
}

// tf.conv2d runs on XNNPACK, which is channels-last only, so the op-level checks are NHWC.
for (const c of BPI_CASES.filter((c) => !c.nchw)) {
  test(`tf.grad of sum(conv2d * r) w.r.t. x, and conv2dTranspose forward, wasm vs cpu: ${describe(c)}`, async () => {
    const { dyShape, fv, dyv, xv } = bpiInputs(c);
    const x4 = c.x as [number, number, number, number];
    const run = () => {
      const f = tf.tensor4d(fv, c.f as [number, number, number, number]);
      const r = tf.tensor(dyv, dyShape);
      const dx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f, c.strides, c.pad as 'same', 'NHWC', 1, c.rounding), r)))(tf.tensor(xv, c.x));
      const transposed = tf.conv2dTranspose(r as tf.Tensor4D, f, x4, c.strides, c.pad as 'same', c.rounding);
      return [dx, transposed];
    };
    const wasm = await on('wasm', run);
    const cpu = await on('cpu', run);
    assertClose(wasm[0]!, cpu[0]!, 'd/dx');
    assertClose(wasm[1]!, cpu[1]!, 'conv2dTranspose');
  });
}

test('tf.grads through conv2dTranspose w.r.t. its input and filter, wasm vs cpu', async () => {
  for (const c of [BPI_CASES[2]!, BPI_CASES[7]!, BPI_CASES[13]!]) {
    const { dyShape, fv, dyv, xv } = bpiInputs(c);
    const run = () => {
      const w = tf.tensor(xv, c.x);
      const loss = (y: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, c.x as [number, number, number, number], c.strides, c.pad as 'same', c.rounding), w));
      return tf.grads(loss)([tf.tensor(dyv, dyShape), tf.tensor(fv, c.f)]);
    };
    const wasm = await on('wasm', run);
    const cpu = await on('cpu', run);
    assertClose(wasm[0]!, cpu[0]!, `${describe(c)} d/dy`);
    assertClose(wasm[1]!, cpu[1]!, `${describe(c)} d/dfilter`);
  }
});

test('Conv2DBackpropInput on wasm rejects a dy or filter that does not fit the convolution, allocating nothing', async () => {
  await selectBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const dy = tf.zeros([1, 5, 5, 3]);
  const filter = tf.zeros([3, 3, 2, 3]);
  const buffers = backend.numDataIds();
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 6, 6, 2] }),
    /dy has shape \[1,5,5,3\] but the convolution's output is \[1,6,6,3\]/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 5, 5, 4] }),
    /filter has 2 input channels but inputShape \[1,5,5,4\] has 4/,
  );
  assert.equal(backend.numDataIds(), buffers);
  tf.dispose([dy, filter]);
});

// ---------------------------------------------------------------- depthwise, reference from the definition

interface DwCase {
  x: number[];
  mul: number;
  k: [number, number];
  strides: number;
  pad: Pad;
  dilations?: number;
}

/** dx and dW by transposing the forward depthwise convolution term by term. */
function depthwiseReference(c: DwCase, xv: Float32Array, fv: Float32Array, dyv: Float32Array) {
  const [B, H, W, C] = c.x as [number, number, number, number];
  const [fh, fw] = c.k;
  const M = c.mul;
  const info = tf.backend_util.computeConv2DInfo([B, H, W, C], [fh, fw, C, M], c.strides, c.dilations ?? 1, c.pad, undefined, true);
  const { outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const dx = new Float64Array(B * H * W * C);
  const dW = new Float64Array(fh * fw * C * M);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < fh; kh++)
          for (let kw = 0; kw < fw; kw++) {
            const ih = oh * sh + kh * dh - info.padInfo.top;
            const iw = ow * sw + kw * dw - info.padInfo.left;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let q = 0; q < M; q++) {
                const g = dyv[((b * OH + oh) * OW + ow) * C * M + ch * M + q]!;
                const xi = ((b * H + ih) * W + iw) * C + ch;
                const fi = ((kh * fw + kw) * C + ch) * M + q;
                dx[xi] += g * fv[fi]!;
                dW[fi] += g * xv[xi]!;
              }
          }
  return { dyShape: info.outShape, dx: Array.from(dx), dW: Array.from(dW) };
}

const DW_CASES: DwCase[] = [
  { x: [1, 7, 9, 3], mul: 1, k: [3, 3], strides: 1, pad: 'same' },
  { x: [1, 7, 9, 3], mul: 2, k: [3, 3], strides: 1, pad: 'valid' },
  { x: [2, 9, 7, 4], mul: 1, k: [3, 3], strides: 2, pad: 'same' },
  { x: [2, 9, 7, 4], mul: 2, k: [3, 3], strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], mul: 2, k: [2, 2], strides: 2, pad: 'same' },
  { x: [3, 9, 6, 2], mul: 1, k: [3, 2], strides: 1, pad: EXPLICIT },
  { x: [3, 9, 6, 2], mul: 2, k: [3, 2], strides: 2, pad: EXPLICIT },
  { x: [2, 11, 5, 1], mul: 3, k: [5, 1], strides: 1, pad: 'same' },
];

const DW_DILATED: DwCase[] = [
  { x: [2, 11, 9, 3], mul: 1, k: [3, 3], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 11, 10, 2], mul: 2, k: [3, 2], strides: 1, pad: 'valid', dilations: 2 },
  { x: [2, 9, 9, 2], mul: 2, k: [2, 3], strides: 1, pad: EXPLICIT, dilations: 2 },
];

function dwInputs(c: DwCase) {
  const [, , , C] = c.x as [number, number, number, number];
  const fShape = [c.k[0], c.k[1], C, c.mul];
  const xv = randn(size(c.x), 11);
  const fv = randn(size(fShape), 12);
  const dyShape = outShape(c.x, fShape, c.strides, c.pad, c.dilations ?? 1, true);
  const dyv = randn(size(dyShape), 13);
  return { fShape, dyShape, xv, fv, dyv };
}

function dwAttrs(c: DwCase): tf.NamedAttrMap {
  return { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1 };
}

for (const c of DW_CASES) {
  test(`DepthwiseConv2dNativeBackpropInput wasm matches cpu: ${describe(c)}`, async () => {
    const { fShape, dyShape, fv, dyv } = dwInputs(c);
    const [wasm, cpu] = await wasmVsCpu(
      'DepthwiseConv2dNativeBackpropInput',
      () => ({ dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, fShape) }),
      { ...dwAttrs(c), inputShape: c.x },
    );
    assertClose(wasm, cpu, 'dx');
  });

  test(`DepthwiseConv2dNativeBackpropFilter wasm matches cpu: ${describe(c)}`, async () => {
    const { fShape, dyShape, xv, dyv } = dwInputs(c);
    const [wasm, cpu] = await wasmVsCpu(
      'DepthwiseConv2dNativeBackpropFilter',
      () => ({ x: tf.tensor(xv, c.x), dy: tf.tensor(dyv, dyShape) }),
      { ...dwAttrs(c), filterShape: fShape },
    );
    assertClose(wasm, cpu, 'dW');
  });
}

for (const c of [...DW_CASES.slice(0, 3), ...DW_DILATED]) {
  test(`depthwise gradients wasm match the definition (checked by adjoint against cpu forward op): ${describe(c)}`, async () => {
    const { fShape, dyShape, xv, fv, dyv } = dwInputs(c);
    const ref = depthwiseReference(c, xv, fv, dyv);
    assert.deepEqual(ref.dyShape, dyShape);

    // The reference is right if <depthwiseConv2d(x, f), dy> = <x, dx> = <f, dW>.
    const [fwd] = await on('cpu', () => {
      const y = tf.depthwiseConv2d(tf.tensor4d(xv, c.x as [number, number, number, number]), tf.tensor4d(fv, fShape as [number, number, number, number]), c.strides, c.pad as 'same', 'NHWC', c.dilations ?? 1);
      return tf.sum(tf.mul(y, tf.tensor(dyv, dyShape)));
    });
    const viaDx = ref.dx.reduce((acc, v, i) => acc + v * xv[i]!, 0);
    const viaDw = ref.dW.reduce((acc, v, i) => acc + v * fv[i]!, 0);
    assert.ok(Math.abs(fwd!.values[0]! - viaDx) <= 1e-5 * Math.abs(viaDx), `<x, dx>: ${fwd!.values[0]} vs ${viaDx}`);
    assert.ok(Math.abs(fwd!.values[0]! - viaDw) <= 1e-5 * Math.abs(viaDw), `<f, dW>: ${fwd!.values[0]} vs ${viaDw}`);

    const [dx, dW] = await on('wasm', () => {
      const dy = tf.tensor(dyv, dyShape);
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: tf.tensor(fv, fShape) }, { ...dwAttrs(c), inputShape: c.x }) as tf.Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(xv, c.x), dy }, { ...dwAttrs(c), filterShape: fShape }) as tf.Tensor,
      ];
    });
    assertClose(dx!, { shape: c.x, values: ref.dx }, 'dx');
    assertClose(dW!, { shape: fShape, values: ref.dW }, 'dW');
  });
}

test('depthwise gradient kernels on wasm reject NCHW with a clear error', async () => {
  await selectBackend('wasm');
  const dy = tf.zeros([1, 4, 4, 2]);
  const x = tf.zeros([1, 4, 4, 2]);
  const filter = tf.zeros([3, 3, 2, 1]);
  const attrs = { strides: 1, pad: 'same', dilations: 1, dataFormat: 'NCHW' };
  assert.throws(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: [1, 4, 4, 2] }), /supports dataFormat 'NHWC' only/);
  assert.throws(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 2, 1] }), /supports dataFormat 'NHWC' only/);
  tf.dispose([dy, x, filter]);
});

// ---------------------------------------------------------------- UnsortedSegmentSum

const SEGMENT_CASES: { x: number[]; ids: number[]; numSegments: number; dtype?: 'int32' }[] = [
  { x: [7], ids: [0, 2, 2, 1, 0, 4, 2], numSegments: 5 },
  { x: [6, 5], ids: [3, 0, 3, 3, 1, 0], numSegments: 4 },
  { x: [6, 3, 2], ids: [1, 1, 0, 2, 1, 0], numSegments: 6 },
  { x: [5, 4], ids: [-1, 2, 7, 2, 0], numSegments: 3 },
  { x: [6, 3], ids: [2, 0, 2, 1, 1, 0], numSegments: 3, dtype: 'int32' },
];

for (const c of SEGMENT_CASES) {
  test(`UnsortedSegmentSum wasm matches cpu: ${describe(c)}`, async () => {
    const xv = randn(size(c.x), 21).map((v) => (c.dtype === 'int32' ? Math.round(v * 100) : v));
    const [wasm, cpu] = await wasmVsCpu(
      'UnsortedSegmentSum',
      () => ({ x: tf.tensor(xv, c.x, c.dtype ?? 'float32'), segmentIds: tf.tensor1d(c.ids, 'int32') }),
      { numSegments: c.numSegments },
    );
    assert.equal(wasm.dtype, c.dtype ?? 'float32');
    assertClose(wasm, cpu, 'sum');
  });
}

test('UnsortedSegmentSum wasm sums over multi-dimensional segment ids', async () => {
  const xv = randn(2 * 3 * 4, 22);
  const ids = [2, 0, 2, 1, 5, 0];
  const [out] = await on('wasm', () =>
    tf.engine().runKernel('UnsortedSegmentSum', { x: tf.tensor3d(xv, [2, 3, 4]), segmentIds: tf.tensor2d(ids, [2, 3], 'int32') }, { numSegments: 3 }) as tf.Tensor,
  );
  const expected = new Array<number>(3 * 4).fill(0);
  ids.forEach((id, i) => {
    if (id < 3) for (let j = 0; j < 4; j++) expected[id * 4 + j] += xv[i * 4 + j]!;
  });
  assertClose(out!, { shape: [3, 4], values: expected }, 'sum');
});

// ---------------------------------------------------------------- end to end through tf.grads

const E2E_CONV: { x: number[]; f: number[]; strides: number; pad: Pad }[] = [
  { x: [1, 8, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], f: [2, 3, 3, 2], strides: 2, pad: EXPLICIT },
];

for (const c of E2E_CONV) {
  test(`tf.grads of sum(conv2d * r) w.r.t. input and filter, wasm vs cpu: ${describe(c)}`, async () => {
    const xv = randn(size(c.x), 31);
    const fv = randn(size(c.f), 32);
    const rShape = outShape(c.x, c.f, c.strides, c.pad);
    const rv = randn(size(rShape), 33);
    const run = () => {
      const r = tf.tensor(rv, rShape);
      const loss = (x: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad as 'same'), r));
      return tf.grads(loss)([tf.tensor(xv, c.x), tf.tensor(fv, c.f)]);
    };
    const wasm = await on('wasm', run);
    const cpu = await on('cpu', run);
    assertClose(wasm[0]!, cpu[0]!, 'd/dx');
    assertClose(wasm[1]!, cpu[1]!, 'd/dfilter');
  });
}

for (const c of DW_CASES.filter((_, i) => i % 2 === 1)) {
  test(`tf.grads of sum(depthwiseConv2d * r) w.r.t. input and filter, wasm vs cpu: ${describe(c)}`, async () => {
    const { fShape, dyShape, xv, fv, dyv } = dwInputs(c);
    const run = () => {
      const r = tf.tensor(dyv, dyShape);
      const loss = (x: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad as 'same'), r));
      return tf.grads(loss)([tf.tensor(xv, c.x), tf.tensor(fv, fShape)]);
    };
    const wasm = await on('wasm', run);
    const cpu = await on('cpu', run);
    assertClose(wasm[0]!, cpu[0]!, 'd/dx');
    assertClose(wasm[1]!, cpu[1]!, 'd/dfilter');
  });
}

test('tf.grads through unsortedSegmentSum and gather w.r.t. their input, wasm vs cpu', async () => {
  const xv = randn(6 * 4, 41);
  const pv = randn(5 * 4 * 3, 42);
  const run = () => {
    const ids = tf.tensor1d([3, 0, 3, 1, 4, 0], 'int32');
    const idx = tf.tensor1d([1, 4, 1, 1, 0, 3], 'int32');
    const w1 = tf.tensor(randn(5 * 4, 43), [5, 4]);
    const w0 = tf.tensor(randn(6 * 4 * 3, 44), [6, 4, 3]);
    const w2 = tf.tensor(randn(5 * 6 * 3, 45), [5, 6, 3]);
    const segment = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, ids, 5), w1)))(tf.tensor(xv, [6, 4]));
    const gather0 = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, idx, 0), w0)))(tf.tensor(pv, [5, 4, 3]));
    const gather1 = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor1d([5, 0, 5, 2, 2, 5], 'int32'), 1), w2)))(
      tf.tensor(randn(5 * 7 * 3, 46), [5, 7, 3]),
    );
    return [segment, gather0, gather1];
  };
  const wasm = await on('wasm', run);
  const cpu = await on('cpu', run);
  assertClose(wasm[0]!, cpu[0]!, 'd/dx unsortedSegmentSum');
  assertClose(wasm[1]!, cpu[1]!, 'd/dparams gather axis 0');
  assertClose(wasm[2]!, cpu[2]!, 'd/dparams gather axis 1');
});

// ---------------------------------------------------------------- leaks

test('each wasm gradient kernel, run twice, leaves no tensors or heap buffers behind', async () => {
  await selectBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.tensor(randn(2 * 9 * 8 * 3, 51), [2, 9, 8, 3]);
  const dyConv = tf.tensor(randn(2 * 4 * 3 * 4, 52), [2, 4, 3, 4]);
  const filter = tf.tensor(randn(3 * 3 * 3 * 2, 53), [3, 3, 3, 2]);
  const dyDw = tf.tensor(randn(2 * 5 * 4 * 6, 54), [2, 5, 4, 6]);
  const ids = tf.tensor1d([1, 0], 'int32');
  const filterIn = tf.tensor(randn(3 * 3 * 3 * 4, 55), [3, 3, 3, 4]);
  const filter2 = tf.tensor(randn(2 * 2 * 3 * 4, 57), [2, 2, 3, 4]);
  const dyCrop = tf.tensor(randn(2 * 9 * 6 * 4, 56), [2, 9, 6, 4]);
  const calls: [string, () => tf.Tensor][] = [
    // valid + stride 2 on even sizes also exercises the cropping Slice intermediate
    ['Conv2DBackpropFilter', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dyConv }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as tf.Tensor],
    ['Conv2DBackpropFilter NCHW', () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.transpose(x, [0, 3, 1, 2]), dy: tf.transpose(dyConv, [0, 3, 1, 2]) }, { strides: 2, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }) as tf.Tensor],
    ['DepthwiseConv2dNativeBackpropInput', () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyDw, filter }, { strides: 2, pad: 'same', dilations: 1, inputShape: [2, 9, 8, 3] }) as tf.Tensor],
    ['DepthwiseConv2dNativeBackpropFilter', () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dyDw }, { strides: 2, pad: 'same', dilations: 1, filterShape: [3, 3, 3, 2] }) as tf.Tensor],
    ['UnsortedSegmentSum', () => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor],
    // 2x2 'same' stride 2 on odd sizes: dilation PadV2, reshapes and the cropping Slice
    ['Conv2DBackpropInput', () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyConv, filter: filter2 }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 7, 5, 3] }) as tf.Tensor],
    ['Conv2DBackpropInput NCHW', () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.transpose(dyConv, [0, 3, 1, 2]), filter: filter2 }, { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 7, 5] }) as tf.Tensor],
    ['Conv2DBackpropInput dilated', () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.slice(x, [0, 0, 0, 0], [2, 9, 8, 2]), filter: tf.ones([3, 3, 3, 2]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 8, 3], dilations: 2 }) as tf.Tensor],
    ['Conv2DBackpropInput front crop', () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyCrop, filter: filterIn }, { strides: 1, pad: [[0, 0], [6, 0], [0, 3], [0, 0]], dataFormat: 'NHWC', inputShape: [2, 5, 5, 3] }) as tf.Tensor],
    ['conv2dTranspose', () => tf.conv2dTranspose(dyConv as tf.Tensor4D, filterIn as tf.Tensor4D, [2, 8, 6, 3], 2, 'same')],
    ['conv2d gradient', () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, tf.ones([3, 3, 3, 4])])[1]!],
  ];
  for (const [name, call] of calls) {
    tf.tidy(call).dispose(); // warm-up: a first call may set up lasting state
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 2; i++) tf.tidy(call).dispose();
    assert.equal(tf.memory().numTensors, tensors, `${name}: tensors`);
    assert.equal(backend.numDataIds(), buffers, `${name}: wasm heap buffers`);
  }
  tf.dispose([x, dyConv, filter, dyDw, ids, filterIn, filter2, dyCrop]);
});

test('Conv2DBackpropFilter on wasm rejects a dy that does not fit the convolution, allocating nothing', async () => {
  await selectBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.zeros([1, 6, 6, 2]);
  const dy = tf.zeros([1, 5, 5, 3]);
  const buffers = backend.numDataIds();
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }),
    /dy has shape \[1,5,5,3\] but the convolution's output is \[1,6,6,3\]/,
  );
  assert.equal(backend.numDataIds(), buffers);
  tf.dispose([x, dy]);
});
