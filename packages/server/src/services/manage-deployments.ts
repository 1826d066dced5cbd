import type { Deployment, DeploymentCreate, DeploymentPatch } from '@vigil/core';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

export function createDeployment({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; deployment: DeploymentCreate } }): Promise<Deployment> {
  return ctx.stores.meta.createDeployment(input.modelId, input.deployment, new Date(ctx.clock.now()).toISOString());
}

export function updateDeployment({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; id: string; patch: DeploymentPatch } }): Promise<Deployment> {
  return ctx.stores.meta.updateDeployment(input.modelId, input.id, input.patch);
}

export async function listDeployments({ ctx, input }: { ctx: ServiceContext; input: { modelId: string; environment?: string } }): Promise<Deployment[]> {
  await getModel({ ctx, input: { id: input.modelId } });
  return ctx.stores.meta.listDeployments(input.modelId, input.environment ? { environment: input.environment } : {});
}

/**
 * The version serving an environment: the newest deployment there that has not ended and did
 * not fail or roll back; null when none.
 */
export function currentDeployment(deployments: readonly Deployment[], environment: string): Deployment | null {
  return deployments.find((d) => d.environment === environment && d.ended_at === null && (d.outcome === 'succeeded' || d.outcome === 'in_progress')) ?? null;
}
