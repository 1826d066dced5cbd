import { useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { ModelCard } from '../components/overview/ModelCard.tsx';
import { OverviewFilterBar } from '../components/overview/OverviewFilterBar.tsx';
import { loadOverview } from '../components/overview/load-overview.ts';
import { useLiveRefresh } from '../lib/use-live-refresh.ts';
import { Denied, Empty, ErrorState, Loading, NoDataYet } from '../components/States.tsx';
import { useApp } from '../lib/app-context.tsx';
import { filterOptions, filtersFromParams, filtersToParams, hasFilters, STATUS_LABEL, statusCounts, visibleModels, type OverviewFilters } from '../lib/overview.ts';
import { describeRange, viewQuery } from '../lib/time-range.ts';
import { useAsync } from '../lib/use-async.ts';

/** Every model the user may see, as cards coloured by health, problems first. */
export function Overview() {
  const { range, live, user } = useApp();
  const [params, setParams] = useSearchParams();
  const { search } = useLocation();
  const refreshKey = useLiveRefresh(live);
  const state = useAsync((signal) => loadOverview(range, signal), [range.from, range.to], refreshKey);
  const filters = filtersFromParams(params);
  const setFilters = (f: Partial<OverviewFilters>) => setParams((p) => filtersToParams(f, p), { replace: true });

  // a model link keeps the range and live switch, not the overview's filters
  const linkQuery = useMemo(() => viewQuery(search), [search]);

  const data = state.data;
  const rows = data?.rows ?? [];
  const shown = useMemo(() => visibleModels(rows, filters), [rows, filters.team, filters.tag, filters.status, filters.q]);
  const options = useMemo(() => filterOptions(rows), [rows]);
  const now = Date.now();

  let body;
  if (!data && state.status === 'error') body = <ErrorState error={state.error} retry={state.reload} />;
  else if (!data) body = <Loading what="Loading models" />;
  else if (rows.length === 0 && user.grants.length === 0) body = <Denied message="Your account has no grants yet, so there are no models you may see." />;
  else if (rows.length === 0) body = <NoDataYet />;
  else if (shown.length === 0)
    body = (
      <Empty title="No model matches the filters">
        <p>
          {rows.length} {rows.length === 1 ? 'model is' : 'models are'} hidden by the filters.
        </p>
        <button type="button" onClick={() => setFilters({ team: '', tag: '', status: '', q: '' })}>
          Clear filters
        </button>
      </Empty>
    );
  else
    body = (
      <div className="cards model-cards" data-testid="model-cards">
        {shown.map((row) => (
          <ModelCard key={row.id} row={row} rate={data.rate.get(row.id)} p99={data.p99.get(row.id)} accuracy={data.future.accuracy} drift={data.future.drift} href={`/models/${encodeURIComponent(row.id)}${linkQuery}`} now={now} />
        ))}
      </div>
    );

  return (
    <div className="page overview-page">
      <div className="page-head">
        <h1>Models</h1>
        {data && rows.length > 0 && (
          <p className="overview-summary" aria-live="polite">
            {rows.length} {rows.length === 1 ? 'model' : 'models'}
            {statusCounts(rows).map(([s, n]) => (
              <span key={s} className={`count ${s}`}>
                {n} {STATUS_LABEL[s].toLowerCase()}
              </span>
            ))}
            <span className="muted small">· {describeRange(range)}</span>
          </p>
        )}
        {state.status === 'error' && data && (
          <span className="stale-note" role="status">
            refresh failed, showing the last answer
          </span>
        )}
      </div>
      {data && rows.length > 0 && (
        <div className="overview-toolbar">
          <OverviewFilterBar filters={filters} options={options} onChange={setFilters} />
          {hasFilters(filters) && (
            <span className="muted small" role="status">
              {shown.length} of {rows.length} shown
            </span>
          )}
        </div>
      )}
      {body}
    </div>
  );
}
