/**
 * Problems for requests refused before any route runs, which Fastify's error handler never
 * sees: a URL the router cannot decode or a path parameter over the length limit (Fastify's
 * "framework errors"), and requests Node's HTTP parser refuses (malformed, headers too
 * large, too slow), for which Fastify writes its own plain-JSON answer by default. Either
 * way the client gets an application/problem+json naming the part of the request at fault.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problemBody, sendProblem, type Problem } from './problems.js';

/** For Fastify's `frameworkErrors` option. */
export function sendFrameworkProblem(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem: Problem =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { status: 414, code: 'URI_TOO_LONG', detail: 'a path segment (an id) is longer than the limit', field: 'url' }
      : err.code === 'FST_ERR_BAD_URL'
        ? { status: 400, code: 'BAD_REQUEST', detail: 'the URL path is not valid percent-encoded UTF-8', field: 'url' }
        : { status: 500, code: 'INTERNAL', detail: 'internal error' };
  if (problem.status >= 500) request.log.error({ err }, 'unexpected framework error');
  sendProblem(reply, problem);
}

/** What of the request Node's parser (llhttp) found wrong, by its error code. */
const PARSE_ERROR_FIELDS: Record<string, string> = {
  HPE_INVALID_METHOD: 'method',
  HPE_INVALID_URL: 'url',
  HPE_INVALID_VERSION: 'version',
  HPE_INVALID_HEADER_TOKEN: 'headers',
  HPE_INVALID_CONTENT_LENGTH: 'content-length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'content-length',
  HPE_INVALID_TRANSFER_ENCODING: 'transfer-encoding',
  HPE_INVALID_CHUNK_SIZE: 'body',
};

function clientProblem(code: string | undefined): Problem {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'the request headers are larger than the limit', field: 'headers' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'the request did not arrive in time', field: 'request' };
  return { status: 400, code: 'BAD_REQUEST', detail: `not a valid HTTP/1.1 request (${code ?? 'parse error'})`, field: PARSE_ERROR_FIELDS[code ?? ''] ?? 'request' };
}

/** For Fastify's `clientErrorHandler` option: answers on the raw socket, then closes it. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = problemBody(clientProblem(err.code));
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
