/**
 * Requests to every route but job submission, as plain data: the job and model routes
 * with ids real and made up (path traversal plain and percent-encoded, NUL, bad
 * percent-encoding, over-long, non-ASCII), query strings, unknown routes and methods, and
 * the headers clients vary (Accept, Prefer, Idempotency-Key, Content-Type with a body
 * where none belongs).
 */
import fc from 'fast-check';
import type { Request } from '../helpers/wire.js';

export interface RouteRequest {
  method: string;
  route: string;
  /** An index into the known job ids, or a made-up id. */
  id: { known: number } | { raw: string };
  query: string;
  headers: Record<string, string>;
  body: { type: string; text: string } | null;
}

const ROUTES = ['/v1/jobs/:id', '/v1/jobs/:id/result', '/v1/jobs/:id/events', '/v1/jobs/:id/cancel', '/v1/models', '/v1/models/:id', '/v1/jobs', '/v1/jobs/:id/:id', '/v1/:id', '/:id', '/v2/jobs/:id', '/v1/models/:id/weights', '/docs/:id', '/v1//jobs'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];

/** Ids as a path segment, sent as written (already percent-encoded where they are). */
const madeUpId = fc.oneof(
  fc.constantFrom(
    '..', '.', '%2e%2e', '%2e%2e%2f', '..%2f..%2fetc%2fpasswd', '..%5c..%5cwindows', '%00', 'a%00b', '%zz', '%', '%E0%A4%A', '%C0%AF', '%ff', '%F0%9F%98%80',
    'linear', 'unet-tiny', 'LINEAR', 'linear%20', '%20linear', 'linear.json', '__proto__', 'constructor', 'hasOwnProperty', '0', '-1', '1e999', 'NaN', 'null', 'undefined',
    'x'.repeat(100), 'x'.repeat(101), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(5000), '%41'.repeat(200),
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.uuid(),
);

const accept = fc.constantFrom('application/json', 'application/vnd.safetensors', 'application/vnd.safetensors, application/json;q=0.5', '*/*', 'text/event-stream', 'text/html', 'application/xml', 'application/problem+json', '', 'garbage;;;q=x', 'APPLICATION/VND.SAFETENSORS');
const prefer = fc.constantFrom('wait=0', 'wait=1', 'wait=-1', 'wait=abc', 'wait=1e9', 'wait=99999999999999999999', 'respond-async', 'wait=', 'return=minimal, wait=0');
const idempotencyKey = fc.oneof(fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constantFrom('x'.repeat(257), 'x'.repeat(4000), ''));
const query = fc.constantFrom('', '?encoding=b64', '?encoding=array', '?encoding=', '?encoding=hex', '?encoding=b64&encoding=array', '?encoding[]=b64', '?encoding=%00', '?x=1', '?%zz', '?encoding=ARRAY', '?encoding=b64&encoding=b64');

export const routeRequest: fc.Arbitrary<RouteRequest> = fc.record({
  method: fc.constantFrom(...METHODS),
  route: fc.constantFrom(...ROUTES),
  id: fc.oneof(fc.record({ known: fc.nat() }), fc.record({ raw: madeUpId })),
  query,
  headers: fc.record({ accept, prefer, 'idempotency-key': idempotencyKey }, { requiredKeys: [] }),
  body: fc.option(
    fc.record({
      type: fc.constantFrom('application/json', 'text/plain', 'application/vnd.safetensors', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'),
      text: fc.constantFrom('{}', '{', '[]', 'null', 'x', '{"id": "x"}', ''),
    }),
    { freq: 4 },
  ),
});

/** The request to send, with `known` ids taken from the jobs created so far. */
export function toRequest(r: RouteRequest, knownIds: readonly string[]): Request {
  const id = 'known' in r.id ? (knownIds.length > 0 ? knownIds[r.id.known % knownIds.length] : 'no-jobs-yet') : r.id.raw;
  const headers: Record<string, string> = { ...r.headers };
  if (r.body) headers['content-type'] = r.body.type;
  // GET and HEAD cannot carry a body through fetch.
  const body = r.body && r.method !== 'GET' && r.method !== 'HEAD' ? new TextEncoder().encode(r.body.text) : undefined;
  return { method: r.method, path: r.route.replaceAll(':id', id) + r.query, headers, body };
}
