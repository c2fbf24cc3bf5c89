/** The job routes: submit, read, wait, cancel, stream events, fetch results. */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CodedError } from '../../errors.js';
import type { Config } from '../../config.js';
import { JobSchema } from '../../job/schema.js';
import { validateJob, parseJob } from '../../job/validate.js';
import { resultFromSafetensors, toJsonResult } from '../../job/result.js';
import { packJob, unpackJob } from '../../queue/package.js';
import { jobLinks, type JobRecord } from '../../queue/contract.js';
import { prepareWebhook } from '../../webhooks/prepare.js';
import type { ModelCatalog } from '../../core/models/catalog.js';
import { SAFETENSORS_MEDIA_TYPE } from '../../core/tensors/safetensors.js';
import { IdempotencyConflict, isFinalRecord, TenantAtCapacity, type JobService } from '../../service/jobs.js';
import { principalOf, type Principal } from '../auth.js';
import { IdParamsSchema, JobRecordSchema, JobResultSchema, problemResponse } from '../schemas.js';
import { sendProblem } from '../problems.js';

const MAX_WAIT_SECONDS = 60;
/** A tenant at its cap waits for one of its jobs to end: seconds, typically. */
const CAPACITY_RETRY_SECONDS = 10;

function withoutWebhook(job: unknown): unknown {
  const { webhook: _webhook, ...rest } = job as Record<string, unknown>;
  return rest;
}

/** The service's limits, tightened by the key's own. */
function effectiveLimits(config: Readonly<Config>, principal: Principal): Config['limits'] {
  const own = principal.limits;
  return {
    ...config.limits,
    maxSteps: Math.min(config.limits.maxSteps, own.maxSteps ?? Infinity),
    maxTensorElements: Math.min(config.limits.maxTensorElements, own.maxTensorElements ?? Infinity),
  };
}

export function withUrls(r: JobRecord) {
  return { ...r, urls: jobLinks(r.id) };
}

function notFound(reply: FastifyReply, id: string) {
  return sendProblem(reply, { status: 404, code: 'JOB_NOT_FOUND', detail: `no job "${id}" (unknown, or expired)` });
}

/** Prefer: wait=N (RFC 7240), N capped at 60 s. */
function preferredWait(header: string | string[] | undefined): number | null {
  const m = /(?:^|[,;\s])wait=(\d+)/.exec(Array.isArray(header) ? header.join(',') : header ?? '');
  return m ? Math.min(Number(m[1]), MAX_WAIT_SECONDS) : null;
}

const problems = {
  400: problemResponse('Malformed request (e.g. a body that is not JSON)'),
  413: problemResponse('The body is larger than the limit'),
  415: problemResponse('Neither application/json nor application/vnd.safetensors'),
  422: problemResponse('The job is invalid: the problem names the field and the reason'),
};
const notFoundResponse = problemResponse('No such job (or it expired)');

