/**
 * The safetensors file format (https://github.com/huggingface/safetensors), float32 only:
 *
 *   8 bytes   N, unsigned little-endian: the header length
 *   N bytes   UTF-8 JSON object: { "<name>": { "dtype", "shape", "data_offsets": [begin, end] },
 *             ..., "__metadata__": { "<key>": "<string>" } }, possibly padded with spaces
 *   the rest  the data buffer: every tensor's little-endian row-major bytes, back to back
 *
 * Files come from clients, so decoding trusts nothing and refuses everything the reference
 * implementation (the Rust crate behind every Python/HF loader) refuses, plus what this
 * service cannot use (other dtypes, NaN/Inf). The header is read with our own strict
 * JSON parser rather than JSON.parse, because JSON.parse silently keeps the last of
 * duplicate keys (the format forbids them: a "parser differential" flagged in the
 * format's security audit) and cannot tell the integer 2 from 2.0 or 2e0 (serde rejects
 * the latter as dimensions or offsets). No allocation for tensor data happens before the
 * whole header and layout have been checked.
 *
 * This module must not import TensorFlow.js: the API process decodes uploads with it.
 */
import { invalid, type CodedError } from '../../errors.js';
import { firstNonFinite } from './base64.js';
import { formatShape } from './codec.js';
import { DEFAULT_MAX_ELEMENTS, type HostTensor } from './schema.js';

export const SAFETENSORS_MEDIA_TYPE = 'application/vnd.safetensors';

/** The reference's cap on the header (it refuses larger ones as a JSON-bomb defence). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsDecodeOptions {
  /** Refuse any tensor with more elements than this (default DEFAULT_MAX_ELEMENTS). */
  maxElements?: number;
  /** Refuse headers longer than this many bytes (default the reference's 100 MB). */
  maxHeaderBytes?: number;
}

export interface SafetensorsFile {
  tensors: Record<string, HostTensor>;
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
const LENGTH_BYTES = 8;
const F32_BYTES = 4;
/** The only dtype this service reads or writes: solvers and losses all run in float32. */
const ACCEPTED_DTYPES = ['F32'] as const;
/** Every dtype the reference knows, so a refusal can say "not supported" vs "unknown". */
const REFERENCE_DTYPES = new Set([
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0',
  'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
]);
/** serde_json's recursion limit: deeper headers are refused by the reference too. */
const MAX_JSON_DEPTH = 128;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: keep a BOM in the text so the
// JSON parser refuses it, as serde does (a BOM is not JSON whitespace).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function bad(field: string, reason: string): CodedError {
  return invalid(field, reason, 'INVALID_TENSOR');
}

/**
 * Sets an own, enumerable property even for the name "__proto__", which a plain
 * assignment would turn into a prototype change (tensor names come from clients).
 * Plain assignment otherwise: defineProperty is slow on objects with many keys.
 */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

// ---------------------------------------------------------------------------------------
// Encoding

/**
 * Writes `tensors` (in their key order) and string `metadata` as one safetensors file.
 * One allocation for the whole file; tensor bytes go in with a memcpy each. Refuses
 * (INVALID_TENSOR, field = the tensor name) what no reader could load back: the reserved
 * name "__metadata__", values that do not fill the shape, names or metadata that are not
 * well-formed Unicode, and a header over the reference's 100 MB cap.
 */
