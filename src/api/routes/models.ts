/** The models this service offers, with the weight names theta-gradients come under. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ModelCatalog, ModelDescription } from '../../core/models/catalog.js';
import { IdParamsSchema, ModelSchema, problemResponse } from '../schemas.js';

function view(d: ModelDescription) {
  return { ...d.manifest, parameter_count: d.parameterCount, weights: d.weights };
}

export function modelRoutes(app: FastifyInstance, deps: { catalog: ModelCatalog }): void {
  const { catalog } = deps;
  app.get('/v1/models', { schema: { summary: 'The installed models', tags: ['models'], response: { 200: Type.Object({ models: Type.Array(Type.Ref(ModelSchema)) }) } } }, async () => {
    const manifests = await catalog.list();
    return { models: await Promise.all(manifests.map(async (m) => view(await catalog.describe(m.id)))) };
  });
  app.get('/v1/models/:id', { schema: { summary: 'One model: manifest, weight names and shapes', tags: ['models'], params: IdParamsSchema, response: { 200: ModelSchema, 404: problemResponse('No such model') } } }, async (request) => {
    return view(await catalog.describe((request.params as { id: string }).id));
  });
}
