import { useCallback, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { getModel, overview } from '../api/models.ts';
import { FlowTab } from '../components/flow/FlowTab.tsx';
import { LifecycleTab } from '../components/flow/LifecycleTab.tsx';
import { DriftTab } from '../components/flow/DriftTab.tsx';
import { InferenceTab } from '../components/flow/MetricTabs.tsx';
import { PerformanceTab } from '../components/flow/PerformanceTab.tsx';
import { ModelHeader } from '../components/flow/ModelHeader.tsx';
import { QualityTab } from '../components/flow/QualityTab.tsx';
import { TrainingTab } from '../components/flow/RunTables.tsx';
import type { TabProps } from '../components/flow/types.ts';
import { useLiveRefresh } from '../lib/use-live-refresh.ts';
import { ErrorState, Loading } from '../components/States.tsx';
import { useApp } from '../lib/app-context.tsx';
import { isTab, TABS, type TabId } from '../lib/flow.ts';
import { absoluteRange, viewQuery } from '../lib/time-range.ts';
import { useAsync } from '../lib/use-async.ts';

const TAB_BODY: Record<TabId, (p: TabProps) => ReactNode> = {
  flow: FlowTab,
  inference: InferenceTab,
  'data-quality': QualityTab,
  drift: DriftTab,
  performance: PerformanceTab,
  training: TrainingTab,
  lifecycle: LifecycleTab,
};

/** A model's page: header, tabs, and the flow from pipelines to live traffic (the default tab). */
export function ModelFlow() {
  const { id = '', tab = 'flow' } = useParams();
  const { range, setRange, live } = useApp();
  const { search } = useLocation();
  const model = useAsync(() => getModel(id), [id]);
  // the stream opens once the model is known to be readable
  const refreshKey = useLiveRefresh(live && model.status === 'ready', id);
  // the overview row gives health and traffic; without it the page still works, in grey
  const row = useAsync(
    () =>
      overview(range.from, range.to).then(
        (r) => r.models.find((m) => m.id === id) ?? null,
        () => null,
      ),
    [id, range.from, range.to],
    refreshKey,
  );
  const onZoom = useCallback((from: number, to: number) => setRange(absoluteRange(from, to)), [setRange]);

  // a 403 (or 404) on the model is the whole page's state
  if (model.status === 'error') return <ErrorState error={model.error} retry={model.reload} />;
  if (!model.data || model.data.id !== id) return <Loading what="Loading the model" />;
  const m = model.data;
  const base = `/models/${encodeURIComponent(id)}`;
  const Body = isTab(tab) ? TAB_BODY[tab] : null;

  return (
    <div className="page model-page">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to={`/${keepRange(search)}`}>Models</Link> <span aria-hidden="true">›</span> <span aria-current="page">{m.name}</span>
      </nav>
      <ModelHeader model={m} row={row.data ?? null} loading={row.status === 'loading'} />
      <nav className="tabs" aria-label="Model views">
        {TABS.map((t) => (
          <Link key={t.id} to={`${base}/${t.id}${search}`} className={t.id === tab ? 'active' : ''} aria-current={t.id === tab ? 'page' : undefined} data-testid={`tab-${t.id}`}>
            {t.label}
          </Link>
        ))}
      </nav>
      {Body ? (
        <Body model={m} row={row.data ?? null} range={range} refreshKey={refreshKey} onZoom={onZoom} search={search} />
      ) : (
        <ErrorState error={new Error(`There is no "${tab}" tab; pick one above.`)} />
      )}
    </div>
  );
}

/** The range and live switch of the query string, without a tab's own parameters. */
const keepRange = viewQuery;
