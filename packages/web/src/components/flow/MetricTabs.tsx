// The inference tab, made of metric panels (the performance tab is PerformanceTab.tsx). Panels come from the
// catalogue, so a metric a later monitor adds appears without a change here.
import { catalog } from '../../api/query.ts';
import { inferencePanels } from '../../lib/model-panels.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorState, Loading } from '../States.tsx';
import { PanelGrid } from './PanelGrid.tsx';
import type { TabProps } from './types.ts';

export function useCatalog() {
  return useAsync(() => catalog(), []);
}

export function InferenceTab({ model, range, refreshKey, onZoom }: TabProps) {
  const cat = useCatalog();
  if (!cat.data && cat.status === 'error') return <ErrorState error={cat.error} retry={cat.reload} />;
  if (!cat.data) return <Loading what="Loading the metric catalogue" />;
  return (
    <section aria-label="Inference">
      <p className="muted small tab-intro">Traffic and latency of {model.name} by version. Drag across a chart to zoom into that time.</p>
      <PanelGrid panels={inferencePanels(model.id, model.task, cat.data)} range={range} refreshKey={refreshKey} onZoom={onZoom} />
    </section>
  );
}
