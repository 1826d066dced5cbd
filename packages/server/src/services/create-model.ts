import type { Model, ModelCreate } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { assertCanModels } from './authorize.ts';

/** Registers a model; the caller needs write rights on it, i.e. on its owner team or its id. */
export async function createModel({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: ModelCreate }): Promise<Model> {
  await assertCanModels(ctx, actor, 'write', [input.id], () => input.owner_team ?? null);
  // an existing model the caller cannot read is refused like any model they may not write, not 409, so names do not leak
  const existing = await ctx.registry.get(input.id);
  if (existing) await assertCanModels(ctx, actor, 'read', [input.id]);
  const model = await ctx.stores.meta.createModel(input, new Date(ctx.clock.now()).toISOString());
  await ctx.registry.put(model);
  ctx.live.publish({ type: 'model', action: 'created', model: model.id, ts: ctx.clock.now() });
  ctx.log.info('model created', { model: model.id });
  await ctx.audit.record(auditBy(actor, 'model.create', { type: 'model', id: model.id }, 'success', { owner_team: model.owner_team }));
  return model;
}
