// The panels of a model's inference, data quality, drift and performance tabs: which catalogue
// metrics, grouped how (split from flow.ts, which computes the flow's stages).
import type { CatalogMetric, MetricQuery } from '../api/query.ts';
import type { PanelKind, PanelSpec } from '../components/charts/index.tsx';


const panel = (id: string, title: string, query: MetricQuery, i: number, kind: PanelKind = 'timeseries', unit?: string): PanelSpec => ({
  id,
  title,
  kind,
  query,
  ...(unit ? { unit } : {}),
  layout: { x: (i % 2) * 6, y: Math.floor(i / 2) * 4, w: 6, h: 4 },
});

const has = (catalog: readonly Pick<CatalogMetric, 'name'>[], name: string) => catalog.some((m) => m.name === name);

/**
 * Inference: traffic, latency quantiles by version, scores and the low-confidence share when the
 * model has them, batch size, error rate, staleness (traffic served by a version other than
 * production's) and feature age where predictions carry feature_ts.
 */
export function inferencePanels(model: string, task: string, catalog: readonly Pick<CatalogMetric, 'name'>[]): PanelSpec[] {
  const specs: [string, string, MetricQuery, PanelKind?][] = [
    ['rate', 'Predictions per second by version', { metric: 'predictions.rate', model, group_by: ['version'] }],
    ['p50', 'Latency p50 by version', { metric: 'latency.p50', model, group_by: ['version'] }],
    ['p90', 'Latency p90 by version', { metric: 'latency.p90', model, group_by: ['version'] }],
    ['p99', 'Latency p99 by version', { metric: 'latency.p99', model, group_by: ['version'] }],
  ];
  if (task !== 'regression' && has(catalog, 'score.distribution')) specs.push(['score-dist', 'Score distribution', { metric: 'score.distribution', model }, 'heatmap']);
  if (task !== 'regression' && has(catalog, 'score.mean')) specs.push(['score-mean', 'Mean score by version', { metric: 'score.mean', model, group_by: ['version'] }]);
  if (task !== 'regression') specs.push(['low-confidence', 'Low-confidence share (score in [0.4, 0.6))', { metric: 'score.low_confidence_share', model, group_by: ['version'] }]);
  specs.push(
    ['batch', 'Mean batch size', { metric: 'batch_size.mean', model, group_by: ['version'] }],
    ['errors', 'Error rate (failed predictions)', { metric: 'errors.rate', model }],
    ['stale', 'Traffic not served by the production version', { metric: 'predictions.stale_share', model }],
    ['feature-age-p50', 'Feature age p50 by version', { metric: 'feature_age.p50', model, group_by: ['version'] }],
    ['feature-age-p99', 'Feature age p99 by version', { metric: 'feature_age.p99', model, group_by: ['version'] }],
  );
  const units: Record<string, string> = { 'score.low_confidence_share': 'ratio', 'errors.rate': 'ratio', 'predictions.stale_share': 'ratio' };
  return specs.filter(([, , q]) => has(catalog, q.metric)).map(([id, title, q, kind], i) => panel(`${model}-${id}`, title, q, i, kind, units[q.metric]));
}

/** Data quality: schema violations by feature and kind, and the feature metrics. */
export function qualityPanels(model: string, catalog: readonly Pick<CatalogMetric, 'name'>[]): PanelSpec[] {
  const specs: [string, string, MetricQuery][] = [
    ['violations', 'Schema violations by feature and kind', { metric: 'quality.violations', model, group_by: ['feature', 'kind'] }],
    ['null-rate', 'Null rate by feature', { metric: 'feature.null_rate', model, group_by: ['feature'] }],
    ['feature-mean', 'Feature means', { metric: 'feature.mean', model, group_by: ['feature'] }],
  ];
  return specs.filter(([, , q]) => has(catalog, q.metric)).map(([id, title, q], i) => panel(`${model}-${id}`, title, q, i));
}

/** Panels for every catalogue metric under a prefix (`drift.`, `performance.`) that can be narrowed to a model. */
export function prefixPanels(model: string, prefix: string, catalog: readonly Pick<CatalogMetric, 'name' | 'description' | 'filters' | 'group_by'>[]): PanelSpec[] {
  return catalog
    .filter((m) => m.name.startsWith(prefix) && m.filters.includes('model'))
    .map((m, i) => {
      const group = ['feature', 'version'].find((g) => m.group_by.includes(g));
      return panel(`${model}-${m.name}`, m.name, { metric: m.name, model, ...(group ? { group_by: [group] } : {}) }, i);
    });
}

/** Metrics that only one kind of model has: accuracy for classifiers, errors for regression. */
const REGRESSION_ONLY = new Set(['performance.mae', 'performance.rmse']);
const CLASSIFIER_ONLY = new Set(['performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr']);
/** False positive and negative rates need a positive class. */
const BINARY_ONLY = new Set(['performance.fpr', 'performance.fnr']);

/** Performance: the `performance.` metrics that apply to the model's task, and label coverage. */
export function performancePanels(model: string, catalog: readonly Pick<CatalogMetric, 'name' | 'description' | 'filters' | 'group_by'>[], task?: 'binary' | 'multiclass' | 'regression'): { metrics: PanelSpec[]; labels: PanelSpec[] } {
  const skip = task === undefined ? new Set<string>() : task === 'regression' ? CLASSIFIER_ONLY : task === 'multiclass' ? new Set([...REGRESSION_ONLY, ...BINARY_ONLY]) : REGRESSION_ONLY;
  const metrics = prefixPanels(model, 'performance.', catalog.filter((m) => !skip.has(m.name)));
  const labels: PanelSpec[] = [];
  if (has(catalog, 'labels.coverage')) labels.push(panel(`${model}-label-coverage`, 'Label coverage by version', { metric: 'labels.coverage', model, group_by: ['version'] }, 0, 'timeseries', 'ratio'));
  if (has(catalog, 'labels.count')) labels.push(panel(`${model}-label-count`, 'Labelled predictions', { metric: 'labels.count', model }, 1));
  if (has(catalog, 'labels.delay_mean')) labels.push(panel(`${model}-label-delay`, 'Mean label delay', { metric: 'labels.delay_mean', model }, 2));
  return { metrics, labels };
}

