// The tabs made of metric panels: inference and performance. Panels come from the
// catalogue, so a metric a later monitor adds appears without a change here.
import { catalog } from '../../api/query.ts';
import { inferencePanels, performancePanels } from '../../lib/model-panels.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
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

export function PerformanceTab({ model, range, refreshKey, onZoom }: TabProps) {
  const cat = useCatalog();
  if (!cat.data && cat.status === 'error') return <ErrorState error={cat.error} retry={cat.reload} />;
  if (!cat.data) return <Loading what="Loading the metric catalogue" />;
  const { metrics, labels } = performancePanels(model.id, cat.data, model.task);
  return (
    <section aria-label="Performance">
      {metrics.length > 0 ? (
        <PanelGrid panels={metrics} range={range} refreshKey={refreshKey} onZoom={onZoom} />
      ) : (
        <Empty title="Live performance arrives with performance monitoring">
          <p>
            When performance monitoring is on, this tab shows {model.task === 'regression' ? 'the error (MAE, RMSE)' : 'accuracy, precision, recall and F1'} computed from labels as they arrive, per
            version and segment, next to each version&apos;s validation metrics, with an estimate for the predictions whose labels have not come yet.
          </p>
        </Empty>
      )}
      {labels.length > 0 && (
        <>
          <h2 className="section-title">Labels</h2>
          <p className="muted small tab-intro">Labels are counted against the time of their prediction, so recent steps fill in as labels arrive.</p>
          <PanelGrid panels={labels} range={range} refreshKey={refreshKey} onZoom={onZoom} />
        </>
      )}
    </section>
  );
}
