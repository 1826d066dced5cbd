import type { Model, ModelCreate } from '@vigil/core';
import type { ServiceContext } from '../context.ts';

export async function createModel({ ctx, input }: { ctx: ServiceContext; input: ModelCreate }): Promise<Model> {
  const model = await ctx.stores.meta.createModel(input, new Date(ctx.clock.now()).toISOString());
  await ctx.registry.put(model);
  ctx.live.publish({ type: 'model', action: 'created', model: model.id, ts: ctx.clock.now() });
  ctx.log.info('model created', { model: model.id });
  return model;
}
