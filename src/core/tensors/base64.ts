/**
 * Strict base64 for float32 payloads. Node's decoder skips characters outside the
 * alphabet, accepts base64url, and drops stray bits, so a corrupted payload would
 * decode to plausible numbers. We decode with Node (fast, native), then require the
 * canonical re-encoding to equal the input: that one native pass proves the alphabet,
 * the padding and the zero pad bits. The slow character scan runs only to explain a
 * failure.
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function padding(s: string): number {
  return s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
}

/** Why `s` is not canonical padded standard base64 (called only once it is known not to be). */
function explainBadBase64(s: string): string {
  if (s.length % 4 !== 0) return `its length ${s.length} is not a multiple of 4 (padding with "=" is required)`;
  const body = s.slice(0, s.length - padding(s));
  const bad = /[^A-Za-z0-9+/]/.exec(body);
  if (bad) {
    const what = bad[0] === '=' ? '"=" before the end' : `character ${JSON.stringify(bad[0])}`;
    return `unexpected ${what} at offset ${bad.index}`;
  }
  return 'the bits after the last full byte are not zero (not canonical base64)';
}

/**
 * Decodes `s` into exactly `count` float32 values, or returns the reason it cannot.
 * The byte count is judged from the length before decoding, so an oversized payload
 * is refused without allocating for it.
 */
export function decodeFloat32Base64(s: string, count: number): Float32Array | string {
  if (s.length % 4 !== 0) return `not valid base64: ${explainBadBase64(s)}`;
  const byteLength = (s.length / 4) * 3 - padding(s);
  if (byteLength !== count * 4) {
    return `holds ${byteLength} bytes but ${count} float32 elements need ${count * 4} (4 bytes each)`;
  }
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== byteLength || bytes.toString('base64') !== s) {
    return `not valid base64: ${explainBadBase64(s)}`;
  }
  if (!LITTLE_ENDIAN_HOST) bytes.swap32();
  // A fresh, aligned buffer: Node may hand back a slice of a shared pool.
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Base64 of the little-endian bytes of `values`, whatever the host's byte order. */
export function encodeFloat32Base64(values: Float32Array): string {
  const view = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN_HOST) return view.toString('base64');
  return Buffer.from(view).swap32().toString('base64');
}

/**
 * Index of the first NaN or ±Inf, or -1. Reads the exponent bits through an integer
 * view: cheaper than a float compare per element on tens of millions of values.
 */
export function firstNonFinite(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    if ((bits[i] & 0x7f800000) === 0x7f800000) return i;
  }
  return -1;
}
