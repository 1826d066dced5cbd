import { api, withParams } from './client.ts';

export interface Series {
  labels: Record<string, string>;
  /** [epoch ms, value]; null is a gap (no data), never zero. */
  points: [number, number | null][];
}
export interface QueryAnswer {
  metric: string;
  unit: string;
  from: number;
  to: number;
  step_ms: number;
  source: 'rollup' | 'raw';
  series: Series[];
  /** Why the answer is empty or narrowed, when access control is the reason. */
  note?: string;
}
export interface CatalogMetric {
  name: string;
  description: string;
  unit: string;
  source: string;
  filters: string[];
  group_by: string[];
  resolution_ms: number;
}

/** A catalogue query as panels and pages describe it; `filters` become `key=value` parameters. */
export interface MetricQuery {
  metric: string;
  model?: string | string[];
  version?: string;
  step?: string;
  group_by?: string[];
  filters?: Record<string, string>;
}

export function queryMetric(q: MetricQuery, from: string, to: string, signal?: AbortSignal): Promise<QueryAnswer> {
  const params: Record<string, string> = { metric: q.metric, from, to };
  if (q.model) params.model = Array.isArray(q.model) ? q.model.join(',') : q.model;
  if (q.version) params.version = q.version;
  if (q.step) params.step = q.step;
  if (q.group_by?.length) params.group_by = q.group_by.join(',');
  for (const [k, v] of Object.entries(q.filters ?? {})) if (v !== '') params[k] = v;
  return api<QueryAnswer>('GET', withParams('/api/v1/query', params), undefined, signal ? { signal } : {});
}

let catalogCache: Promise<CatalogMetric[]> | null = null;
export function catalog(): Promise<CatalogMetric[]> {
  catalogCache ??= api<{ metrics: CatalogMetric[] }>('GET', '/api/v1/metrics/catalog').then((r) => r.metrics, (e: unknown) => {
    catalogCache = null;
    throw e;
  });
  return catalogCache;
}
