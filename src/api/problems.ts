/**
 * One error handler: every failure leaves as application/problem+json with a code and,
 * for input errors, the field. Bad input is always a 4xx; only coded 4xx messages reach
 * clients verbatim, anything unexpected is a generic 500 (and logged).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CodedError } from '../errors.js';
import { isQueueOutage, RETRY_AFTER_SECONDS } from './outage.js';

export const PROBLEM_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  status: number;
  code: string;
  detail: string;
  field?: string;
}

export function problemBody(p: Problem, instance?: string) {
  return { type: `/problems/${p.code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[p.status] ?? 'Error', status: p.status, detail: p.detail, code: p.code, ...(p.field ? { field: p.field } : {}), ...(instance ? { instance } : {}) };
}

export function sendProblem(reply: FastifyReply, p: Problem, instance?: string): FastifyReply {
  return reply.code(p.status).type(PROBLEM_TYPE).send(problemBody(p, instance));
}

/**
 * Fastify's own errors (parsing, limits, content types) as problems. Each names the part
 * of the request at fault (the body, a header), as input errors name their field.
 */
function fromFastify(err: FastifyError): Problem | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'BODY_TOO_LARGE', detail: 'the request body is larger than the limit', field: 'body' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'send application/json or application/vnd.safetensors', field: 'content-type' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'INVALID_JSON', detail: 'the body is empty', field: 'body' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'BAD_REQUEST', detail: err.message, field: 'content-length' };
  }
  if (err.validation) {
    const v = err.validation[0];
    const field = `${err.validationContext ?? 'request'}${v?.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
    return { status: 400, code: 'BAD_REQUEST', detail: `${field}: ${v?.message ?? err.message}`, field };
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, code: 'INVALID_JSON', detail: `the body is not valid JSON (${err.message})`, field: 'body' };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's content-type parsers (FST_ERR_CTP_*) fail on the body; its other 4xx on the request as a whole.
    return { status: err.statusCode, code: 'BAD_REQUEST', detail: err.message, field: err.code?.startsWith('FST_ERR_CTP_') ? 'body' : 'request' };
  }
  return null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Client errors and 'come back later' (503) are the caller's to read; other 5xx are ours to log.
    if (err instanceof CodedError && (err.status < 500 || err.status === 503)) {
      return sendProblem(reply, { status: err.status, code: err.code, detail: err.message, field: err.field }, request.url);
    }
    if (isQueueOutage(err)) {
      request.log.warn({ err }, 'queue unreachable');
      reply.header('retry-after', RETRY_AFTER_SECONDS);
      return sendProblem(reply, { status: 503, code: 'QUEUE_UNAVAILABLE', detail: `the job queue is unreachable; retry in ${RETRY_AFTER_SECONDS} s` }, request.url);
    }
    const known = fromFastify(err);
    if (known) return sendProblem(reply, known, request.url);
    request.log.error({ err }, 'unexpected error');
    return sendProblem(reply, { status: 500, code: 'INTERNAL', detail: 'internal error' }, request.url);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, { status: 404, code: 'NOT_FOUND', detail: `no route ${request.method} ${request.url.split('?')[0]}` }));
}
