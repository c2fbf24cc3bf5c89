/**
 * Requests no HTTP client would send, as plain data for the raw socket: a Content-Length
 * shorter or longer than the body, two of them, one with Transfer-Encoding: chunked,
 * broken chunks, invalid UTF-8 in a JSON body, bytes above 0x7f or control characters
 * in header values, an over-long header, odd methods and request targets.
 */
import fc from 'fast-check';
import { rawRequest } from '../helpers/wire.js';

export type RawRequest =
  | { kind: 'content-length'; body: string; claim: 'shorter' | 'longer' | 'non-numeric' | 'negative' | 'twice' | 'with-chunked' | 'huge' }
  | { kind: 'chunked'; chunks: string }
  | { kind: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'header-bytes'; name: string; value: number[] }
  | { kind: 'long-header'; length: number }
  | { kind: 'request-line'; line: string };

const JOB = JSON.stringify({ model: 'linear', x_T: { shape: [1, 4], data: [1, 2, 3, 4] }, z: { shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6] }, loss: { type: 'linear', weights: { shape: [1, 4], data: [1, 1, 1, 1] } }, solver: { method: 'ddim', steps: 2 } });

export const rawRequestArb: fc.Arbitrary<RawRequest> = fc.oneof(
  fc.record({ kind: fc.constant('content-length' as const), body: fc.constantFrom(JOB, '{"model":"linear"}', '{}', ''), claim: fc.constantFrom('shorter' as const, 'longer' as const, 'non-numeric' as const, 'negative' as const, 'twice' as const, 'with-chunked' as const, 'huge' as const) }),
  fc.record({ kind: fc.constant('chunked' as const), chunks: fc.constantFrom('5\r\n{"a":\r\n0\r\n\r\n', 'zz\r\n{}\r\n0\r\n\r\n', '2\r\n{}\r\n', '2\r\n{}0\r\n\r\n', 'ffffffffffffffff\r\n{}\r\n0\r\n\r\n', '-2\r\n{}\r\n0\r\n\r\n', `${JOB.length.toString(16)}\r\n${JOB}\r\n0\r\n\r\n`) }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.nat(), bytes: fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x00]) }),
  fc.record({ kind: fc.constant('header-bytes' as const), name: fc.constantFrom('Idempotency-Key', 'Prefer', 'Accept', 'Content-Type', 'X-Custom'), value: fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x00, 0x01, 0x7f, 0x0b, 0x20, 0x41)), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('long-header' as const), length: fc.constantFrom(8_000, 17_000, 70_000) }),
  fc.record({ kind: fc.constant('request-line' as const), line: fc.constantFrom('GET /v1/models HTTP/1.0', 'GET /v1/mod els HTTP/1.1', 'GET v1/models HTTP/1.1', 'GET * HTTP/1.1', 'G@T /v1/models HTTP/1.1', 'GET /v1/models HTTP/2.0', 'GET /v1/models/\u00e9 HTTP/1.1', 'GET http://127.0.0.1/v1/models HTTP/1.1', 'GET /v1/jobs/%ZZ HTTP/1.1', 'BREW /v1/jobs HTTP/1.1', 'GET /v1/models') }),
);

const json = (type = 'application/json') => `Content-Type: ${type}`;

/** The bytes of the request. */
export function rawBytes(r: RawRequest): Buffer {
  switch (r.kind) {
    case 'content-length': {
      const body = Buffer.from(r.body);
      const claim = { shorter: [`Content-Length: ${Math.max(0, body.length - 3)}`], longer: [`Content-Length: ${body.length + 10}`], 'non-numeric': ['Content-Length: ten'], negative: ['Content-Length: -1'], twice: [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`], 'with-chunked': [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], huge: ['Content-Length: 99999999999999999999'] }[r.claim];
      return rawRequest('POST', '/v1/jobs', [json(), ...claim], body);
    }
    case 'chunked':
      return rawRequest('POST', '/v1/jobs', [json(), 'Transfer-Encoding: chunked'], Buffer.from(r.chunks, 'latin1'));
    case 'invalid-utf8': {
      const text = Buffer.from(JOB);
      const at = 1 + (r.at % (text.length - 1));
      const body = Buffer.concat([text.subarray(0, at), Buffer.from(r.bytes), text.subarray(at)]);
      return rawRequest('POST', '/v1/jobs', [json(), `Content-Length: ${body.length}`], body);
    }
    case 'header-bytes': {
      const head = Buffer.from(`POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${JOB.length}\r\n${r.name === 'Content-Type' ? '' : `${json()}\r\n`}${r.name}: `, 'latin1');
      return Buffer.concat([head, Buffer.from(r.value), Buffer.from(`\r\n\r\n${JOB}`, 'latin1')]);
    }
    case 'long-header':
      return rawRequest('GET', '/v1/models', [`X-Long: ${'a'.repeat(r.length)}`]);
    case 'request-line':
      return Buffer.from(`${r.line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'utf8');
  }
}
