/**
 * Numbers and base64 payloads as clients get them wrong: values float32 cannot hold,
 * NaN and ±Inf in every form JSON and base64 can carry them (JSON has no NaN literal, so
 * strings, and literals such as 1e999 that JSON.parse makes Infinity; base64 carries
 * float32 bit patterns: quiet and signalling NaNs, ±Inf), and base64 that is cut short,
 * padded wrongly, of another alphabet or of a length no float32 count gives.
 */
import fc from 'fast-check';
import { Raw } from './json-text.js';

/** Numbers JSON carries but a float32 tensor or a count may not: overflow, underflow, beyond 2^53; and finite ones large enough to overflow the solve or its gradient. */
export const EXTREME_NUMBERS = [1e308, -1e308, Number.MAX_VALUE, 1e39, -1e39, 3.5e38, -3.5e38, 2 ** 128, 3.4028234663852886e38, 1e37, -1e36, 5e-324, -5e-324, 1e-46, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 2 ** 32, -1, 0, 0.5, 1.5, -0.5];

/** Non-finite values as JSON text can spell them: literals (1e999, and the non-JSON NaN/Infinity) and strings. */
export const NON_FINITE_JSON = [
  new Raw('1e999'), new Raw('-1e999'), new Raw('1E400'), new Raw('-0'), new Raw('NaN'), new Raw('Infinity'), new Raw('-Infinity'),
  'NaN', 'Infinity', '-Infinity', 'nan', 'inf', '1e999', '0x7fc00000',
];

/** float32 bit patterns that are not finite numbers. */
export const NON_FINITE_BITS = [0x7fc00000, 0xffc00000, 0x7f800000, 0xff800000, 0x7f800001, 0x7fbfffff, 0xffffffff, 0x7fffffff];
/** Edge bit patterns that are finite (must be accepted): -0, the smallest subnormal, the largest float32. */
export const FINITE_EDGE_BITS = [0x80000000, 0x00000001, 0x7f7fffff, 0xff7fffff];

/** Little-endian float32 bytes of `values`, with `bits` written at element `index` when given. */
export function float32Bytes(values: readonly number[], poke?: { index: number; bits: number }): Buffer {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  if (poke && values.length > 0) buf.writeUInt32LE(poke.bits >>> 0, (poke.index % values.length) * 4);
  return buf;
}

/** How a base64 payload is spoiled. */
export type B64Corruption =
  | { kind: 'none' }
  | { kind: 'truncate'; chars: number }
  | { kind: 'drop-padding' }
  | { kind: 'extra-padding' }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'urlsafe' }
  | { kind: 'bytes-off'; by: number }
  | { kind: 'half-precision' };

export const b64Corruption: fc.Arbitrary<B64Corruption> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('truncate' as const), chars: fc.integer({ min: 1, max: 9 }) }),
  fc.constant({ kind: 'drop-padding' as const }),
  fc.constant({ kind: 'extra-padding' as const }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('!', ' ', '\n', '=', '-', '_', 'é', '\u0000', '====', 'AAAA', '\\u0041', '%3D') }),
  fc.constant({ kind: 'urlsafe' as const }),
  fc.record({ kind: fc.constant('bytes-off' as const), by: fc.constantFrom(-3, -2, -1, 1, 2, 3, 4) }),
  fc.constant({ kind: 'half-precision' as const }),
);

/** Base64 of `bytes`, spoiled as `c` says (some corruptions rewrite the bytes first). */
export function corruptBase64(bytes: Buffer, c: B64Corruption): string {
  switch (c.kind) {
    case 'none':
      return bytes.toString('base64');
    case 'truncate': {
      const s = bytes.toString('base64');
      return s.slice(0, Math.max(0, s.length - c.chars));
    }
    case 'drop-padding':
      return bytes.toString('base64').replace(/=+$/, '');
    case 'extra-padding':
      return `${bytes.toString('base64')}=`;
    case 'insert': {
      const s = bytes.toString('base64');
      const at = c.at % (s.length + 1);
      return s.slice(0, at) + c.text + s.slice(at);
    }
    case 'urlsafe':
      // Forces characters of the base64url alphabet into the payload.
      return Buffer.concat([bytes, Buffer.from([0xfb, 0xff, 0xbf])]).toString('base64url');
    case 'bytes-off':
      return (c.by < 0 ? bytes.subarray(0, Math.max(0, bytes.length + c.by)) : Buffer.concat([bytes, Buffer.alloc(c.by, 0x41)])).toString('base64');
    case 'half-precision': {
      // Two bytes per element, as float16/bfloat16 would send: the upper half of each float32.
      const half = Buffer.alloc(bytes.length / 2);
      for (let i = 0; i < half.length / 2; i++) bytes.copy(half, i * 2, i * 4 + 2, i * 4 + 4);
      return half.toString('base64');
    }
  }
}

/** dtypes a client might write; only "float32" is accepted. */
export const DTYPE_GUESSES = ['float32', 'float32', 'float32', 'float16', 'bfloat16', 'float64', 'int32', 'uint8', 'F32', 'Float32', 'float', '', null, 32];
