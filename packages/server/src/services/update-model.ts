import type { Model, ModelPatch } from '@vigil/core';
import type { ServiceContext } from '../context.ts';

/** A schema change becomes a new schema version; event storage widens before ingest sees it. */
export async function updateModel({ ctx, input }: { ctx: ServiceContext; input: { id: string; patch: ModelPatch } }): Promise<Model> {
  const model = await ctx.stores.meta.updateModel(input.id, input.patch, new Date(ctx.clock.now()).toISOString());
  await ctx.registry.put(model);
  ctx.live.publish({ type: 'model', action: 'updated', model: model.id, ts: ctx.clock.now() });
  return model;
}
