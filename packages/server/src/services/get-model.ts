import { VigilError, type Model, type ModelSchemaVersion } from '@vigil/core';
import type { ModelFilter } from '@vigil/storage';
import { visibleModels } from '@vigil/core';
import type { Actor, ServiceContext } from '../context.ts';

export async function getModel({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Model> {
  const m = await ctx.stores.meta.getModel(input.id);
  if (!m) throw new VigilError('not_found', `model "${input.id}" does not exist`, { hint: 'list models with GET /api/v1/models or create one with POST /api/v1/models' });
  return m;
}

/** The models the actor may read. */
export async function listModels({ ctx, input, actor }: { ctx: ServiceContext; input: ModelFilter; actor: Actor }): Promise<Model[]> {
  const all = await ctx.stores.meta.listModels(input);
  return visibleModels(actor.principal, 'read', all) ?? all;
}

export async function listSchemaVersions({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<ModelSchemaVersion[]> {
  await getModel({ ctx, input });
  return ctx.stores.meta.listSchemaVersions(input.id);
}
