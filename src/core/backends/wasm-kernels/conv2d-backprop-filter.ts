/**
 * Conv2DBackpropFilter for the wasm backend, run on XNNPACK through the
 * backend's own Conv2D kernel instead of a JS loop, because it sits on the hot
 * path of parameter gradients of conv models.
 *
 * The filter gradient
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh*d - pad, ow*s + kw*d - pad, ci] * dy[b, oh, ow, co]
 * is itself a convolution once the roles are swapped: the input channels of x
 * become the batch, the batch becomes the channel being contracted, and dy is
 * the filter, applied with dilation = forward stride and stride = forward
 * dilation:
 *   x' = x as [ci, H, W, B],  dy' = dy as [OH, OW, B, co]
 *   conv2d(x', dy') : [ci, fh, fw, co]  ->  transposed to [fh, fw, ci, co].
 */
import { tf } from '../../tf.js';
import { conv2DGeometry, requireFloat32, withScratch, zeros, type Conv2DGradAttrs, type TensorInfo, type WasmBackend } from './common.js';

const NAME = 'Conv2DBackpropFilter';

interface Attrs extends Conv2DGradAttrs {
  filterShape: [number, number, number, number];
}

function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as WasmBackend;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const attrs = args.attrs as unknown as Attrs;
  requireFloat32(NAME, { x, dy });

  const info = conv2DGeometry(NAME, x.shape, attrs.filterShape, attrs, ['x', 'filterShape']);
  if (!tf.util.arraysEqual(dy.shape, info.outShape)) {
    throw new Error(`${NAME} on wasm: dy has shape [${dy.shape}] but the convolution's output is [${info.outShape}]`);
  }
  const channelsLast = info.dataFormat === 'channelsLast';
  const hAxis = channelsLast ? 1 : 2;
  const wAxis = channelsLast ? 2 : 3;
  const { padInfo, outHeight, outWidth } = info;

  // Rows (columns) of x the forward pass actually reads: later ones never meet a tap.
  const usedH = (info.filterHeight - 1) * info.dilationHeight + (outHeight - 1) * info.strideHeight + 1 - padInfo.top;
  const usedW = (info.filterWidth - 1) * info.dilationWidth + (outWidth - 1) * info.strideWidth + 1 - padInfo.left;
  if (usedH <= 0 || usedW <= 0 || tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) {
    return zeros(backend, info.filterShape);
  }

  return withScratch(backend, (scratch) => {
    let input = x;
    const keptH = Math.min(info.inHeight, usedH);
    const keptW = Math.min(info.inWidth, usedW);
    if (keptH < info.inHeight || keptW < info.inWidth) {
      // XNNPACK takes no negative padding, so unread trailing rows are cut off instead.
      const size = [...x.shape];
      size[hAxis] = keptH;
      size[wAxis] = keptW;
      input = scratch.run('Slice', { x }, { begin: [0, 0, 0, 0], size });
    }
    const xT = scratch.run('Transpose', { x: input }, { perm: channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] });
    const dyT = scratch.run('Transpose', { x: dy }, { perm: channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] });
    const swapped = scratch.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        // Bottom/right padding makes the output exactly filterHeight x filterWidth.
        pad: [
          [0, 0],
          [padInfo.top, usedH - keptH],
          [padInfo.left, usedW - keptW],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    return scratch.keep(scratch.run('Transpose', { x: swapped }, { perm: [1, 2, 0, 3] }));
  });
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
