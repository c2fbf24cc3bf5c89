/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend, as a JS loop over
 * the backend's heap (depthwise convolutions are rare in the models served).
 *
 *   dx[b, ih, iw, c] = sum_{kh, kw, q} dy[b, oh, ow, c*m + q] * filter[kh, kw, c, q]
 *   where ih = oh*strideH + kh*dilationH - padTop (and likewise for columns).
 *
 * Each dx pixel gathers its taps (rather than dy scattering into dx) so sums
 * are accumulated in float64 and written once, like the cpu kernel.
 */
import { tf } from '../../tf.js';
import { depthwiseGeometry, requireChannelsLast, type ConvPad, type RoundingMode, type TensorInfo, type WasmBackend } from './common.js';

const NAME = 'DepthwiseConv2dNativeBackpropInput';

interface Attrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: ConvPad;
  dimRoundingMode?: RoundingMode;
  inputShape: [number, number, number, number];
  dataFormat?: string;
}

/**
 * For each input row, the (filter tap, output row) pairs that read it, flattened
 * as [tap0, out0, tap1, out1, ...]. Shared by rows and columns.
 */
function tapsPerInputIndex(inSize: number, outSize: number, taps: number, stride: number, dilation: number, padBefore: number): number[][] {
  const lists: number[][] = Array.from({ length: inSize }, () => []);
  for (let o = 0; o < outSize; o++) {
    for (let k = 0; k < taps; k++) {
      const i = o * stride + k * dilation - padBefore;
      if (i >= 0 && i < inSize) lists[i]!.push(k, o);
    }
  }
  return lists;
}

function depthwiseConv2dNativeBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const attrs = args.attrs as unknown as Attrs;
  requireChannelsLast(NAME, attrs.dataFormat);
  const g = depthwiseGeometry(NAME, attrs.inputShape, filter.shape, attrs);
  const expected = [g.batch, g.outHeight, g.outWidth, g.channels * g.multiplier];
  if (!tf.util.arraysEqual(dy.shape, expected)) {
    throw new Error(`${NAME} on wasm: dy has shape [${dy.shape}] but the convolution's output is [${expected}]`);
  }

  const rowTaps = tapsPerInputIndex(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop);
  const colTaps = tapsPerInputIndex(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft);
  const { channels: C, multiplier: M } = g;
  const CM = C * M;

  // Views are taken after makeOutput: allocating may grow the heap and detach earlier ones.
  const out = backend.makeOutput([g.batch, g.inHeight, g.inWidth, C], 'float32');
  const dx = backend.typedArrayFromHeap(out);
  const dyV = backend.typedArrayFromHeap(dy);
  const fV = backend.typedArrayFromHeap(filter);
  const acc = new Float64Array(C);

  for (let b = 0; b < g.batch; b++) {
    for (let ih = 0; ih < g.inHeight; ih++) {
      const rows = rowTaps[ih]!;
      for (let iw = 0; iw < g.inWidth; iw++) {
        const cols = colTaps[iw]!;
        acc.fill(0);
        for (let r = 0; r < rows.length; r += 2) {
          const kh = rows[r]!;
          const dyRow = (b * g.outHeight + rows[r + 1]!) * g.outWidth;
          for (let s = 0; s < cols.length; s += 2) {
            const fOff = (kh * g.filterWidth + cols[s]!) * CM;
            const dyOff = (dyRow + cols[s + 1]!) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[c] += dyV[dyOff + c]! * fV[fOff + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                let sum = 0;
                for (let q = c * M, end = q + M; q < end; q++) sum += dyV[dyOff + q]! * fV[fOff + q]!;
                acc[c] += sum;
              }
            }
          }
        }
        dx.set(acc, ((b * g.inHeight + ih) * g.inWidth + iw) * C);
      }
    }
  }
  return out;
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
