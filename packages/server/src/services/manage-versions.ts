import type { ModelVersion, VersionCreate } from '@vigil/core';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

export function createVersion({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; version: VersionCreate } }): Promise<ModelVersion> {
  return ctx.stores.meta.createVersion(input.modelId, input.version, new Date(ctx.clock.now()).toISOString());
}

export async function listVersions({ ctx, input }: { ctx: ServiceContext; input: { modelId: string } }): Promise<ModelVersion[]> {
  await getModel({ ctx, input: { id: input.modelId } });
  return ctx.stores.meta.listVersions(input.modelId);
}
