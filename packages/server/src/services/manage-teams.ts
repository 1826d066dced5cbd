import { canAll, type Team, type TeamCreate } from '@vigil/core';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';

/** Teams the caller belongs to (a team grant) or whose models they see; administrators see all. */
export async function listTeams({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<Team[]> {
  const teams = await ctx.stores.meta.listTeams();
  if (canAll(actor.principal, 'read')) return teams;
  const mine = new Set(actor.principal.grants.flatMap((g) => (g.scope.kind === 'team' ? [g.scope.team] : [])));
  return teams.filter((t) => mine.has(t.id));
}

export async function createTeam({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: TeamCreate }): Promise<Team> {
  const t = await ctx.stores.meta.createTeam({ id: input.id, name: input.name ?? input.id }, new Date(ctx.clock.now()).toISOString());
  await ctx.audit.record(auditBy(actor, 'team.create', { type: 'team', id: t.id }));
  return t;
}

export async function deleteTeam({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  await ctx.stores.meta.deleteTeam(input.id);
  await ctx.audit.record(auditBy(actor, 'team.delete', { type: 'team', id: input.id }));
}
