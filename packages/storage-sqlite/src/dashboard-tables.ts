// The DashboardStore half of the SQLite MetaStore. Synchronous; the store wraps each call in a promise.
import { randomUUID } from 'node:crypto';
import { VigilError, type DashboardSpec } from '@vigil/core';
import type { DashboardFilter, NewDashboard, StoredDashboard } from '@vigil/storage';
import type { SqlPort } from './security-tables.ts';
import { toUtcIso } from './sqlite-meta-store.ts';

type DashboardRow = Omit<StoredDashboard, 'spec'> & { spec: string };

const toDashboard = (r: DashboardRow): StoredDashboard => ({ ...r, spec: JSON.parse(r.spec) as DashboardSpec });
const notFound = (id: string) => new VigilError('not_found', `dashboard "${id}" not found`);

export class DashboardTables {
  constructor(private readonly sql: SqlPort) {}

  createDashboard(input: NewDashboard, now: string): StoredDashboard {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.sql.stmt('SELECT 1 FROM users WHERE id = ?').get(input.owner_user_id) === undefined) {
        throw new VigilError('not_found', `user "${input.owner_user_id}" not found`);
      }
      const id = randomUUID();
      this.sql
        .stmt('INSERT INTO dashboards (id, owner_user_id, team, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, input.owner_user_id, input.team, JSON.stringify(input.spec), at, at);
      return this.dashboard(id)!;
    });
  }

  dashboard(id: string): StoredDashboard | null {
    const row = this.sql.stmt('SELECT * FROM dashboards WHERE id = ?').get(id) as DashboardRow | undefined;
    return row === undefined ? null : toDashboard(row);
  }

  listDashboards(filter: DashboardFilter = {}): StoredDashboard[] {
    const teams = filter.teams ?? [];
    // rowid breaks ties between changes in the same millisecond: the later one first
    const rows = this.sql
      .stmt(
        `SELECT * FROM dashboards
         WHERE @everything = 1
            OR owner_user_id = @owner
            OR (@allTeams = 1 AND team IS NOT NULL)
            OR team IN (SELECT value FROM json_each(@teams))
         ORDER BY updated_at DESC, rowid DESC`,
      )
      .all({
        everything: filter.ownerUserId === undefined && filter.teams === undefined ? 1 : 0,
        owner: filter.ownerUserId ?? null,
        allTeams: teams === 'all' ? 1 : 0,
        teams: JSON.stringify(teams === 'all' ? [] : teams),
      }) as DashboardRow[];
    return rows.map(toDashboard);
  }

  updateDashboard(id: string, change: { spec: DashboardSpec; team: string | null }, now: string): StoredDashboard {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      const cur = this.dashboard(id);
      if (cur === null) throw notFound(id);
      if (cur.owner_user_id === null && change.team === null) {
        throw new VigilError('conflict', `dashboard "${id}" has no owner (their account was deleted): it must stay shared with a team`, {
          hint: 'share it with another team, or save a copy of your own',
        });
      }
      this.sql.stmt('UPDATE dashboards SET spec = ?, team = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(change.spec), change.team, at, id);
      return this.dashboard(id)!;
    });
  }

  deleteDashboard(id: string): void {
    if (this.sql.stmt('DELETE FROM dashboards WHERE id = ?').run(id).changes === 0) throw notFound(id);
  }
}
