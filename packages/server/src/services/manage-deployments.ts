import type { Deployment, DeploymentCreate, DeploymentPatch } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

export async function createDeployment({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; deployment: DeploymentCreate } }): Promise<Deployment> {
  const d = await ctx.stores.meta.createDeployment(input.modelId, input.deployment, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'deployment.create', { type: 'model', id: input.modelId }, 'success', { deployment: d.id, version: d.version, environment: d.environment }));
  return d;
}

export async function updateDeployment({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { modelId: string; id: string; patch: DeploymentPatch } }): Promise<Deployment> {
  const d = await ctx.stores.meta.updateDeployment(input.modelId, input.id, input.patch);
  await ctx.audit.record(auditBy(actor, 'deployment.update', { type: 'model', id: input.modelId }, 'success', { deployment: d.id, patch: input.patch }));
  return d;
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
