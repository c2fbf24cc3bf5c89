/** Safetensors (F32 only): 8-byte LE header length, JSON header, contiguous data. */
import { invalid } from '../../errors.js';
import { firstNonFinite } from './base64.js';
import type { HostTensor } from './schema.js';

export const SAFETENSORS_MEDIA_TYPE = 'application/vnd.safetensors';

export function encodeSafetensors(tensors: Record<string, HostTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.values.byteLength] };
    offset += t.values.byteLength;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.allocUnsafe(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength).copy(out, at);
    at += t.values.byteLength;
  }
  return out;
}

export function decodeSafetensors(buf: Uint8Array, field = 'body', opts: { maxElements?: number } = {}): { tensors: Record<string, HostTensor>; metadata: Record<string, string> } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8) throw invalid(field, `truncated: ${b.length} bytes, a safetensors file starts with an 8-byte header length`, 'INVALID_TENSOR');
  const n = Number(b.readBigUInt64LE(0));
  if (n > 100_000_000 || 8 + n > b.length) throw invalid(field, `truncated: the header says ${n} bytes, the file holds ${b.length - 8} after the length`, 'INVALID_TENSOR');
  let header: Record<string, any>;
  try {
    header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  } catch {
    throw invalid(field, 'the header is not valid JSON', 'INVALID_TENSOR');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid(field, 'the header is not a JSON object', 'INVALID_TENSOR');
  const data = b.subarray(8 + n);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(header.__metadata__ ?? {})) {
    if (typeof v !== 'string') throw invalid(`${field}.__metadata__.${k}`, 'metadata values must be strings', 'INVALID_TENSOR');
    metadata[k] = v;
  }
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  entries.sort((a, b2) => a[1]?.data_offsets?.[0] - b2[1]?.data_offsets?.[0]);
  const tensors: Record<string, HostTensor> = {};
  let expected = 0;
  for (const [name, info] of entries) {
    const at = `${field}.${name}`;
    if (info?.dtype !== 'F32') throw invalid(at, `dtype ${JSON.stringify(info?.dtype)}: only F32 is accepted`, 'INVALID_TENSOR');
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)) throw invalid(at, 'shape must be an array of non-negative integers', 'INVALID_TENSOR');
    const count = shape.reduce((x: number, y: number) => x * y, 1);
    if (opts.maxElements !== undefined && count > opts.maxElements) throw invalid(at, `${count} elements, more than the limit of ${opts.maxElements}`, 'INVALID_TENSOR');
    const [begin, end] = info.data_offsets ?? [];
    if (begin !== expected || end !== begin + 4 * count) throw invalid(at, `data_offsets [${begin}, ${end}] do not match the layout (expected [${expected}, ${expected + 4 * count}])`, 'INVALID_TENSOR');
    if (end > data.length) throw invalid(at, `truncated: data ends at ${data.length}, the tensor at ${end}`, 'INVALID_TENSOR');
    const values = new Float32Array(count);
    Buffer.from(values.buffer).set(data.subarray(begin, end));
    const bad = firstNonFinite(values);
    if (bad >= 0) throw invalid(at, `non-finite value ${values[bad]} at flat index ${bad}`, 'INVALID_TENSOR');
    tensors[name] = { shape: [...shape], values };
    expected = end;
  }
  if (expected !== data.length) throw invalid(field, `${data.length - expected} bytes after the last tensor`, 'INVALID_TENSOR');
  return { tensors, metadata };
}