export function encodeSafetensors(tensors: Record<string, HostTensor>, metadata: Record<string, string> = {}): Buffer {
  const parts: string[] = [];
  const metaKeys = Object.keys(metadata);
  // The reference omits __metadata__ when there is none; an empty {} would read back the same.
  if (metaKeys.length > 0) {
    const entries = metaKeys.map((key) => {
      const value: unknown = metadata[key];
      if (typeof value !== 'string') throw bad(`${METADATA_KEY}.${key}`, `metadata values must be strings, got ${kindOf(value)}`);
      if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
        throw bad(`${METADATA_KEY}.${key}`, 'holds a lone UTF-16 surrogate, which UTF-8 cannot encode');
      }
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`"${METADATA_KEY}":{${entries.join(',')}}`);
  }

  const names = Object.keys(tensors);
  const views: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (name === METADATA_KEY) throw bad(name, `"${METADATA_KEY}" is reserved for the metadata and cannot name a tensor`);
    if (LONE_SURROGATE.test(name)) throw bad(name, 'the name holds a lone UTF-16 surrogate, which UTF-8 cannot encode');
    if (!(t?.values instanceof Float32Array)) throw bad(name, 'values must be a Float32Array');
    if (!Array.isArray(t.shape) || !t.shape.every(isDimension)) throw bad(name, 'shape must be an array of non-negative integers');
    let count = 1;
    for (const d of t.shape) count *= d;
    if (count !== t.values.length) {
      throw bad(name, `has ${t.values.length} values but shape ${formatShape(t.shape)} needs ${count}`);
    }
    const bytes = t.values.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    views.push(new Uint8Array(t.values.buffer, t.values.byteOffset, bytes));
    offset += bytes;
  }

  const header = `{${parts.join(',')}}`;
  const headerBytes = Buffer.byteLength(header, 'utf8');
  // Spaces up to a multiple of 8, as the reference writes: the data then starts 8-aligned.
  const padded = Math.ceil(headerBytes / 8) * 8;
  if (padded > SAFETENSORS_MAX_HEADER_BYTES) {
    throw bad('tensors', `the header would take ${padded} bytes, more than the ${SAFETENSORS_MAX_HEADER_BYTES} readers accept`);
  }
  const dataStart = LENGTH_BYTES + padded;
  const out = Buffer.allocUnsafe(dataStart + offset);
  out.writeBigUInt64LE(BigInt(padded), 0);
  out.write(header, LENGTH_BYTES, 'utf8');
  out.fill(0x20, LENGTH_BYTES + headerBytes, dataStart);
  let at = dataStart;
  for (const view of views) {
    out.set(view, at);
    if (!LITTLE_ENDIAN_HOST) out.subarray(at, at + view.byteLength).swap32();
    at += view.byteLength;
  }
  return out;
}

function isDimension(d: unknown): d is number {
  return typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
}

// ---------------------------------------------------------------------------------------
// A strict JSON parser for the header
//
// Objects become Maps (in key order, duplicates refused), numbers keep their source
// text (so integers can be told from fractions and exponents), strings follow RFC 8259
// (no raw control characters, no lone surrogate escapes) like serde_json.

class JsonNumber {
  constructor(readonly raw: string) {}
}

type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

/** A syntax error, with the position (a character index into the header text). */
class JsonSyntaxError extends Error {
  constructor(readonly reason: string, readonly at: number) {
    super(reason);
  }
}

