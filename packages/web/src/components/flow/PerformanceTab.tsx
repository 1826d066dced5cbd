// The performance tab: realized metrics next to the version's validation values and the
// label-free estimate, one chart with all three (and the concept-drift marks), the confusion
// matrices, the segments that explain a change, then the catalogue's charts and the labels.
import { useState } from 'react';
import { getConceptDrift, getEstimate, getPerformance, getPerformanceSegments } from '../../api/performance.ts';
import { formatDuration } from '../../lib/format.ts';
import { performancePanels } from '../../lib/model-panels.ts';
import { chartableMetrics, conceptDriftNote, estimateNote, metricRows, performanceChartData } from '../../lib/performance-view.ts';
import { useAsync } from '../../lib/use-async.ts';
import { useSlowKey } from '../../lib/use-slow-key.ts';
import { PerformanceChart } from '../charts/PerformanceChart.tsx';
import { ConfusionMatrix } from '../performance/ConfusionMatrix.tsx';
import { MetricTable } from '../performance/MetricTable.tsx';
import { WorstSegments } from '../performance/WorstSegments.tsx';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { useCatalog } from './MetricTabs.tsx';
import { PanelGrid } from './PanelGrid.tsx';
import type { TabProps } from './types.ts';

/** Live refreshes of the analyses at most this often: they read labelled rows and scores. */
const LIVE_GAP_MS = 30_000;

export function PerformanceTab({ model, range, refreshKey, onZoom }: TabProps) {
  const cat = useCatalog();
  const liveKey = useSlowKey(refreshKey, LIVE_GAP_MS);
  const q = { from: range.from, to: range.to };
  const deps = [model.id, range.from, range.to];
  const perf = useAsync((signal) => getPerformance(model.id, q, signal), deps, liveKey);
  const classifier = model.task !== 'regression';
  const estimate = useAsync((signal) => (classifier ? getEstimate(model.id, q, signal) : Promise.resolve(null)), deps, liveKey);
  const drift = useAsync((signal) => getConceptDrift(model.id, q, signal), deps, liveKey);
  const segments = useAsync((signal) => ((model.schema.segments ?? []).length ? getPerformanceSegments(model.id, q, signal) : Promise.resolve(null)), deps, liveKey);
  const [metricKey, setMetricKey] = useState<string | null>(null);

  const p = perf.data && perf.data.model === model.id ? perf.data : null;
  if (!p && perf.status === 'error') return <ErrorState error={perf.error} retry={perf.reload} />;
  if (!p) return <Loading what="Computing performance" />;
  const e = estimate.data && estimate.data.model === model.id ? estimate.data : null;
  const d = drift.data && drift.data.model === model.id ? drift.data : null;
  const rows = metricRows(p, e);
  const choices = chartableMetrics(p.task, e);
  const metric = choices.find((m) => m.key === metricKey) ?? choices[0];
  const chart = metric ? performanceChartData(p, e, metric, d) : null;
  const estNote = estimate.status === 'error' ? 'The estimate could not be computed for this range.' : estimateNote(p.task, e);
  const panels = cat.data ? performancePanels(model.id, cat.data, model.task) : null;
  const noTraffic = p.predictions === 0;

  return (
    <section aria-label="Performance" data-testid="performance-tab">
      {noTraffic ? (
        <Empty title="No predictions in this range">
          <p>Performance is computed from the predictions of the range joined with their labels. Pick a wider range, or send predictions and labels with an SDK.</p>
        </Empty>
      ) : (
        <>
          <dl className="quality-totals" data-testid="perf-totals">
            <div className="card quality-tile">
              <dt>Labelled</dt>
              <dd>
                <span className="figure-value">{p.labelled.toLocaleString('en-US')}</span>
                <span className="small muted">of {p.predictions.toLocaleString('en-US')} predictions ({p.label_coverage === null ? '—' : `${(p.label_coverage * 100).toFixed(1)}%`})</span>
              </dd>
            </div>
            <div className="card quality-tile">
              <dt>Label delay</dt>
              <dd>
                <span className="figure-value">{p.label_delay_ms === null ? '—' : formatDuration(p.label_delay_ms)}</span>
                <span className="small muted">mean, prediction to label</span>
              </dd>
            </div>
            {p.baseline && (
              <div className="card quality-tile">
                <dt>Baseline</dt>
                <dd>
                  <span className="figure-value">{p.baseline.version}</span>
                  <span className="small muted">validation metrics from the registry</span>
                </dd>
              </div>
            )}
          </dl>

          <MetricTable rows={rows} baselineVersion={p.baseline?.version ?? null} estimated={e?.status === 'ok'} />
          {estNote && (
            <p className="small muted" data-testid="estimate-note">
              {estNote}
            </p>
          )}

          {chart && metric && (
            <>
              <div className="perf-chart-head">
                <h2 className="section-title">{metric.label} over time</h2>
                {choices.length > 1 && (
                  <label className="small">
                    Metric{' '}
                    <select value={metric.key} onChange={(ev) => setMetricKey(ev.target.value)} data-testid="perf-metric">
                      {choices.map((m) => (
                        <option key={m.key} value={m.key}>
                          {m.label}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
              </div>
              <p className="muted small tab-intro">
                Realized from the labels that have arrived (by the time of the prediction, so recent steps fill in as labels come), the estimate from the scores with the band it is expected in, and the validation value of {p.baseline?.version ?? 'the version'}.
              </p>
              <PerformanceChart chart={chart} unit={p.task === 'regression' ? '' : 'ratio'} height={280} onZoom={onZoom} />
              <p className="small muted" data-testid="concept-drift-note">
                {drift.status === 'error' ? 'Concept-drift detection failed for this range.' : (conceptDriftNote(d) ?? 'Looking for concept drift…')}
              </p>
            </>
          )}

          {(p.confusion_matrix || e?.confusion_matrix) && (
            <>
              <h2 className="section-title">Confusion matrix</h2>
              <div className="perf-matrices">
                {p.confusion_matrix && <ConfusionMatrix matrix={p.confusion_matrix} title={`Realized, ${p.labelled.toLocaleString('en-US')} labelled predictions`} testId="confusion-realized" />}
                {e?.status === 'ok' && e.confusion_matrix && <ConfusionMatrix matrix={e.confusion_matrix} title={`Estimated from the scores, ${e.predictions.toLocaleString('en-US')} predictions`} testId="confusion-estimated" />}
              </div>
            </>
          )}

          {segments.data && (
            <>
              <h2 className="section-title">Worst segments</h2>
              <p className="muted small tab-intro">How each segment moved {segments.data.metric} between the period of the same length before the range and the range itself.</p>
              <WorstSegments report={segments.data} />
            </>
          )}
          {segments.status === 'error' && <p className="small muted">The segment breakdown could not be computed for this range.</p>}
        </>
      )}

      {panels && panels.metrics.length > 0 && (
        <>
          <h2 className="section-title">Catalogue metrics</h2>
          <PanelGrid panels={panels.metrics} range={range} refreshKey={refreshKey} onZoom={onZoom} />
        </>
      )}
      {panels && panels.labels.length > 0 && (
        <>
          <h2 className="section-title">Labels</h2>
          <p className="muted small tab-intro">Labels are counted against the time of their prediction, so recent steps fill in as labels arrive.</p>
          <PanelGrid panels={panels.labels} range={range} refreshKey={refreshKey} onZoom={onZoom} />
        </>
      )}
    </section>
  );
}
