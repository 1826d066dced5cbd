import type { Model, ModelPatch } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { assertCanModels } from './authorize.ts';

/** A schema change becomes a new schema version; event storage widens before ingest sees it. */
export async function updateModel({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string; patch: ModelPatch } }): Promise<Model> {
  // moving a model to another team needs write rights in the team it moves to as well
  if (input.patch.owner_team !== undefined) await assertCanModels(ctx, actor, 'write', [input.id], () => input.patch.owner_team ?? null);
  const model = await ctx.stores.meta.updateModel(input.id, input.patch, new Date(ctx.clock.now()).toISOString());
  await ctx.registry.put(model);
  ctx.live.publish({ type: 'model', action: 'updated', model: model.id, ts: ctx.clock.now() });
  await ctx.audit.record(auditBy(actor, 'model.update', { type: 'model', id: model.id }, 'success', { fields: Object.keys(input.patch) }));
  return model;
}
