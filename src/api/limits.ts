/**
 * What keeps one caller or one bad moment from taking the service down:
 * - per-key rate limits, counted in Redis when there is one, so they hold across API replicas;
 * - load shedding: 503 with Retry-After while the event loop lags or memory runs high;
 * - a 503 with Retry-After while the queue (Redis) is unreachable, instead of hanging or failing.
 * Health, metrics and docs stay reachable through all of it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { CodedError } from '../errors.js';
import type { JobService } from '../service/jobs.js';
import { problemBody, PROBLEM_TYPE } from './problems.js';
import { RETRY_AFTER_SECONDS } from './outage.js';
import { isOperationsPath } from './paths.js';

export async function installRateLimit(app: FastifyInstance, config: Readonly<Config>, redis: Redis | null, onLimited?: () => void): Promise<void> {
  const defaults = config.tenantDefaults;
  await app.register(rateLimit, {
    global: true,
    // Counted per key (or per client address in open mode), whichever replica answers.
    ...(redis ? { redis, nameSpace: 'diffgrad:ratelimit:' } : {}),
    // A Redis outage must not turn into rate-limit errors: the queue check answers it.
    skipOnError: true,
    timeWindow: defaults.rateWindowMs,
    max: (request: FastifyRequest) => request.principal?.limits.rateMax ?? defaults.rateMax,
    keyGenerator: (request: FastifyRequest) => request.principal?.rateKey ?? `ip:${request.ip}`,
    allowList: (request: FastifyRequest) => isOperationsPath(request.url),
    onExceeded: () => onLimited?.(),
    errorResponseBuilder: (_request, context) => new CodedError('RATE_LIMITED', `rate limit of ${context.max} requests reached; retry in ${context.after}`),
  });
}

export async function installLoadShedding(app: FastifyInstance, config: Readonly<Config>, onShed?: (reason: string) => void): Promise<void> {
  const { maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes } = config.pressure;
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    maxHeapUsedBytes,
    maxRssBytes,
    retryAfter: RETRY_AFTER_SECONDS,
    // Returning nothing lets the request through; returning a body answers it.
    // (Its types say void; its code sends what the handler returns.)
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string) => {
      if (isOperationsPath(request.url)) return undefined;
      onShed?.(type);
      reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).type(PROBLEM_TYPE);
      return problemBody({ status: 503, code: 'OVERLOADED', detail: `the service is overloaded (${type}); retry in ${RETRY_AFTER_SECONDS} s` }, request.url);
    }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string) => void,
  });
}

/** While the queue is down, job routes answer 503 at once rather than wait on Redis. */
export function installQueueAvailability(app: FastifyInstance, service: JobService): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isOperationsPath(request.url) || service.available()) return;
    reply.header('retry-after', RETRY_AFTER_SECONDS);
    throw new CodedError('QUEUE_UNAVAILABLE', `the job queue is unreachable; retry in ${RETRY_AFTER_SECONDS} s`);
  });
}