/** A duplicate key; `path` holds the keys of the objects enclosing it. */
class JsonDuplicateKey extends Error {
  constructor(readonly key: string, readonly path: readonly string[]) {
    super(`duplicate key ${JSON.stringify(key)}`);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class HeaderParser {
  private i = 0;
  private readonly path: string[] = [];

  constructor(private readonly s: string) {}

  parse(): JsonValue {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describe()} after the JSON value`);
    return v;
  }

  private fail(reason: string, at = this.i): never {
    throw new JsonSyntaxError(reason, at);
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'end of the header';
    const c = this.s.codePointAt(this.i)!;
    return c < 0x20 || c === 0x7f || c === 0xfeff ? `character U+${c.toString(16).toUpperCase().padStart(4, '0')}` : `character ${JSON.stringify(String.fromCodePoint(c))}`;
  }

  /** JSON whitespace only: space, tab, LF, CR (what the reference's padding may use). */
  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  private value(depth: number): JsonValue {
    if (depth >= MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.s.startsWith('true', this.i)) return (this.i += 4), true;
    if (this.s.startsWith('false', this.i)) return (this.i += 5), false;
    if (this.s.startsWith('null', this.i)) return (this.i += 4), null;
    return this.fail(`unexpected ${this.describe()} where a value should be`);
  }

  private object(depth: number): Map<string, JsonValue> {
    const out = new Map<string, JsonValue>();
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) return this.i++, out;
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail(`unexpected ${this.describe()} where a key should be`);
      const key = this.string();
      if (out.has(key)) throw new JsonDuplicateKey(key, [...this.path]);
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail(`unexpected ${this.describe()} where ":" should be`);
      this.i++;
      this.ws();
      this.path.push(key);
      out.set(key, this.value(depth + 1));
      this.path.pop();
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x7d) return this.i++, out;
      if (c !== 0x2c) this.fail(`unexpected ${this.describe()} where "," or "}" should be`);
      this.i++;
      this.ws();
    }
  }

  private array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) return this.i++, out;
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x5d) return this.i++, out;
      if (c !== 0x2c) this.fail(`unexpected ${this.describe()} where "," or "]" should be`);
      this.i++;
      this.ws();
    }
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail('malformed number');
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }

  private string(): string {
    const s = this.s;
    const open = this.i;
    let out = '';
    let start = ++this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string', open);
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail(`${this.describe()} inside a string (control characters must be escaped)`);
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(start, this.i);
      const escape = this.i;
      const e = s[this.i + 1];
      if (e === 'u') {
        let code = this.hex4(this.i + 2);
        this.i += 6;
        // A UTF-16 pair must come whole: a lone surrogate is no character (serde refuses it).
        if (code >= 0xd800 && code <= 0xdbff) {
          const low = s[this.i] === '\\' && s[this.i + 1] === 'u' ? this.hex4(this.i + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) this.fail('lone leading surrogate in a \\u escape', escape);
          this.i += 6;
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        } else if (code >= 0xdc00 && code <= 0xdfff) {
          this.fail('lone trailing surrogate in a \\u escape', escape);
        }
        out += String.fromCodePoint(code);
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        this.i += 2;
      } else {
        this.fail(e === undefined ? 'unterminated string' : `invalid escape "\\${e}"`, escape);
      }
      start = this.i;
    }
  }

  private hex4(at: number): number {
    const digits = this.s.slice(at, at + 4);
    if (!HEX4.test(digits)) this.fail('a \\u escape needs 4 hex digits', at);
    return parseInt(digits, 16);
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'an object';
  if (v instanceof JsonNumber) return `the number ${v.raw}`;
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  return typeof v;
}

/** A string for a message: JSON-quoted, long ones cut short. */
function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/**
 * `v` as a count or offset: a JSON integer literal >= 0 (serde refuses 2.0 and 2e0 as
 * usize too). Beyond 2^53 a double loses integers; no real file comes near that.
 */
function readIndex(v: JsonValue, what: string, at: string): number {
  if (!(v instanceof JsonNumber) || !/^(?:0|[1-9][0-9]*)$/.test(v.raw)) {
    throw bad(at, `${what} must be a non-negative integer, got ${kindOf(v)}`);
  }
  const n = Number(v.raw);
  if (!Number.isSafeInteger(n)) throw bad(at, `${what} is ${v.raw}, too large (at most ${Number.MAX_SAFE_INTEGER})`);
  return n;
}

// ---------------------------------------------------------------------------------------
// Decoding

interface Entry {
  name: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file. Throws INVALID_TENSOR naming `field` for a problem with the
 * file as a whole (truncation, the header's encoding or syntax, trailing bytes) and
 * `${field}.<tensor name>` (or `${field}.__metadata__...`) where one entry is to blame.
 * Tensors come back in data order, each in a fresh Float32Array that aliases nothing
 * (not the input, not each other: callers may transfer or keep them independently).
 */
export function decodeSafetensors(buf: Uint8Array, field = 'body', opts: SafetensorsDecodeOptions = {}): SafetensorsFile {
  const maxElements = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const maxHeaderBytes = opts.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES;
  const size = buf.byteLength;

  if (size < LENGTH_BYTES) {
    throw bad(field, `truncated: ${size} bytes, but a safetensors file starts with an ${LENGTH_BYTES}-byte header length`);
  }
  // A DataView reads the u64 wherever the bytes sit (a Buffer may start at any offset).
  const n64 = new DataView(buf.buffer, buf.byteOffset, LENGTH_BYTES).getBigUint64(0, true);
  // Checked before truncation, as the reference does: a huge N is an attack, not a short file.
  const n = Number(n64);
  if (n > maxHeaderBytes) throw bad(field, `the header length ${n64} exceeds the limit of ${maxHeaderBytes} bytes`);
  if (LENGTH_BYTES + n > size) {
    throw bad(field, `truncated: the header length says ${n} bytes but only ${size - LENGTH_BYTES} follow the ${LENGTH_BYTES}-byte length`);
  }

  const root = parseHeader(buf.subarray(LENGTH_BYTES, LENGTH_BYTES + n), field);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of root) {
    if (name === METADATA_KEY) readMetadata(info, `${field}.${METADATA_KEY}`, metadata);
    else entries.push(readEntry(info, name, `${field}.${name}`, maxElements));
  }

  // The layout: sorted by offsets (writers may list tensors in any order), the tensors
  // must tile the data buffer exactly, with no overlap, no gap and nothing after.
  // Array.prototype.sort is stable, so ties keep header order.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    if (e.begin !== expected) {
      const where = previous ? `tensor ${JSON.stringify(previous.name)} ends at ${expected}` : 'the data buffer starts at 0';
      throw bad(
        `${field}.${e.name}`,
        e.begin < expected
          ? `data_offsets [${e.begin}, ${e.end}] overlap the bytes of another tensor (${where})`
          : `data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - expected} bytes (${where}); tensors must be contiguous`,
      );
    }
    expected = e.end;
    previous = e;
  }
  const dataStart = LENGTH_BYTES + n;
  const dataBytes = size - dataStart;
  if (expected > dataBytes) {
    throw bad(field, `truncated: the tensors need ${expected} bytes of data but the file holds ${dataBytes}`);
  }
  if (expected < dataBytes) {
    throw bad(field, `${dataBytes - expected} trailing bytes after the last tensor (the data must end where the last tensor does)`);
  }

  const tensors: Record<string, HostTensor> = {};
  for (const e of entries) {
    // Copy the bytes into a fresh, aligned buffer, then view them: the source may sit
    // at any byte offset (Float32Array views need 4-byte alignment) and must not be aliased.
    const values = new Float32Array(e.count);
    const bytes = new Uint8Array(values.buffer);
    bytes.set(buf.subarray(dataStart + e.begin, dataStart + e.end));
    if (!LITTLE_ENDIAN_HOST) Buffer.from(values.buffer).swap32();
    const i = firstNonFinite(values);
    if (i >= 0) throw bad(`${field}.${e.name}`, `non-finite value ${values[i]} at flat index ${i}`);
    setOwn(tensors, e.name, { shape: e.shape, values });
  }
  return { tensors, metadata };
}

function parseHeader(bytes: Uint8Array, field: string): Map<string, JsonValue> {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw bad(field, `the header is not valid UTF-8: ${describeUtf8Error(bytes)}`);
  }
  let root: JsonValue;
  try {
    root = new HeaderParser(text).parse();
  } catch (err) {
    if (err instanceof JsonDuplicateKey) {
      // A repeated tensor name blames that tensor; a repeat inside one entry blames the entry.
      const [top] = err.path;
      if (top === undefined) {
        throw bad(`${field}.${err.key}`, 'appears twice in the header (duplicate keys are not allowed)');
      }
      throw bad(`${field}.${top}`, `duplicate key ${JSON.stringify(err.key)} (duplicate keys are not allowed)`);
    }
    if (err instanceof JsonSyntaxError) {
      const at = Buffer.byteLength(text.slice(0, err.at), 'utf8');
      throw bad(field, `the header is not valid JSON: ${err.reason} at byte ${at} of the header`);
    }
    throw err;
  }
  if (!(root instanceof Map)) throw bad(field, `the header must be a JSON object, but it is ${kindOf(root)}`);
  return root;
}

/**
 * Where the first invalid UTF-8 sequence starts, for the refusal message (the fast native
 * decoder only says that there is one).
 */
function describeUtf8Error(b: Uint8Array): string {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the smallest code point allowed
    // (anything smaller is an overlong encoding).
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0) return `byte 0x${c.toString(16)} at offset ${i} of the header cannot start a character`;
    let cp = c & (0x7f >> (need + 1));
    for (let k = 1; k <= need; k++) {
      const next = b[i + k];
      if (next === undefined) return `the character at offset ${i} of the header is cut short`;
      if ((next & 0xc0) !== 0x80) return `the character at offset ${i} of the header is cut short`;
      cp = (cp << 6) | (next & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return `the bytes at offset ${i} of the header do not encode a valid character`;
    }
    i += need + 1;
  }
  return 'an invalid byte sequence';
}

function readMetadata(info: JsonValue, at: string, out: Record<string, string>): void {
  // The reference reads __metadata__ as an optional map, so null means "none".
  if (info === null) return;
  if (!(info instanceof Map)) throw bad(at, `must be an object of string values, but it is ${kindOf(info)}`);
  for (const [key, value] of info) {
    if (typeof value !== 'string') throw bad(`${at}.${key}`, `metadata values must be strings, got ${kindOf(value)}`);
    setOwn(out, key, value);
  }
}

function readEntry(info: JsonValue, name: string, at: string, maxElements: number): Entry {
  if (!(info instanceof Map)) throw bad(at, `expected { "dtype", "shape", "data_offsets" }, got ${kindOf(info)}`);
  // Other keys in an entry are ignored, as the reference (serde, unknown fields allowed) does.
  const dtype = info.get('dtype');
  const allowed = ACCEPTED_DTYPES.join(', ');
  if (dtype === undefined) throw bad(at, `dtype is missing (allowed: ${allowed})`);
  if (typeof dtype !== 'string') throw bad(at, `dtype must be a string, got ${kindOf(dtype)} (allowed: ${allowed})`);
  if (!(ACCEPTED_DTYPES as readonly string[]).includes(dtype)) {
    throw bad(
      at,
      REFERENCE_DTYPES.has(dtype)
        ? `dtype ${JSON.stringify(dtype)} is not accepted (allowed: ${allowed}; the service computes in float32)`
        : `unknown dtype ${quote(dtype)} (allowed: ${allowed})`,
    );
  }

  const rawShape = info.get('shape');
  if (rawShape === undefined) throw bad(at, 'shape is missing');
  if (!Array.isArray(rawShape)) throw bad(at, `shape must be an array of non-negative integers, got ${kindOf(rawShape)}`);
  const shape = rawShape.map((d, i) => readIndex(d, `shape[${i}]`, at));
  // Checked before anything is allocated; a zero dimension makes an empty tensor, which
  // the reference allows. Past the limit the product may be inexact, which only the
  // message shows.
  let count = 1;
  for (const d of shape) count *= d;
  if (count > maxElements) {
    throw bad(at, `shape ${formatShape(shape)} has ${count} elements, more than the limit of ${maxElements}`);
  }

  const offsets = info.get('data_offsets');
  if (offsets === undefined) throw bad(at, 'data_offsets is missing');
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw bad(at, `data_offsets must be [begin, end], two non-negative integers, got ${describeOffsets(offsets)}`);
  }
  const begin = readIndex(offsets[0], 'data_offsets[0] (begin)', at);
  const end = readIndex(offsets[1], 'data_offsets[1] (end)', at);
  if (end < begin) throw bad(at, `data_offsets [${begin}, ${end}] end before they begin`);
  const needed = count * F32_BYTES;
  if (end - begin !== needed) {
    throw bad(at, `data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${formatShape(shape)} of F32 needs ${needed}`);
  }
  return { name, shape, count, begin, end };
}

function describeOffsets(v: JsonValue): string {
  if (!Array.isArray(v)) return kindOf(v);
  return `an array of ${v.length} elements`;
}
