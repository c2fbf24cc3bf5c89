/** The whole lifecycle through a client generated from the checked-in spec (openapi-typescript + openapi-fetch). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createClient from 'openapi-fetch';
import type { paths } from '../../openapi/schema.js';
import { startStack, tinyJob, type Stack } from '../helpers/stack.js';
import { decodeSafetensors } from '../../src/core/tensors/safetensors.js';
import { decodeTensor } from '../../src/core/tensors/codec.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ db: 5, workers: 1 });
});
after(async () => stack.close());

test('generated client: models, submit, wait, status, JSON and safetensors results, cancel, problems', async () => {
  const client = createClient<paths>({ baseUrl: stack.url });

  const models = await client.GET('/v1/models');
  assert.ok(models.data!.models.some((m) => m.id === 'unet-tiny'));

  const job = tinyJob(3, { gradient: { wrt: ['x_T', 'z'] } }) as paths['/v1/jobs']['post']['requestBody']['content']['application/json'];
  const submitted = await client.POST('/v1/jobs', { body: job, params: { header: { prefer: 'wait=30' } } });
  assert.equal(submitted.response.status, 200);
  const id = submitted.data!.id;
  assert.equal(submitted.data!.status, 'succeeded');

  const status = await client.GET('/v1/jobs/{id}', { params: { path: { id } } });
  assert.equal(status.data!.summary!.stats.nfe_forward, 3);

  const json = await client.GET('/v1/jobs/{id}/result', { params: { path: { id }, query: { encoding: 'array' } } });
  const z = (json.data as Exclude<typeof json.data, string | undefined>).grad.z!;
  assert.deepEqual(z.shape, [3, 1, 6]);

  const binary = await client.GET('/v1/jobs/{id}/result', { params: { path: { id } }, headers: { accept: 'application/vnd.safetensors' }, parseAs: 'arrayBuffer' });
  const file = decodeSafetensors(new Uint8Array(binary.data as ArrayBuffer));
  assert.deepEqual(Array.from(file.tensors['grad.z'].values), Array.from(decodeTensor(z, 'z').values));

  const canceled = await client.DELETE('/v1/jobs/{id}', { params: { path: { id } } });
  assert.equal(canceled.data!.status, 'succeeded', 'a finished job stays as it was');

  const bad = await client.POST('/v1/jobs', { body: { ...job, solver: { ...job.solver, method: 'plms' } } });
  assert.equal(bad.response.status, 422);
  assert.equal((bad.error as { field: string }).field, 'solver.method');
  const missing = await client.GET('/v1/jobs/{id}', { params: { path: { id: 'nope' } } });
  assert.equal(missing.response.status, 404);
});
