// Who may see and change a saved dashboard: pure decisions over a principal's grants. Panel
// queries are not checked here: the query API checks read rights when a panel runs.
import type { Principal } from '../security/access.ts';
import type { Grant } from '../security/types.ts';

/** A saved dashboard as access control sees it. */
export interface DashboardRef {
  owner_user_id: string | null;
  /** null: personal to its owner. */
  team: string | null;
}

const changes = (g: Grant) => g.role === 'editor' || g.role === 'admin';

/**
 * Why the principal may change no dashboard at all, or null when they may change some. Keys
 * must be admin keys without a model list (a leaked pipeline key must not rewrite what people
 * look at), and the user needs the editor or admin role somewhere.
 */
export function dashboardChangeRefusal(p: Principal): string | null {
  const k = p.key;
  if (k && (k.scope !== 'admin' || k.models !== null)) {
    return `an API key with scope "${k.scope}"${k.models !== null ? ' limited to models' : ''} cannot change dashboards; sign in, or use an admin key without a model list`;
  }
  if (!p.grants.some(changes)) return 'viewers cannot change dashboards; ask for the editor role';
  return null;
}

/** The teams whose shared dashboards the principal sees: 'all' with any grant on all models. */
export function dashboardTeamsOf(p: Principal): string[] | 'all' {
  if (p.grants.some((g) => g.scope.kind === 'all')) return 'all';
  return [...new Set(p.grants.flatMap((g) => (g.scope.kind === 'team' ? [g.scope.team] : [])))];
}

/** Their own, and those shared with a team they hold any grant on (every shared one with a grant on all models). */
export function canSeeDashboard(p: Principal, d: DashboardRef): boolean {
  if (d.owner_user_id === p.userId) return true;
  if (d.team === null) return false;
  const teams = dashboardTeamsOf(p);
  return teams === 'all' || teams.includes(d.team);
}

/** Sharing with a team, and changing its dashboards, need editor or admin on that team or on all models. */
export function mayChangeTeamDashboards(p: Principal, team: string): boolean {
  return dashboardChangeRefusal(p) === null && p.grants.some((g) => changes(g) && (g.scope.kind === 'all' || (g.scope.kind === 'team' && g.scope.team === team)));
}

/** A personal dashboard: its owner. A team dashboard: the team's editors and admins (the owner only as one of them). */
export function canEditDashboard(p: Principal, d: DashboardRef): boolean {
  if (dashboardChangeRefusal(p) !== null) return false;
  return d.team === null ? d.owner_user_id === p.userId : mayChangeTeamDashboards(p, d.team);
}
