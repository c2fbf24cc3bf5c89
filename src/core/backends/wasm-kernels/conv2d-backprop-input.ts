/**
 * Conv2DBackpropInput for the wasm backend, run on XNNPACK through the
 * backend's own Conv2D kernel. It replaces tfjs-backend-wasm's built-in kernel,
 * a scalar C++ loop that took ~10x the forward convolution's time and dominated
 * the backward pass of conv models. The forward op conv2dTranspose runs this
 * same kernel (with inputShape = its output shape), so it gets the fast path too.
 *
 * The input gradient of y = conv2d(x, W; stride s, dilation d, padding p)
 *   dx[b, i, j, ci] = sum_{oh, ow, kh, kw, co : oh*s + kh*d - pTop = i, ow*s + kw*d - pLeft = j}
 *                     dy[b, oh, ow, co] * W[kh, kw, ci, co]
 * is a stride-1 convolution of dy with the stride-s zeros inserted between its
 * pixels ("dilated"), padded by (fh-1)*d - pTop on top (likewise left), with
 * the filter flipped in h and w and its channel axes swapped:
 *   dx = conv2d(pad(dilate_s(dy)), flip_hw(W) as [fh, fw, co, ci]; stride 1, dilation d, 'valid').
 * Padding that comes out negative (explicit pads wider than the filter) crops
 * dy instead, since XNNPACK takes only non-negative padding.
 */
import { tf } from '../../tf.js';
import { conv2DGeometry, requireFloat32, withScratch, zeros, type Conv2DGradAttrs, type Scratch, type TensorInfo, type WasmBackend } from './common.js';

const NAME = 'Conv2DBackpropInput';

interface Attrs extends Conv2DGradAttrs {
  inputShape: [number, number, number, number];
}

/**
 * Where the zero-dilated dy sits along one spatial axis of the stride-1
 * convolution's input: the range [begin, end) of the dilated axis (length
 * outSize*stride, trailing zeros included) that is kept, and the zeros the
 * convolution pads before and after it.
 */
interface AxisPlan {
  begin: number;
  end: number;
  padBefore: number;
  padAfter: number;
}

function planAxis(inSize: number, outSize: number, filterSize: number, stride: number, dilation: number, forwardPadBefore: number): AxisPlan {
  const reach = (filterSize - 1) * dilation;
  // The stride-1 'valid' convolution must see inSize + reach rows to give inSize outputs;
  // row r of that input is row r - lead of the dilated dy.
  const lead = reach - forwardPadBefore;
  const needed = inSize + reach;
  const begin = Math.max(0, -lead);
  const end = Math.min(outSize * stride, needed - lead);
  return { begin, end, padBefore: Math.max(0, lead), padAfter: needed - lead - end };
}

/**
 * filter [fh, fw, ci, co] flipped in h and w, as [fh, fw, co, ci]. A JS pass
 * over the heap: the backend's Reverse kernel indexes element by element and
 * took longer than the convolution itself (~5 ms for 3x3x128x128).
 * Flipping both spatial axes of a row-major [fh, fw] grid reverses its
 * flattened tap index, so tap k goes to taps - 1 - k.
 */
function flipAndSwap(backend: WasmBackend, filter: TensorInfo): TensorInfo {
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const taps = fh * fw;
  const block = ci * co;
  // Views are taken after makeOutput: allocating may grow the heap and detach earlier ones.
  const out = backend.makeOutput([fh, fw, co, ci], 'float32');
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(filter);
  for (let k = 0; k < taps; k++) {
    const from = k * block;
    const to = (taps - 1 - k) * block;
    for (let i = 0; i < ci; i++) {
      const row = from + i * co;
      for (let o = 0; o < co; o++) dst[to + o * ci + i] = src[row + o]!;
    }
  }
  return out;
}

