// What the performance tab shows, prepared from the server's answers by pure functions: the
// metric table (realized, validation baseline, estimate), the one chart that puts the realized
// value, the estimate with its band and the baseline together, and the concept-drift marks.
import type { ConceptDriftReport, EstimateReport, EstimatedMetricName, PerformanceReport, PerformanceSegmentsReport, Task } from '../api/performance.ts';
import type { AlignedData } from './chart-data.ts';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface MetricChoice {
  /** The realized metric's name in the performance answer. */
  key: string;
  label: string;
  /** The same metric's name in the estimate answer, when CBPE estimates it. */
  estimated: EstimatedMetricName | null;
  /** Lower is better (errors). */
  lowerIsBetter: boolean;
}

const BINARY: MetricChoice[] = [
  { key: 'accuracy', label: 'Accuracy', estimated: 'accuracy', lowerIsBetter: false },
  { key: 'precision', label: 'Precision', estimated: 'precision', lowerIsBetter: false },
  { key: 'recall', label: 'Recall', estimated: 'recall', lowerIsBetter: false },
  { key: 'f1', label: 'F1', estimated: 'f1', lowerIsBetter: false },
  { key: 'roc_auc', label: 'ROC AUC', estimated: 'roc_auc', lowerIsBetter: false },
  { key: 'average_precision', label: 'Average precision', estimated: null, lowerIsBetter: false },
  { key: 'log_loss', label: 'Log loss', estimated: null, lowerIsBetter: true },
];
const MULTICLASS: MetricChoice[] = [
  { key: 'accuracy', label: 'Accuracy', estimated: 'accuracy', lowerIsBetter: false },
  { key: 'precision_macro', label: 'Precision (macro)', estimated: 'precision', lowerIsBetter: false },
  { key: 'recall_macro', label: 'Recall (macro)', estimated: 'recall', lowerIsBetter: false },
  { key: 'f1_macro', label: 'F1 (macro)', estimated: 'f1', lowerIsBetter: false },
  { key: 'precision_weighted', label: 'Precision (weighted)', estimated: null, lowerIsBetter: false },
  { key: 'recall_weighted', label: 'Recall (weighted)', estimated: null, lowerIsBetter: false },
  { key: 'f1_weighted', label: 'F1 (weighted)', estimated: null, lowerIsBetter: false },
  { key: 'roc_auc_macro', label: 'ROC AUC (macro)', estimated: 'roc_auc', lowerIsBetter: false },
  { key: 'log_loss', label: 'Log loss', estimated: null, lowerIsBetter: true },
];
const REGRESSION: MetricChoice[] = [
  { key: 'mae', label: 'MAE', estimated: null, lowerIsBetter: true },
  { key: 'rmse', label: 'RMSE', estimated: null, lowerIsBetter: true },
  { key: 'mape', label: 'MAPE', estimated: null, lowerIsBetter: true },
  { key: 'r2', label: 'R²', estimated: null, lowerIsBetter: false },
];

/** The metrics a model's task has, in display order. */
export function metricChoices(task: Task): MetricChoice[] {
  return task === 'binary' ? BINARY : task === 'multiclass' ? MULTICLASS : REGRESSION;
}

/** The metrics the chart can draw over time: those the answers carry per step. */
export function chartableMetrics(task: Task, estimate: EstimateReport | null): MetricChoice[] {
  const main = task === 'regression' ? 'mae' : 'accuracy';
  return metricChoices(task).filter((m) => m.key === main || (estimate?.status === 'ok' && m.estimated !== null && estimate.metrics[m.estimated] !== undefined));
}

export interface MetricRow {
  key: string;
  label: string;
  realized: number | null;
  /** Why there is no realized value (no labels, undefined for the window). */
  note: string | null;
  /** The streaming AUC's bounds. */
  bounds: [number, number] | null;
  baseline: number | null;
  difference: number | null;
  /** true / false from the test; null when no test applies (with `test` saying why). */
  significant: boolean | null;
  test: string | null;
  /** "worse" when the difference is significant and in the bad direction. */
  direction: 'worse' | 'better' | null;
  estimate: number | null;
  band: [number, number] | null;
  alert: boolean;
}

