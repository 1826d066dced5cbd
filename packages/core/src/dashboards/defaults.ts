// The built-in dashboards: one per persona, and an overview for users who chose none. They use
// only catalogue metrics and the sample names the demo sends (node_cpu_utilization, …), and
// name no model, so they fit any installation; each panel's query covers what its reader may see.
import type { Persona } from '../security/types.ts';
import type { DashboardSpec, Panel, PanelKind, PanelQuery } from './spec.ts';

export interface BuiltinDashboard {
  /** `default-<persona>`, or `default-overview`. Stored dashboards have UUIDs, so ids never clash. */
  id: string;
  /** The persona it is the default for; null for the overview. */
  persona: Persona | null;
  spec: DashboardSpec;
}

export const OVERVIEW_DASHBOARD_ID = 'default-overview';

type Extra = Partial<Pick<Panel, 'thresholds' | 'unit'>>;
const panel = (id: string, title: string, kind: PanelKind, query: PanelQuery, [x, y, w, h]: [number, number, number, number], extra: Extra = {}): Panel => ({
  id, title, kind, query, layout: { x, y, w, h }, ...extra,
});
const byModel = (metric: string, more: Omit<PanelQuery, 'metric'> = {}): PanelQuery => ({ metric, group_by: ['model'], ...more });
const errorLogs = (group: string[]): PanelQuery => ({ metric: 'logs.count', filters: { level: 'error' }, group_by: group });
const sample = (name: string, agg: string, group: string[] = ['label.host']): PanelQuery => ({ metric: 'samples', filters: { name, agg }, group_by: group });
const LATENCY_P99 = { unit: 'ms', thresholds: [{ value: 250, color: 'amber' as const }, { value: 1000, color: 'red' as const }] };

const ML_ENGINEER: DashboardSpec = {
  version: 1,
  title: 'Model behaviour',
  description: 'Traffic, scores, features and latency of every model you can read: for ML engineers.',
  time: { from: 'now-24h', to: 'now' },
  panels: [
    panel('traffic', 'Predictions by model', 'timeseries', byModel('predictions.count'), [0, 0, 12, 8]),
    panel('latency-p99', 'p99 latency by model', 'timeseries', byModel('latency.p99'), [12, 0, 12, 8], LATENCY_P99),
    panel('scores', 'Score distribution', 'heatmap', { metric: 'score.distribution' }, [0, 8, 12, 8]),
    panel('score-mean', 'Mean score by model', 'timeseries', byModel('score.mean'), [12, 8, 12, 8], { unit: 'probability' }),
    panel('feature-means', 'Feature means', 'timeseries', byModel('feature.mean', { group_by: ['model', 'feature'] }), [0, 16, 12, 8]),
    panel('label-coverage', 'Label coverage by model', 'timeseries', byModel('labels.coverage'), [12, 16, 12, 8], {
      unit: 'ratio', thresholds: [{ value: 0, color: 'red' }, { value: 0.2, color: 'amber' }, { value: 0.5, color: 'green' }],
    }),
  ],
};

const DATA_ENGINEER: DashboardSpec = {
  version: 1,
  title: 'Data quality and pipelines',
  description: 'Schema violations, null rates, pipeline errors and ingest volume: for data engineers.',
  time: { from: 'now-24h', to: 'now' },
  panels: [
    panel('violations-by-feature', 'Quality violations by feature and kind', 'bar', { metric: 'quality.violations', group_by: ['feature', 'kind'] }, [0, 0, 12, 8]),
    panel('violations-by-model', 'Quality violations by model', 'timeseries', byModel('quality.violations'), [12, 0, 12, 8]),
    panel('null-rates', 'Feature null rates', 'timeseries', byModel('feature.null_rate', { group_by: ['model', 'feature'] }), [0, 8, 12, 8], {
      unit: 'ratio', thresholds: [{ value: 0.05, color: 'amber' }, { value: 0.2, color: 'red' }],
    }),
    panel('error-classes', 'Errors by class', 'table', errorLogs(['model', 'error_class']), [12, 8, 12, 8]),
    panel('ingest-volume', 'Ingest volume', 'timeseries', { metric: 'predictions.count' }, [0, 16, 24, 6], { unit: 'predictions' }),
  ],
};

