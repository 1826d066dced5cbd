import type { ModelVersion, VersionCreate } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

export async function createVersion({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; version: VersionCreate } }): Promise<ModelVersion> {
  const v = await ctx.stores.meta.createVersion(input.modelId, input.version, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'version.create', { type: 'model', id: input.modelId }, 'success', { version: v.version }));
  return v;
}

export async function listVersions({ ctx, input }: { ctx: ServiceContext; input: { modelId: string } }): Promise<ModelVersion[]> {
  await getModel({ ctx, input: { id: input.modelId } });
  return ctx.stores.meta.listVersions(input.modelId);
}
