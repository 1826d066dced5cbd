// The dashboard being edited, as plain data: new panel ids, unsaved-change detection, and the
// teams a dashboard may be shared with. Pure, tested from tables.
import type { DashboardSpec } from '../../api/dashboards.ts';
import type { User } from '../../api/session.ts';

export interface Draft {
  spec: DashboardSpec;
  /** Shared with this team; null: personal. */
  team: string | null;
}

/** The first `panel-N` no panel uses. */
export function newPanelId(existing: readonly string[]): string {
  const used = new Set(existing);
  let n = existing.length + 1;
  while (used.has(`panel-${n}`)) n++;
  return `panel-${n}`;
}

/** JSON with object keys sorted and undefined left out, so equal documents compare equal. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableJson(x))).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Has anything the user would lose by leaving changed? */
export const isDirty = (saved: Draft, draft: Draft) => saved.team !== draft.team || stableJson(saved.spec) !== stableJson(draft.spec);

export interface ShareOption {
  /** null: personal. */
  team: string | null;
  label: string;
}

/**
 * Who a dashboard can be shared with: just the user ("personal"), or a team they hold an editor
 * or admin grant on (every team, for a grant on everything). The dashboard's current team stays
 * listed, so opening the select never changes it.
 */
export function shareOptions(user: User, teams: readonly { id: string; name: string }[], current: string | null): ShareOption[] {
  const writable = user.grants.filter((g) => g.role !== 'viewer');
  const everywhere = writable.some((g) => g.scope.kind === 'all');
  const ids = new Set<string>(everywhere ? teams.map((t) => t.id) : writable.flatMap((g) => (g.scope.kind === 'team' ? [g.scope.team] : [])));
  if (current) ids.add(current);
  const name = (id: string) => teams.find((t) => t.id === id)?.name ?? id;
  const options: ShareOption[] = [...ids].sort().map((id) => ({ team: id, label: name(id) === id ? `Team ${id}` : `Team ${name(id)} (${id})` }));
  return [{ team: null, label: 'Personal (only you)' }, ...options];
}

/** A file name for an export: the title in kebab-case. */
export function exportFileName(title: string, format: 'json' | 'yaml'): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'dashboard'}.${format === 'yaml' ? 'yaml' : 'json'}`;
}
