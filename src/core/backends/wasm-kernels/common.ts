/**
 * Shared plumbing for the gradient kernels the wasm backend lacks: the slice of
 * the backend's interface they rely on, composition with the backend's own
 * kernels, and the convolution bookkeeping common to them.
 */
import { tf } from '../../tf.js';

type TensorInfo = tf.TensorInfo;
export type { TensorInfo };

/**
 * The part of tfjs-backend-wasm's BackendWasm used here. Declared structurally
 * so these kernels do not depend on the backend package's typings.
 */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

export type ConvPad = tf.Conv2DBackpropFilterAttrs['pad'];
export type RoundingMode = tf.Conv2DBackpropFilterAttrs['dimRoundingMode'];

/**
 * Collects the intermediates a kernel creates by calling other wasm kernels;
 * they are backend data, not engine tensors, so nothing else would free them.
 */
export class Scratch {
  private readonly held: TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  /** Runs another wasm kernel directly, the way the backend's own kernels compose. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config == null) throw new Error(`wasm backend has no ${kernelName} kernel to build on`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`${kernelName} returned several outputs; one was expected`);
    this.held.push(out);
    return out;
  }

  /** Adopts `info`, made outside run() (e.g. by makeOutput), to be freed with the rest. */
  hold(info: TensorInfo): TensorInfo {
    this.held.push(info);
    return info;
  }

  /** Hands `info` to the caller instead of freeing it. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.held.indexOf(info);
    if (i >= 0) this.held.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const info of this.held.splice(0)) this.backend.disposeData(info.dataId);
  }
}

/** Runs `body` with a Scratch whose leftovers are freed even if `body` throws. */
export function withScratch(backend: WasmBackend, body: (scratch: Scratch) => TensorInfo): TensorInfo {
  const scratch = new Scratch(backend);
  try {
    return body(scratch);
  } finally {
    scratch.dispose();
  }
}

/** A zero-filled output: makeOutput hands back uninitialised heap memory. */
export function zeros(backend: WasmBackend, shape: number[], dtype: tf.DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

export function requireFloat32(kernelName: string, infos: Record<string, TensorInfo>): void {
  for (const [name, info] of Object.entries(infos)) {
    if (info.dtype !== 'float32') {
      throw new Error(`${kernelName} on wasm: ${name} must be float32, got ${info.dtype}`);
    }
  }
}

/** Rejects layouts the JS-loop kernels do not handle, instead of silently misreading memory. */
export function requireChannelsLast(kernelName: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only, got '${String(dataFormat)}'`);
  }
}

export function as4D(kernelName: string, name: string, shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`${kernelName} on wasm: ${name} must be rank 4, got shape [${shape}]`);
  return shape as [number, number, number, number];
}

/**
 * Geometry of a depthwise convolution with the dilation honoured; the cpu
 * backend's depthwise gradient kernels ignore it when indexing.
 */
export interface DepthwiseGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  multiplier: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

export function depthwiseGeometry(
  kernelName: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: { strides: number | [number, number]; dilations?: number | [number, number]; pad: ConvPad; dimRoundingMode?: RoundingMode },
): DepthwiseGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    as4D(kernelName, 'input', inShape),
    as4D(kernelName, 'filter', filterShape),
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    multiplier: info.outChannels / info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** The attributes both conv2d gradient kernels take. */
export interface Conv2DGradAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: RoundingMode;
  /** Not part of tfjs's attrs (its conv2d gradient refuses dilations); honoured when given. */
  dilations?: number | [number, number];
}

/** The forward convolution's geometry, which both conv2d gradient kernels start from. */
export function conv2DGeometry(kernelName: string, xShape: readonly number[], filterShape: readonly number[], attrs: Conv2DGradAttrs, names: [string, string]) {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  return tf.backend_util.computeConv2DInfo(
    as4D(kernelName, names[0], xShape),
    as4D(kernelName, names[1], filterShape),
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
}