const PRODUCT_OWNER: DashboardSpec = {
  version: 1,
  title: 'Product impact',
  description: 'Usage of each model and the business figures next to it: for product owners.',
  time: { from: 'now-7d', to: 'now' },
  panels: [
    panel('predictions-per-model', 'Predictions per model', 'stat', byModel('predictions.count'), [0, 0, 12, 5], { unit: 'predictions' }),
    panel('label-coverage', 'Label coverage', 'stat', byModel('labels.coverage'), [12, 0, 12, 5], { unit: 'ratio' }),
    panel('revenue', 'Revenue per minute', 'timeseries', sample('business_revenue_per_minute', 'sum', []), [0, 5, 24, 8], { unit: 'EUR' }),
    panel('usage', 'Predictions per second by model', 'bar', byModel('predictions.rate'), [0, 13, 24, 8], { unit: 'predictions/s' }),
  ],
};

const OPERATIONS: DashboardSpec = {
  version: 1,
  title: 'Service operations',
  description: 'Latency, throughput, errors and host resources: for the people on call.',
  time: { from: 'now-6h', to: 'now' },
  panels: [
    panel('latency-p50', 'p50 latency by model', 'timeseries', byModel('latency.p50'), [0, 0, 12, 8], { unit: 'ms' }),
    panel('latency-p99', 'p99 latency by model', 'timeseries', byModel('latency.p99'), [12, 0, 12, 8], LATENCY_P99),
    panel('throughput', 'Throughput by model', 'timeseries', byModel('predictions.rate'), [0, 8, 12, 8], { unit: 'predictions/s' }),
    panel('error-logs', 'Error logs by model', 'bar', errorLogs(['model']), [12, 8, 12, 8], { thresholds: [{ value: 1, color: 'amber' }, { value: 50, color: 'red' }] }),
    panel('cpu', 'CPU by host', 'timeseries', sample('node_cpu_utilization', 'avg'), [0, 16, 8, 8], {
      unit: '%', thresholds: [{ value: 70, color: 'amber' }, { value: 90, color: 'red' }],
    }),
    panel('memory', 'Memory used by host', 'timeseries', sample('node_memory_used_bytes', 'avg'), [8, 16, 8, 8], { unit: 'bytes' }),
    panel('gpu', 'GPU utilisation', 'timeseries', sample('gpu_utilization', 'avg', ['label.host', 'label.gpu']), [16, 16, 8, 8], { unit: '%' }),
  ],
};

const OVERVIEW: DashboardSpec = {
  version: 1,
  title: 'Overview',
  description: 'A first look at every model you can read. Pick a persona in your profile for a dashboard made for your role.',
  time: { from: 'now-24h', to: 'now' },
  panels: [
    panel('predictions', 'Predictions', 'stat', { metric: 'predictions.count' }, [0, 0, 8, 5], { unit: 'predictions' }),
    panel('traffic', 'Predictions by model', 'timeseries', byModel('predictions.count'), [8, 0, 16, 8]),
    panel('latency-p99', 'p99 latency by model', 'timeseries', byModel('latency.p99'), [0, 8, 12, 8], LATENCY_P99),
    panel('error-logs', 'Error logs by model', 'timeseries', errorLogs(['model']), [12, 8, 12, 8]),
    panel('violations', 'Quality violations by model', 'bar', byModel('quality.violations'), [0, 16, 24, 6]),
  ],
};

export const BUILTIN_DASHBOARDS: readonly BuiltinDashboard[] = [
  { id: 'default-ml_engineer', persona: 'ml_engineer', spec: ML_ENGINEER },
  { id: 'default-data_engineer', persona: 'data_engineer', spec: DATA_ENGINEER },
  { id: 'default-product_owner', persona: 'product_owner', spec: PRODUCT_OWNER },
  { id: 'default-operations', persona: 'operations', spec: OPERATIONS },
  { id: OVERVIEW_DASHBOARD_ID, persona: null, spec: OVERVIEW },
];

export const builtinDashboard = (id: string): BuiltinDashboard | null => BUILTIN_DASHBOARDS.find((d) => d.id === id) ?? null;

/** The dashboard a user starts on: their persona's, or the overview when they chose none. */
export const defaultDashboardFor = (persona: Persona | null): BuiltinDashboard =>
  (persona === null ? null : BUILTIN_DASHBOARDS.find((d) => d.persona === persona)) ?? (builtinDashboard(OVERVIEW_DASHBOARD_ID) as BuiltinDashboard);
