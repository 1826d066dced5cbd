// The data-quality tab: totals of the range, completeness and schema violations per feature, the
// checks the data pipelines reported (failed first), then the catalogue's charts over time and
// the newest pipeline runs.
import { getQuality } from '../../api/quality.ts';
import { qualityPanels } from '../../lib/model-panels.ts';
import { useAsync } from '../../lib/use-async.ts';
import { FeatureQualityTable } from '../quality/FeatureQualityTable.tsx';
import { PipelineChecks } from '../quality/PipelineChecks.tsx';
import { QualityTotals } from '../quality/QualityTotals.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { useCatalog } from './MetricTabs.tsx';
import { PanelGrid } from './PanelGrid.tsx';
import { PipelineRunsSection } from './RunTables.tsx';
import type { TabProps } from './types.ts';

export function QualityTab({ model, range, refreshKey, onZoom }: TabProps) {
  const report = useAsync((signal) => getQuality(model.id, { from: range.from, to: range.to }, signal), [model.id, range.from, range.to], refreshKey);
  const cat = useCatalog();
  const q = report.data && report.data.model === model.id ? report.data : null;

  // a 403 on the model's quality is the tab's state
  if (!q && report.status === 'error') return <ErrorState error={report.error} retry={report.reload} />;
  if (!q) return <Loading what="Loading data quality" />;

  const unknown = q.unknown_features ?? [];
  return (
    <section aria-label="Data quality" data-testid="quality-tab">
      {report.status === 'error' && (
        <p className="stale-note" role="status">
          refresh failed, showing the last answer
        </p>
      )}
      <QualityTotals totals={q.totals} />

      <h2 className="section-title">Features</h2>
      <p className="muted small tab-intro">Completeness is the share of accepted predictions that carry a value; violations are counted on the records refused at ingest, by kind.</p>
      {q.features.length === 0 ? (
        <Empty title="No features to check">
          <p>The model&apos;s schema declares no features, or no prediction arrived in the range.</p>
        </Empty>
      ) : (
        <FeatureQualityTable features={q.features} />
      )}
      {unknown.length > 0 && (
        <p className="small muted" data-testid="unknown-features">
          Sent but not in the schema: {unknown.map((u) => `${u.feature} (${u.count})`).join(', ')}.
        </p>
      )}

      <h2 className="section-title">Pipeline checks</h2>
      <p className="muted small tab-intro">Runs of this model&apos;s data pipelines that started in the range, with the data-quality and schema checks they reported; failed checks first.</p>
      {q.pipeline_runs.length === 0 ? (
        <p className="muted">
          No pipeline run started in the range. Pipelines report runs and their checks to <code>POST /api/v1/pipeline-runs</code>.
        </p>
      ) : (
        <PipelineChecks runs={q.pipeline_runs} />
      )}

      <h2 className="section-title">Over time</h2>
      {!cat.data && cat.status === 'error' ? (
        <ErrorState error={cat.error} retry={cat.reload} />
      ) : !cat.data ? (
        <Loading what="Loading the metric catalogue" />
      ) : (
        <PanelGrid panels={qualityPanels(model.id, cat.data)} range={range} refreshKey={refreshKey} onZoom={onZoom} />
      )}
      <PipelineRunsSection model={model} range={range} refreshKey={refreshKey} />
    </section>
  );
}
