// Saved and built-in dashboards. Panel queries are not checked on save: the query API checks
// read rights on the models a panel names each time it runs, so a shared dashboard shows each
// reader only what their grants cover.
import {
  builtinDashboard, BUILTIN_DASHBOARDS, canEditDashboard, canSeeDashboard, dashboardChangeRefusal, dashboardTeamsOf,
  defaultDashboardFor, mayChangeTeamDashboards, VigilError, type BuiltinDashboard, type DashboardSpec, type Persona,
} from '@vigil/core';
import type { StoredDashboard } from '@vigil/storage';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';

export interface DashboardSummary {
  id: string;
  title: string;
  /** The team it is shared with; null: personal (or built in). */
  team: string | null;
  /** null for built-ins, and for team dashboards whose owner's account was deleted. */
  owner: { id: string; username: string } | null;
  builtin: boolean;
  /** Built-ins only: the persona it is the default for (absent for the overview). */
  persona?: Persona;
  /** Whether the caller may change (PUT) and delete it. */
  editable: boolean;
  /** null for built-ins. */
  updated_at: string | null;
}

export interface DashboardView extends DashboardSummary {
  spec: DashboardSpec;
  created_at: string | null;
}

export interface DashboardInput {
  spec: DashboardSpec;
  /** A team to share with; null or absent: personal. On update, absent keeps the current team. */
  team?: string | null;
}

type Owners = Map<string, { id: string; username: string } | null>;

/** Throws forbidden unless the caller may change some dashboards (viewers and narrow keys may not). */
export function assertChangesDashboards(actor: Actor): void {
  const refusal = dashboardChangeRefusal(actor.principal);
  if (refusal !== null) throw new VigilError('forbidden', refusal, { hint: 'ask an administrator for the editor role on your team' });
}

const builtinView = (b: BuiltinDashboard): DashboardView => ({
  id: b.id, title: b.spec.title, team: null, owner: null, builtin: true, ...(b.persona ? { persona: b.persona } : {}), editable: false,
  spec: b.spec, created_at: null, updated_at: null,
});

async function owners(ctx: ServiceContext, ids: (string | null)[]): Promise<Owners> {
  const out: Owners = new Map();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    const u = await ctx.stores.meta.getUser(id);
    out.set(id, u ? { id: u.id, username: u.username } : null);
  }
  return out;
}

function storedView(actor: Actor, d: StoredDashboard, who: Owners): DashboardView {
  return {
    id: d.id, title: d.spec.title, team: d.team, owner: d.owner_user_id === null ? null : (who.get(d.owner_user_id) ?? null), builtin: false,
    editable: canEditDashboard(actor.principal, d), spec: d.spec, created_at: d.created_at, updated_at: d.updated_at,
  };
}

const hidden = (id: string) =>
  new VigilError('not_found', `dashboard "${id}" does not exist or is not shared with you`, { hint: 'list the dashboards you can open with GET /api/v1/dashboards' });

/** A stored dashboard the caller may see; anything else reads as missing, so ids do not leak. */
async function visible(ctx: ServiceContext, actor: Actor, id: string): Promise<StoredDashboard> {
  const d = await ctx.stores.meta.getDashboard(id);
  if (!d || !canSeeDashboard(actor.principal, d)) throw hidden(id);
  return d;
}

/** The caller may share with `team`: editor or admin there (or on all models), and the team is known. */
async function assertMayShare(ctx: ServiceContext, actor: Actor, team: string): Promise<void> {
  if (!mayChangeTeamDashboards(actor.principal, team)) {
    throw new VigilError('forbidden', `sharing a dashboard with team "${team}" needs the editor or admin role on that team`, { hint: 'save it as a personal dashboard, or ask for the editor role on the team' });
  }
  const named = actor.principal.grants.some((g) => g.scope.kind === 'team' && g.scope.team === team);
  if (!named && !(await ctx.stores.meta.getTeam(team))) {
    throw new VigilError('validation_failed', `team "${team}" does not exist`, { details: [{ field: 'team', message: 'no such team' }], hint: 'list teams with GET /api/v1/teams' });
  }
}

