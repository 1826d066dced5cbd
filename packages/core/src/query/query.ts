import { VigilError, type ErrorDetail } from '../errors.ts';
import { parseDuration, parseTimeBound } from '../schemas/time.ts';
import { CATALOG_BY_NAME, type MetricDef } from './catalog.ts';
import { FEATURE_VIOLATION_KINDS } from '../ingest/types.ts';
import { isViolationKind } from '../quality/kinds.ts';

export type SampleAgg = 'avg' | 'sum' | 'min' | 'max' | 'last' | 'count';

/** A query for one catalogue metric, validated. Time bounds are epoch ms, [from, to). */
export interface MetricQuery {
  metric: MetricDef;
  from: number;
  to: number;
  stepMs: number;
  models: string[] | null;
  versions: string[] | null;
  /** segment name → accepted value */
  segments: Record<string, string>;
  /** extra equality filters: feature, kind, level, error_class, label.<name> */
  filters: Record<string, string>;
  groupBy: string[];
  name: string | null;
  agg: SampleAgg;
}

/** Most points one series may hold, so one query cannot exhaust the server. */
export const MAX_POINTS = 11_000;
const AGGS: readonly SampleAgg[] = ['avg', 'sum', 'min', 'max', 'last', 'count'];

function list(v: string | string[] | undefined): string[] | null {
  if (v === undefined) return null;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return parts.length ? parts : null;
}

/**
 * Validates raw query-string parameters into a MetricQuery. Every problem is reported at
 * once, each naming its parameter.
 */
export function parseMetricQuery(params: Record<string, string | string[] | undefined>, now: number): MetricQuery {
  const details: ErrorDetail[] = [];
  const one = (k: string): string | undefined => {
    const v = params[k];
    return Array.isArray(v) ? v[v.length - 1] : v;
  };
  const metricName = one('metric');
  const metric = metricName ? CATALOG_BY_NAME.get(metricName) : undefined;
  if (!metricName) details.push({ field: 'metric', message: 'required: a name from GET /api/v1/metrics/catalog' });
  else if (!metric) details.push({ field: 'metric', message: `unknown metric "${metricName}": see GET /api/v1/metrics/catalog` });

  const to = parseTimeBound(one('to') ?? 'now', now);
  if (to === null) details.push({ field: 'to', message: 'must be RFC 3339, epoch ms, "now" or "now-<duration>" such as now-1h' });
  const from = parseTimeBound(one('from') ?? 'now-1h', now);
  if (from === null) details.push({ field: 'from', message: 'must be RFC 3339, epoch ms, "now" or "now-<duration>" such as now-24h' });
  if (from !== null && to !== null && from >= to) details.push({ field: 'from', message: 'must be before to' });

  const stepRaw = one('step');
  let stepMs = stepRaw !== undefined ? parseDuration(stepRaw) : null;
  if (stepRaw !== undefined && stepMs === null) details.push({ field: 'step', message: 'must be a duration such as 30s, 1m, 5m, 1h or 1d' });
  if (metric && stepMs !== null && (stepMs < metric.resolution_ms || stepMs % metric.resolution_ms !== 0)) {
    details.push({ field: 'step', message: `must be a multiple of ${metric.resolution_ms / 1000}s, the resolution of ${metric.name}` });
  } else if (metric && from !== null && to !== null && from < to) {
    if (stepMs === null) {
      // about 120 points, rounded up to the rollup resolution
      const raw = Math.ceil((to - from) / 120);
      stepMs = Math.max(metric.resolution_ms, Math.ceil(raw / metric.resolution_ms) * metric.resolution_ms);
    } else if ((to - from) / stepMs > MAX_POINTS) {
      details.push({ field: 'step', message: `too fine for the range: at most ${MAX_POINTS} points per series; use a step of at least ${Math.ceil((to - from) / MAX_POINTS / 1000)}s` });
    }
  }

  const segments: Record<string, string> = {};
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const val = Array.isArray(v) ? v[v.length - 1] : v;
    if (val === undefined) continue;
    if (k.startsWith('segment.')) segments[k.slice(8)] = val;
    else if (k.startsWith('label.') || ['feature', 'kind', 'level', 'error_class'].includes(k)) filters[k] = val;
    else if (!['metric', 'from', 'to', 'step', 'model', 'version', 'group_by', 'name', 'agg'].includes(k)) {
      details.push({ field: k, message: 'unknown parameter' });
    }
  }
  if (metric) {
    const allowed = metric.filters;
    const ok = (k: string) => allowed.includes(k) || (k.startsWith('segment.') && allowed.includes('segment.<name>')) || (k.startsWith('label.') && allowed.includes('label.<name>'));
    for (const k of [...Object.keys(segments).map((n) => `segment.${n}`), ...Object.keys(filters), ...['model', 'version'].filter((k) => params[k] !== undefined)]) {
      if (!ok(k)) details.push({ field: k, message: `${metric.name} cannot be filtered by ${k}; its filters: ${allowed.join(', ')}` });
    }
  }
  if (metric?.name === 'quality.violations' && filters.kind !== undefined && !isViolationKind(filters.kind)) {
    details.push({ field: 'kind', message: `must be a violation kind: ${FEATURE_VIOLATION_KINDS.join(', ')} (refused records and duplicates are quality.refused and quality.duplicates)` });
  }
  const groupBy = list(params.group_by) ?? [];
  if (metric) {
    const allowed = metric.group_by;
    for (const g of groupBy) {
      const ok = allowed.includes(g) || (g.startsWith('segment.') && allowed.includes('segment.<name>')) || (g.startsWith('label.') && allowed.includes('label.<name>'));
      if (!ok) details.push({ field: 'group_by', message: `${metric.name} cannot be grouped by "${g}"; allowed: ${allowed.join(', ')}` });
    }
  }
  const name = one('name') ?? null;
  if (metric?.source === 'samples' && !name) details.push({ field: 'name', message: 'required for metric=samples: the sample name to read' });
  const aggRaw = one('agg') ?? 'avg';
  if (!AGGS.includes(aggRaw as SampleAgg)) details.push({ field: 'agg', message: `must be one of ${AGGS.join(', ')}` });

  if (details.length || !metric || from === null || to === null || stepMs === null) {
    throw new VigilError('validation_failed', 'invalid query', { details, hint: 'fix the parameters named in details' });
  }
  return {
    metric,
    from,
    to,
    stepMs,
    models: list(params.model),
    versions: list(params.version),
    segments,
    filters,
    groupBy,
    name,
    agg: aggRaw as SampleAgg,
  };
}

export interface Series {
  labels: Record<string, string>;
  points: [number, number | null][];
}

/** Bucket starts covering [from, to) on a grid aligned to the epoch. */
export function bucketGrid(from: number, to: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t < to; t += stepMs) out.push(t);
  return out;
}

/** Lays values onto the full grid; a bucket with no value is null (a gap), never zero. */
export function fillGrid(grid: readonly number[], values: ReadonlyMap<number, number | null>): [number, number | null][] {
  return grid.map((t) => [t, values.get(t) ?? null]);
}

export const groupKey = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
