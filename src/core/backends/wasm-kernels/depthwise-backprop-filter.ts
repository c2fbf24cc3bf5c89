/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend, as a JS loop over
 * the backend's heap (depthwise convolutions are rare in the models served).
 *
 *   dW[kh, kw, c, q] = sum_{b, oh, ow} x[b, oh*strideH + kh*dilationH - padTop, ..., c] * dy[b, oh, ow, c*m + q]
 *
 * The loops walk x and dy in memory order, with channels innermost, and
 * accumulate in float64 like the cpu kernel.
 */
import { tf } from '../../tf.js';
import { depthwiseGeometry, requireChannelsLast, type ConvPad, type RoundingMode, type TensorInfo, type WasmBackend } from './common.js';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

interface Attrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: ConvPad;
  dimRoundingMode?: RoundingMode;
  filterShape: [number, number, number, number];
  dataFormat?: string;
}

function depthwiseConv2dNativeBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const attrs = args.attrs as unknown as Attrs;
  requireChannelsLast(NAME, attrs.dataFormat);
  const g = depthwiseGeometry(NAME, x.shape, attrs.filterShape, attrs);
  const expected = [g.batch, g.outHeight, g.outWidth, g.channels * g.multiplier];
  if (!tf.util.arraysEqual(dy.shape, expected)) {
    throw new Error(`${NAME} on wasm: dy has shape [${dy.shape}] but the convolution's output is [${expected}]`);
  }
  const { channels: C, multiplier: M } = g;
  const CM = C * M;
  const acc = new Float64Array(g.filterHeight * g.filterWidth * CM);

  // Views are taken after makeOutput: allocating may grow the heap and detach earlier ones.
  const out = backend.makeOutput([g.filterHeight, g.filterWidth, C, M], 'float32');
  const xV = backend.typedArrayFromHeap(x);
  const dyV = backend.typedArrayFromHeap(dy);

  for (let b = 0; b < g.batch; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let kh = 0; kh < g.filterHeight; kh++) {
        const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
        if (ih < 0 || ih >= g.inHeight) continue;
        const xRow = (b * g.inHeight + ih) * g.inWidth;
        for (let ow = 0; ow < g.outWidth; ow++) {
          const dyOff = ((b * g.outHeight + oh) * g.outWidth + ow) * CM;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iw < 0 || iw >= g.inWidth) continue;
            const xOff = (xRow + iw) * C;
            const wOff = (kh * g.filterWidth + kw) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[wOff + c] += xV[xOff + c]! * dyV[dyOff + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                const xv = xV[xOff + c]!;
                for (let q = c * M, end = q + M; q < end; q++) acc[wOff + q] += xv * dyV[dyOff + q]!;
              }
            }
          }
        }
      }
    }
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