/** The built-ins, then the caller's own and those shared with their teams, by title. */
export async function listDashboards({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<DashboardSummary[]> {
  const p = actor.principal;
  const stored = await ctx.stores.meta.listDashboards({ ownerUserId: p.userId, teams: dashboardTeamsOf(p) });
  const who = await owners(ctx, stored.map((d) => d.owner_user_id));
  const views = stored.map((d) => storedView(actor, d, who)).sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  return [...BUILTIN_DASHBOARDS.map(builtinView), ...views].map(({ spec: _s, created_at: _c, ...summary }) => summary);
}

/** One dashboard, built-in or saved; the read is audited. */
export async function getDashboard({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string; what?: string } }): Promise<DashboardView> {
  const b = builtinDashboard(input.id);
  const view = b ? builtinView(b) : await (async () => {
    const d = await visible(ctx, actor, input.id);
    return storedView(actor, d, await owners(ctx, [d.owner_user_id]));
  })();
  await ctx.audit.record(auditBy(actor, 'data.read', { type: 'dashboard', id: view.id }, 'success', { what: input.what ?? 'dashboard', title: view.title }));
  return view;
}

/** The built-in dashboard for the caller's persona (the overview without one). */
export async function getDefaultDashboard({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<DashboardView> {
  const user = await ctx.stores.meta.getUser(actor.principal.userId);
  return getDashboard({ ctx, actor, input: { id: defaultDashboardFor(user?.persona ?? null).id } });
}

/** Saves a new dashboard owned by the caller, personal or shared with a team. */
export async function createDashboard({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: DashboardInput & { via?: 'create' | 'import'; format?: string } }): Promise<DashboardView> {
  assertChangesDashboards(actor);
  const team = input.team ?? null;
  if (team !== null) await assertMayShare(ctx, actor, team);
  const d = await ctx.stores.meta.createDashboard({ owner_user_id: actor.principal.userId, team, spec: input.spec }, new Date(ctx.clock.now()).toISOString());
  const action = input.via === 'import' ? 'dashboard.import' : 'dashboard.create';
  await ctx.audit.record(auditBy(actor, action, { type: 'dashboard', id: d.id }, 'success', { title: d.spec.title, team, panels: d.spec.panels.length, ...(input.format ? { format: input.format } : {}) }));
  return storedView(actor, d, await owners(ctx, [d.owner_user_id]));
}

/** Refuses built-ins (409), hidden ones (404) and ones the caller may not change (403). */
async function editable(ctx: ServiceContext, actor: Actor, id: string): Promise<StoredDashboard> {
  assertChangesDashboards(actor);
  if (builtinDashboard(id)) throw new VigilError('conflict', 'built-in dashboards cannot change: save a copy', { hint: 'export it, or POST its spec to /api/v1/dashboards, and change the copy' });
  const d = await visible(ctx, actor, id);
  if (!canEditDashboard(actor.principal, d)) {
    throw new VigilError('forbidden', d.team === null ? `dashboard "${id}" belongs to someone else` : `changing dashboards shared with team "${d.team}" needs the editor or admin role on that team`, { hint: 'save a copy of your own instead' });
  }
  return d;
}

/** Replaces the spec; moves it to another team (rights there needed) or, for its owner only, back to personal. */
export async function updateDashboard({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: DashboardInput & { id: string } }): Promise<DashboardView> {
  const cur = await editable(ctx, actor, input.id);
  const team = input.team === undefined ? cur.team : input.team;
  if (team !== null && team !== cur.team) await assertMayShare(ctx, actor, team);
  if (team === null && cur.team !== null && cur.owner_user_id !== actor.principal.userId) {
    throw new VigilError('forbidden', `only the owner can take dashboard "${cur.spec.title}" out of team "${cur.team}"`, { hint: 'save a copy of your own instead' });
  }
  const d = await ctx.stores.meta.updateDashboard(cur.id, { spec: input.spec, team }, new Date(ctx.clock.now()).toISOString());
  const details: Record<string, unknown> = { title: d.spec.title, team, panels: d.spec.panels.length };
  if (team !== cur.team) details.previous_team = cur.team;
  await ctx.audit.record(auditBy(actor, 'dashboard.update', { type: 'dashboard', id: d.id }, 'success', details));
  return storedView(actor, d, await owners(ctx, [d.owner_user_id]));
}

export async function deleteDashboard({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  const cur = await editable(ctx, actor, input.id);
  await ctx.stores.meta.deleteDashboard(cur.id);
  await ctx.audit.record(auditBy(actor, 'dashboard.delete', { type: 'dashboard', id: cur.id }, 'success', { title: cur.spec.title, team: cur.team }));
}