/** One row per metric the model's task has, with whatever the three answers say about it. */
export function metricRows(perf: PerformanceReport, estimate: EstimateReport | null): MetricRow[] {
  const comparisons = perf.baseline?.comparisons ?? {};
  return metricChoices(perf.task)
    .map((m): MetricRow => {
      const r = perf.metrics[m.key];
      const c = comparisons[m.key];
      const e = estimate?.status === 'ok' && m.estimated ? estimate.metrics[m.estimated] : undefined;
      const realized = r && finite(r.value) ? r.value : null;
      const note = realized !== null ? null : r?.status === 'undefined' ? (r.reason ?? 'undefined for this window') : 'no labels yet';
      const significant = c ? c.significant : null;
      const worse = c ? (m.lowerIsBetter ? c.difference > 0 : c.difference < 0) : false;
      return {
        key: m.key,
        label: m.label,
        realized,
        note,
        bounds: r && finite(r.lower) && finite(r.upper) && r.path === 'streaming' ? [r.lower, r.upper] : null,
        baseline: c ? c.baseline : null,
        difference: c ? c.difference : null,
        significant,
        test: c ? c.test : null,
        direction: significant ? (worse ? 'worse' : 'better') : null,
        estimate: e && finite(e.estimate) ? e.estimate : null,
        band: e && finite(e.lower) && finite(e.upper) ? [e.lower, e.upper] : null,
        alert: e?.alert ?? false,
      };
    })
    .filter((row) => row.realized !== null || row.baseline !== null || row.estimate !== null || perf.metrics[row.key] !== undefined);
}

export interface PerformanceChartData {
  /** [seconds, realized, estimate, lower, upper, baseline] */
  data: AlignedData;
  labels: [realized: string, estimate: string, lower: string, upper: string, baseline: string];
  /** Steps with a realized value, and with an estimate. */
  realizedPoints: number;
  estimatePoints: number;
  baseline: number | null;
  /** Concept-drift detections inside the chart's range, in seconds. */
  marks: number[];
}

/**
 * The chart's columns for one metric. Realized values come from the estimate's series when it
 * has the metric (the same steps as the estimate), else from the performance series (accuracy
 * or MAE); the baseline is the version's validation value, drawn flat across the range.
 */
export function performanceChartData(perf: PerformanceReport, estimate: EstimateReport | null, metric: MetricChoice, drift: ConceptDriftReport | null = null): PerformanceChartData {
  const useEstimate = estimate?.status === 'ok' && metric.estimated !== null && estimate.series.some((s) => s.metrics[metric.estimated as EstimatedMetricName] !== undefined);
  const times = new Set<number>();
  if (useEstimate) for (const s of estimate.series) times.add(s.t);
  if (perf.series.length && perf.series[0]?.metric === metric.key) for (const s of perf.series) times.add(s.t);
  const ts = [...times].filter(finite).sort((a, b) => a - b);
  const realizedAt = new Map<number, number>();
  if (perf.series[0]?.metric === metric.key) for (const s of perf.series) if (finite(s.value)) realizedAt.set(s.t, s.value);
  const est = new Map<number, { estimate: number | null; lower: number | null; upper: number | null }>();
  if (useEstimate) {
    for (const s of estimate.series) {
      const m = s.metrics[metric.estimated as EstimatedMetricName];
      if (!m) continue;
      est.set(s.t, { estimate: finite(m.estimate) ? m.estimate : null, lower: finite(m.lower) ? m.lower : null, upper: finite(m.upper) ? m.upper : null });
      // the performance series carries only the main metric: the estimate's realized fills the rest
      if (!realizedAt.has(s.t) && finite(m.realized)) realizedAt.set(s.t, m.realized);
    }
  }
  const baselineValue = perf.baseline?.comparisons[metric.key]?.baseline;
  const baseline = finite(baselineValue) ? baselineValue : null;
  const xs = new Float64Array(ts.length);
  const realized: (number | null)[] = [], estimates: (number | null)[] = [], lower: (number | null)[] = [], upper: (number | null)[] = [], base: (number | null)[] = [];
  ts.forEach((t, i) => {
    xs[i] = t / 1000;
    realized.push(realizedAt.get(t) ?? null);
    const e = est.get(t);
    estimates.push(e?.estimate ?? null);
    lower.push(e?.lower ?? null);
    upper.push(e?.upper ?? null);
    base.push(baseline);
  });
  const from = perf.window.from, to = perf.window.to;
  const marks = (drift?.detections ?? []).filter((d) => d.kind === 'drift' && finite(d.t) && d.t >= from && d.t < to).map((d) => d.t / 1000);
  return {
    data: [xs, realized, estimates, lower, upper, base],
    labels: [`${metric.label}, realized`, `${metric.label}, estimated`, 'estimate band, lower', 'estimate band, upper', `${metric.label}, validation${perf.baseline ? ` (${perf.baseline.version})` : ''}`],
    realizedPoints: realized.filter((v) => v !== null).length,
    estimatePoints: estimates.filter((v) => v !== null).length,
    baseline,
    marks,
  };
}