export function jobRoutes(app: FastifyInstance, deps: { service: JobService; catalog: ModelCatalog; config: Readonly<Config> }): void {
  const { service, catalog, config } = deps;

  app.post(
    '/v1/jobs',
    {
      // The body is checked by validateJob (field-named errors, manifest shapes); the schema documents it.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Submit a gradient job',
        description: 'The body is a job as JSON, or as a safetensors file (application/vnd.safetensors) whose metadata "job" holds the JSON job with {"$tensor": name} in place of each tensor. Prefer: wait=N (N <= 60) holds the request until the job ends or N seconds pass.',
        tags: ['jobs'],
        consumes: ['application/json', SAFETENSORS_MEDIA_TYPE],
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ maxLength: 256, description: 'The same key with the same body returns the same job; with another body, 422' })),
          prefer: Type.Optional(Type.String({ description: 'wait=N: answer when the job ends, or after N seconds' })),
        }),
        body: JobSchema,
        response: { 200: JobRecordSchema, 202: JobRecordSchema, ...problems },
      },
    },
    async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json' && type !== SAFETENSORS_MEDIA_TYPE) {
        return sendProblem(reply, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: `send application/json or ${SAFETENSORS_MEDIA_TYPE}, not ${type || 'no content type'}`, field: 'content-type' });
      }
      const principal = principalOf(request);
      const limits = effectiveLimits(config, principal);
      const body = request.body as unknown;
      const isPackage = Buffer.isBuffer(body);
      const job = isPackage ? unpackJob(body, 'body', limits.maxTensorElements) : body;
      const parsed = parseJob(job);
      let manifest;
      try {
        manifest = await catalog.manifest(parsed.model);
      } catch (err) {
        // A model named in the body that does not exist is a bad field, not a missing resource.
        if (err instanceof CodedError && err.code === 'UNKNOWN_MODEL') throw new CodedError('UNKNOWN_MODEL', err.message, { field: 'model', status: 422 });
        throw err;
      }
      const valid = validateJob(job, manifest, { limits }, parsed);
      const theta = valid.wrt.includes('theta');
      if (theta && !(principal.limits.allowTheta ?? config.tenantDefaults.allowTheta)) {
        throw new CodedError('LIMIT_EXCEEDED', 'gradient.wrt: this API key may not ask for theta gradients', { field: 'gradient.wrt' });
      }
      // Refused here (a private target, no secret), not found out when the job ends.
      const webhook = await prepareWebhook(parsed.webhook, config, principal.webhookSecret);
      // The webhook (and its secret) travels in the job's queue data, not in the stored input.
      const pkg = isPackage ? body : packJob(withoutWebhook(job), limits.maxTensorElements);
      const bodyHash = createHash('sha256').update(isPackage ? body : JSON.stringify(job)).digest('hex');
      const key = request.headers['idempotency-key'] as string | undefined;
      const caps = {
        maxActiveJobs: principal.limits.maxActiveJobs ?? config.tenantDefaults.maxActiveJobs,
        maxActiveThetaJobs: principal.limits.maxActiveThetaJobs ?? config.tenantDefaults.maxActiveThetaJobs,
      };
      let submitted;
      try {
        submitted = await service.submit(pkg, { tenant: principal.tenant, theta, model: parsed.model, method: valid.method, solver: parsed.solver.method, steps: parsed.solver.steps, webhook }, { idempotencyKey: key, bodyHash, caps });
      } catch (err) {
        if (err instanceof IdempotencyConflict) return sendProblem(reply, { status: 422, code: 'IDEMPOTENCY_KEY_REUSED', detail: err.message, field: 'Idempotency-Key' });
        if (err instanceof TenantAtCapacity) {
          reply.header('retry-after', CAPACITY_RETRY_SECONDS);
          return sendProblem(reply, { status: 429, code: 'TOO_MANY_ACTIVE_JOBS', detail: err.message });
        }
        throw err;
      }
      let record = submitted.record;
      // jobId is the field the worker's lines carry too: one jq filter follows the job everywhere.
      request.log.info({ jobId: record.id, tenant: principal.tenant, model: parsed.model, method: valid.method, solver: parsed.solver.method, steps: parsed.solver.steps, created: submitted.created }, 'job accepted');
      const wait = preferredWait(request.headers.prefer);
      if (wait !== null) {
        reply.header('preference-applied', `wait=${wait}`);
        record = (await service.waitFor(record.id, wait * 1000)) ?? record;
      }
      reply.header('location', `/v1/jobs/${record.id}`);
      return reply.code(isFinalRecord(record) ? 200 : 202).send(withUrls(record));
    },
  );

  /** The job if it is the caller's: another tenant's job is as absent as an unknown one. */
  const ownJob = async (request: FastifyRequest, id: string) => {
    const record = await service.get(id);
    return record && record.tenant === principalOf(request).tenant ? record : null;
  };

  app.get('/v1/jobs/:id', { schema: { summary: 'A job: status, progress, timestamps, failure', tags: ['jobs'], params: IdParamsSchema, response: { 200: JobRecordSchema, 404: notFoundResponse } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = await ownJob(request, id);
    return record ? withUrls(record) : notFound(reply, id);
  });

  const cancel = async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: string };
    if (!(await ownJob(request, id))) return notFound(reply, id);
    const record = await service.cancel(id);
    return record ? withUrls(record) : notFound(reply, id);
  };
  const cancelSchema = { summary: 'Cancel a job: a queued job is removed, a running one stops at its next solver step', tags: ['jobs'], params: IdParamsSchema, response: { 200: JobRecordSchema, 404: notFoundResponse } };
  app.delete('/v1/jobs/:id', { schema: cancelSchema }, async (request, reply) => cancel(request, reply));
  app.post('/v1/jobs/:id/cancel', { schema: { ...cancelSchema, summary: 'Cancel a job (same as DELETE)' } }, async (request, reply) => cancel(request, reply));

  app.get(
    '/v1/jobs/:id/result',
    {
      schema: {
        summary: 'The result: JSON (tensors base64, or arrays with ?encoding=array), or a safetensors file with Accept: application/vnd.safetensors',
        tags: ['jobs'],
        params: IdParamsSchema,
        querystring: Type.Object({ encoding: Type.Optional(Type.Union([Type.Literal('b64'), Type.Literal('array')], { default: 'b64' })) }),
        response: {
          200: { description: 'The result', content: { 'application/json': { schema: JobResultSchema }, [SAFETENSORS_MEDIA_TYPE]: { schema: Type.String({ format: 'binary' }) } } },
          404: problemResponse('No such job, or its result expired'),
          409: problemResponse('The job has not succeeded (yet)'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const record = await ownJob(request, id);
      if (!record) return notFound(reply, id);
      if (record.status !== 'succeeded') {
        const why = record.error ? `: ${record.error.code}: ${record.error.message}` : '';
        return sendProblem(reply, { status: 409, code: 'RESULT_NOT_READY', detail: `job ${id} is ${record.status}${why}` });
      }
      const blob = await service.result(id);
      if (!blob) return sendProblem(reply, { status: 404, code: 'RESULT_EXPIRED', detail: `the result of job ${id} is no longer stored` });
      if ((request.headers.accept ?? '').includes(SAFETENSORS_MEDIA_TYPE)) {
        return reply.type(SAFETENSORS_MEDIA_TYPE).header('content-disposition', `attachment; filename="${id}.safetensors"`).send(blob);
      }
      const encoding = (request.query as { encoding?: 'b64' | 'array' }).encoding ?? 'b64';
      // Serialised directly: results can be tens of MB, and the schema only documents them.
      return reply.type('application/json').serializer((x: unknown) => x as string).send(JSON.stringify(toJsonResult(resultFromSafetensors(blob), encoding)));
    },
  );

  app.get('/v1/jobs/:id/events', { schema: { summary: 'Server-Sent Events: progress, then the final state', tags: ['jobs'], params: IdParamsSchema, produces: ['text/event-stream'] } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = await ownJob(request, id);
    if (!record) return notFound(reply, id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('status', withUrls(record));
    if (isFinalRecord(record)) {
      send('done', withUrls(record));
      res.end();
      return;
    }
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const unsubscribe = service.subscribe(id, (e) => {
      if (e.type === 'progress') send('progress', e.progress);
      else {
        send('done', withUrls(e.record));
        close();
      }
    });
    const close = () => {
      clearInterval(keepAlive);
      unsubscribe();
      res.end();
    };
    request.raw.on('close', close);
    // The job may have ended between the first read and the subscription.
    const again = await service.get(id);
    if (isFinalRecord(again)) {
      send('done', withUrls(again!));
      close();
    }
  });
}