/** dy [B, OH, OW, C] with (stride - 1) zeros after each pixel, per axis: [B, OH*sh, OW*sw, C]. */
function dilate(scratch: Scratch, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [b, oh, ow, c] = dy.shape as [number, number, number, number];
  // Reshapes share dy's buffer; the one PadV2 writes every inserted zero.
  const spread = scratch.run('Reshape', { x: dy }, { shape: [b, oh, 1, ow, 1, c] });
  const padded = scratch.run('PadV2', { x: spread }, {
    paddings: [
      [0, 0],
      [0, 0],
      [0, strideHeight - 1],
      [0, 0],
      [0, strideWidth - 1],
      [0, 0],
    ],
    constantValue: 0,
  });
  return scratch.run('Reshape', { x: padded }, { shape: [b, oh * strideHeight, ow * strideWidth, c] });
}

/**
 * Whether dy can be the convolution's output: the same shape, or spatially
 * larger with the same batch and channels. tfjs's conv2d gradient drops
 * dimRoundingMode, so a 'ceil' or 'round' convolution hands its gradient a dy
 * larger than the truncated size recomputed here; tfjs's cpu and built-in wasm
 * kernels then read only dy's leading outHeight x outWidth block, and so does
 * this kernel (planAxis never keeps rows past it), to give the same results.
 */
function fitsOutput(dyShape: readonly number[], outShape: readonly number[], channelsLast: boolean): boolean {
  if (dyShape.length !== 4) return false;
  const spatial = channelsLast ? [1, 2] : [2, 3];
  return dyShape.every((size, axis) => (spatial.includes(axis) ? size >= outShape[axis]! : size === outShape[axis]));
}

function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const attrs = args.attrs as unknown as Attrs;
  requireFloat32(NAME, { dy, filter });

  const info = conv2DGeometry(NAME, attrs.inputShape, filter.shape, attrs, ['inputShape', 'filter']);
  if (filter.shape[2] !== info.inChannels) {
    throw new Error(`${NAME} on wasm: filter has ${filter.shape[2]} input channels but inputShape [${attrs.inputShape}] has ${info.inChannels}`);
  }
  const channelsLast = info.dataFormat === 'channelsLast';
  if (!fitsOutput(dy.shape, info.outShape, channelsLast)) {
    throw new Error(`${NAME} on wasm: dy has shape [${dy.shape}] but the convolution's output is [${info.outShape}]`);
  }

  const rows = planAxis(info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.dilationHeight, info.padInfo.top);
  const cols = planAxis(info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.dilationWidth, info.padInfo.left);
  if (rows.end <= rows.begin || cols.end <= cols.begin || tf.util.sizeFromShape(dy.shape) === 0 || tf.util.sizeFromShape(info.inShape) === 0) {
    // No pixel of x meets a filter tap (or there is nothing to compute): the gradient is zero.
    return zeros(backend, info.inShape);
  }

  return withScratch(backend, (scratch) => {
    // XNNPACK's Conv2D is channels-last only, so NCHW is transposed around it.
    const dyNhwc = channelsLast ? dy : scratch.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
    let input = dilate(scratch, dyNhwc, info.strideHeight, info.strideWidth);
    const [b, h, w, c] = input.shape as [number, number, number, number];
    if (rows.begin > 0 || cols.begin > 0 || rows.end < h || cols.end < w) {
      input = scratch.run('Slice', { x: input }, { begin: [0, rows.begin, cols.begin, 0], size: [b, rows.end - rows.begin, cols.end - cols.begin, c] });
    }
    const swapped = scratch.hold(flipAndSwap(backend, filter));
    const dx = scratch.run(
      'Conv2D',
      { x: input, filter: swapped },
      {
        strides: 1,
        dilations: [info.dilationHeight, info.dilationWidth],
        pad: [
          [0, 0],
          [rows.padBefore, rows.padAfter],
          [cols.padBefore, cols.padAfter],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    return scratch.keep(channelsLast ? dx : scratch.run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] }));
  });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
