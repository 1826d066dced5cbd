import {
  DeploymentCreateSchema,
  DeploymentPatchSchema,
  EnvironmentSchema,
  ModelCreateSchema,
  ModelPatchSchema,
  VersionCreateSchema,
} from '@vigil/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/access.ts';
import { auditRead } from '../services/authorize.ts';
import type { ServiceContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { createModel } from '../services/create-model.ts';
import { getModel, listModels, listSchemaVersions } from '../services/get-model.ts';
import { createDeployment, listDeployments, updateDeployment } from '../services/manage-deployments.ts';
import { createVersion, listVersions } from '../services/manage-versions.ts';
import { updateModel } from '../services/update-model.ts';
import { errorSchema, jsonSchema } from './openapi.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
const deploymentParams = z.object({ id: z.string().min(1).max(64), deploymentId: z.string().uuid('must be a deployment id (UUID)') });
const listQuery = z.object({ team: z.string().max(100).optional(), tag: z.string().max(64).optional() }).strict();
const envQuery = z.object({ environment: EnvironmentSchema.optional() }).strict();

const errors = { 200: { type: 'object', additionalProperties: true }, 201: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema };
const tags = ['registry'];
const readModel = { access: { kind: 'model', action: 'read' } } as const;
const writeModel = { access: { kind: 'model', action: 'write' } } as const;

export async function modelRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  app.post('/api/v1/models', { config: { access: { kind: 'any', action: 'write' } }, schema: { tags, summary: 'Register a model', body: jsonSchema(ModelCreateSchema), response: errors } }, async (req, reply) => {
    const input = parseInput(ModelCreateSchema, req.body, 'model');
    return reply.status(201).send(await createModel({ ctx, input, actor: actorOf(req) }));
  });
  app.get('/api/v1/models', { config: { access: { kind: 'any', action: 'read' } }, schema: { tags, summary: 'List models', querystring: jsonSchema(listQuery) } }, async (req) => {
    const input = parseInput(listQuery, req.query, 'query');
    const actor = actorOf(req);
    const items = await listModels({ ctx, input, actor });
    await auditRead(ctx, actor, 'model list', items.map((m) => m.id));
    return { items };
  });
  app.get('/api/v1/models/:id', { config: readModel, schema: { tags, summary: 'Get a model', response: errors } }, async (req) => getModel({ ctx, input: parseInput(idParams, req.params, 'path') }));
  app.patch('/api/v1/models/:id', { config: writeModel, schema: { tags, summary: 'Change a model; a schema change becomes a new schema version', body: jsonSchema(ModelPatchSchema), response: errors } }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    return updateModel({ ctx, actor: actorOf(req), input: { id, patch: parseInput(ModelPatchSchema, req.body, 'model patch') } });
  });
  app.get('/api/v1/models/:id/schemas', { config: readModel, schema: { tags, summary: 'Every schema version of a model, oldest first' } }, async (req) => ({
    items: await listSchemaVersions({ ctx, input: parseInput(idParams, req.params, 'path') }),
  }));

  app.post('/api/v1/models/:id/versions', { config: writeModel, schema: { tags, summary: 'Register a model version with its validation metrics', body: jsonSchema(VersionCreateSchema), response: errors } }, async (req, reply) => {
    const { id } = parseInput(idParams, req.params, 'path');
    return reply.status(201).send(await createVersion({ ctx, actor: actorOf(req), input: { modelId: id, version: parseInput(VersionCreateSchema, req.body, 'version') } }));
  });
  app.get('/api/v1/models/:id/versions', { config: readModel, schema: { tags, summary: 'List versions, newest first' } }, async (req) => ({
    items: await listVersions({ ctx, input: { modelId: parseInput(idParams, req.params, 'path').id } }),
  }));

  app.post('/api/v1/models/:id/deployments', { config: writeModel, schema: { tags, summary: 'Record a deployment of a version to an environment', body: jsonSchema(DeploymentCreateSchema), response: errors } }, async (req, reply) => {
    const { id } = parseInput(idParams, req.params, 'path');
    return reply.status(201).send(await createDeployment({ ctx, actor: actorOf(req), input: { modelId: id, deployment: parseInput(DeploymentCreateSchema, req.body, 'deployment') } }));
  });
  app.get('/api/v1/models/:id/deployments', { config: readModel, schema: { tags, summary: 'List deployments, newest first', querystring: jsonSchema(envQuery) } }, async (req) => {
    const { id } = parseInput(idParams, req.params, 'path');
    const q = parseInput(envQuery, req.query, 'query');
    return { items: await listDeployments({ ctx, input: { modelId: id, ...(q.environment ? { environment: q.environment } : {}) } }) };
  });
  app.patch('/api/v1/models/:id/deployments/:deploymentId', { config: writeModel, schema: { tags, summary: 'Finish a deployment or set its outcome', body: jsonSchema(DeploymentPatchSchema), response: errors } }, async (req) => {
    const { id, deploymentId } = parseInput(deploymentParams, req.params, 'path');
    return updateDeployment({ ctx, actor: actorOf(req), input: { modelId: id, id: deploymentId, patch: parseInput(DeploymentPatchSchema, req.body, 'deployment patch') } });
  });
}
