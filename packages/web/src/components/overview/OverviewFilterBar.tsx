import type { FilterOptions, OverviewFilters } from '../../lib/overview.ts';
import { STATUS_LABEL, STATUS_ORDER } from '../../lib/overview.ts';

/** Team, tag and status selects and a search; every value lives in the URL. */
export function OverviewFilterBar({ filters, options, onChange }: { filters: OverviewFilters; options: FilterOptions; onChange: (f: Partial<OverviewFilters>) => void }) {
  // a value from a shared link stays selectable even when no model has it any more
  const withCurrent = (list: string[], v: string) => (v && v !== '-' && !list.includes(v) ? [...list, v] : list);
  return (
    <div className="filters overview-filters" role="search" aria-label="Filter models">
      <label>
        <span>Team</span>
        <select value={filters.team} onChange={(e) => onChange({ team: e.target.value })} data-testid="filter-team">
          <option value="">All teams</option>
          {withCurrent(options.teams, filters.team).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
          {(options.noTeam || filters.team === '-') && <option value="-">No team</option>}
        </select>
      </label>
      <label>
        <span>Tag</span>
        <select value={filters.tag} onChange={(e) => onChange({ tag: e.target.value })} data-testid="filter-tag">
          <option value="">All tags</option>
          {withCurrent(options.tags, filters.tag).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Status</span>
        <select value={filters.status} onChange={(e) => onChange({ status: e.target.value })} data-testid="filter-status">
          <option value="">All statuses</option>
          {STATUS_ORDER.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="search">
        <span>Search</span>
        <input type="search" value={filters.q} placeholder="Name, id, team or tag" onChange={(e) => onChange({ q: e.target.value })} data-testid="filter-search" />
      </label>
    </div>
  );
}