/** A sentence on the concept-drift detector for the chart's caption. */
export function conceptDriftNote(drift: ConceptDriftReport | null): string | null {
  if (!drift) return null;
  const name = drift.method === 'ddm' ? 'DDM' : 'Page-Hinkley';
  if (drift.status !== 'ok') return `${name}: ${drift.reason ?? 'no labelled predictions in the range'}.`;
  const n = drift.detections.filter((d) => d.kind === 'drift').length;
  const w = drift.detections.filter((d) => d.kind === 'warning').length;
  const over = `${drift.rows.toLocaleString('en-US')} labelled predictions${drift.sampled ? ` (a sample of ${drift.total.toLocaleString('en-US')})` : ''}`;
  if (n === 0) return `${name} watched ${over}: no concept drift${w ? ` (${w} warning${w === 1 ? '' : 's'})` : ''}.`;
  return `${name} watched ${over}: concept drift detected ${n} time${n === 1 ? '' : 's'} (marked on the chart)${w ? `, ${w} warning${w === 1 ? '' : 's'}` : ''}.`;
}

/** Why there is no estimate, in words, or null when there is one. */
export function estimateNote(task: Task, estimate: EstimateReport | null): string | null {
  if (task === 'regression') return 'Label-free estimation covers classifiers; regression shows realized errors only.';
  if (!estimate) return null;
  if (estimate.status === 'ok') {
    const ref = estimate.reference;
    const sample = estimate.sampled ? ` from a sample of ${estimate.estimated_from.toLocaleString('en-US')} of ${estimate.predictions.toLocaleString('en-US')} predictions` : '';
    return ref ? `Estimated from the scores${sample} (CBPE), calibrated on ${ref.rows.toLocaleString('en-US')} labelled predictions${ref.calibrated ? '' : ' (scores used as they are: already calibrated)'}.` : null;
  }
  return [estimate.reason, estimate.hint].filter(Boolean).join(' ') || 'No estimate for this range.';
}

/** A metric value with 3 decimals (ratios, AUC) or 3 significant digits beyond ±1000; "—" for none. */
export function formatMetric(v: number | null | undefined): string {
  if (!finite(v)) return '—';
  return Math.abs(v) >= 1000 ? String(Number(v.toPrecision(3))) : v.toFixed(3);
}

/** A difference with its sign: +0.012, −0.030. */
export function formatSigned(v: number | null | undefined): string {
  if (!finite(v)) return '—';
  const s = formatMetric(Math.abs(v));
  return v > 0 ? `+${s}` : v < 0 ? `\u2212${s}` : s;
}

export interface WorstSegmentRow {
  value: string;
  before: string;
  now: string;
  within: number;
  mix: number;
  share: string;
}

/** The `limit` segment values that moved the metric most, per segment key, as the server ranks them (by |total|). */
export function worstSegmentRows(report: PerformanceSegmentsReport, limit: number): { segment: string; rows: WorstSegmentRow[] }[] {
  const side = (s: { n: number; value: number | null } | null) => (s && s.n > 0 ? `${formatMetric(s.value)} (${s.n.toLocaleString('en-US')})` : 'absent');
  return report.by.map((g) => ({
    segment: g.segment,
    rows: g.segments.slice(0, limit).map((s) => ({
      value: s.value,
      before: side(s.baseline),
      now: side(s.current),
      within: s.within,
      mix: s.mix,
      share: finite(s.share) ? `${(s.share * 100).toFixed(0)}%` : '—',
    })),
  }));
}
