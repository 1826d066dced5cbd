import {
  accuracy, approximateRocAuc, approximateRocAucOneVsRest, aucVsBaseline, averagePrecision, calibrationCurve, confusionFromCells, confusionMatrix,
  differenceOnly, emptyLogLoss, emptyRegression, logLoss, mergeCalibration, mergeLogLoss, mergeRegression, mergeScoreHistograms, precisionRecallFscore,
  productionVersionAt, proportionVsBaseline, regressionMetrics, rocAuc, VigilError,
  type BaselineComparison, type CalibrationCurve, type CalibrationState, type ConfusionCell, type MetricValue, type Model, type ScoreHistogram,
} from '@vigil/core';
import type { PerformanceRows, RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';
import { windowGrid } from './get-drift.ts';

/** Labelled rows the exact path (exact ROC AUC, average precision) reads at most; a uniform sample beyond. */
export const EXACT_PERFORMANCE_ROWS = 500_000;

export interface PerformanceInput {
  modelId: string;
  from: number;
  to: number;
  version: string | null;
  segments: Record<string, string>;
  stepMs: number | null;
  /** Exact ROC AUC and average precision from the labelled rows (else the streaming AUC with its bound). */
  exact: boolean;
}

type Value = { value: number | null; status: MetricValue['status']; reason?: string };
export interface PerformanceResult {
  model: string;
  task: Model['task'];
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  step_ms: number;
  predictions: number;
  labelled: number;
  /** labelled ÷ predictions of the window; null without predictions. */
  label_coverage: number | null;
  /** Mean time from a prediction to its (latest) label, ms. */
  label_delay_ms: number | null;
  /** Binary models: the class counted as positive. */
  positive: string | null;
  metrics: Record<string, Value & { lower?: number; upper?: number; path?: 'streaming' | 'exact' }>;
  confusion_matrix: { labels: string[]; matrix: number[][] } | null;
  calibration_curve: CalibrationCurve | null;
  /** The version's validation metrics beside the live ones (the window's version, else production's). */
  baseline: { version: string; comparisons: Record<string, BaselineComparison> } | null;
  series: { t: number; predictions: number; labelled: number; label_coverage: number | null; metric: string; value: number | null }[];
}

const v = (m: MetricValue): Value => (m.status === 'ok' ? { value: m.value, status: 'ok' } : m.status === 'undefined' ? { value: null, status: 'undefined', reason: m.message } : { value: null, status: 'no_data' });

/** The positive class of a binary model: classes[1] when declared, else '1' (or 'true' when the labels are booleans). */
export function positiveClass(model: Model, seen: readonly string[]): string {
  const classes = model.schema.classes;
  if (classes && classes.length === 2) return classes[1] as string;
  return seen.includes('true') && !seen.includes('1') ? 'true' : '1';
}

/** The rollups' tag for a binary model's score rows: the declared positive class, else '1' (which also stands for 'true'). */
export const scoreClass = (model: Model): string => (model.schema.classes?.length === 2 ? (model.schema.classes[1] as string) : '1');
/** As the rollups decide it: the declared positive class, else '1' or 'true'. */
export const isPositiveLabel = (model: Model, label: string): boolean => (model.schema.classes?.length === 2 ? label === model.schema.classes[1] : label === '1' || label === 'true');
/** As the rollups decide it: with two declared classes, a label outside them is left out of the AUC (but kept in the confusion counts). */
export const isScoredLabel = (model: Model, label: string): boolean => (model.schema.classes?.length === 2 ? model.schema.classes.includes(label) : true);

type Sums = ReturnType<typeof sumRows>;
/** The rows of each step bucket, in one pass (a filter per bucket would cost buckets × rows). */
export function byBucket(rows: PerformanceRows): Map<number, PerformanceRows> {
  const out = new Map<number, PerformanceRows>();
  const at = (b: number) => {
    let e = out.get(b);
    if (!e) out.set(b, (e = { totals: [], confusion: [], scores: [], calibration: [] }));
    return e;
  };
  for (const r of rows.totals) at(r.bucket).totals.push(r);
  for (const r of rows.confusion) at(r.bucket).confusion.push(r);
  return out;
}

export function sumRows(rows: PerformanceRows) {
  const totals = rows.totals;
  const cells = new Map<string, ConfusionCell>();
  for (const c of rows.confusion) {
    const k = `${c.truth}\u0000${c.predicted}`;
    const e = cells.get(k) ?? { truth: c.truth, predicted: c.predicted, count: 0 };
    e.count += c.count;
    cells.set(k, e);
  }
  return {
    labelled: totals.reduce((a, r) => a + r.labelled, 0),
    delay: totals.reduce((a, r) => a + r.delay_sum, 0),
    logLoss: totals.length ? mergeLogLoss(...totals.map((r) => r.log_loss)) : emptyLogLoss(),
    regression: totals.length ? mergeRegression(totals[0]!.regression, ...totals.slice(1).map((r) => r.regression)) : emptyRegression(),
    confusion: confusionFromCells(cells.values()),
    scores: rows.scores,
    calibration: rows.calibration,
  };
}

export function histogramOf(rows: PerformanceRows['scores'], cls: string): ScoreHistogram | null {
  const mine = rows.filter((r) => r.class === cls);
  if (mine.length === 0) return null;
  const bins = Math.max(...mine.map((r) => r.bin)) + 1;
  const size = Math.max(bins, 100);
  const h: ScoreHistogram = { bins: size, positives: new Array<number>(size).fill(0), negatives: new Array<number>(size).fill(0) };
  for (const r of mine) { h.positives[r.bin]! += r.positives; h.negatives[r.bin]! += r.negatives; }
  return mergeScoreHistograms(h);
}

function calibrationOf(rows: PerformanceRows['calibration'], cls: string, bins: number): CalibrationState | null {
  const mine = rows.filter((r) => r.class === cls && r.bins === bins);
  if (mine.length === 0) return null;
  const s: CalibrationState = { bins, counts: new Array<number>(bins).fill(0), scoreSums: new Array<number>(bins).fill(0), positives: new Array<number>(bins).fill(0) };
  for (const r of mine) { s.counts[r.bin]! += r.count; s.scoreSums[r.bin]! += r.score_sum; s.positives[r.bin]! += r.positives; }
  return mergeCalibration(s);
}

/** Realized performance of a model over a window, exact where metrics merge (docs/performance.md). */
export async function getPerformance({ ctx, input }: { ctx: ServiceContext; input: PerformanceInput }): Promise<PerformanceResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  const unknown = Object.keys(input.segments).filter((s) => !model.schema.segments.includes(s));
  if (unknown.length) throw new VigilError('validation_failed', `model ${model.id} has no segment ${unknown.join(', ')}`, { details: unknown.map((s) => ({ field: `segment.${s}`, message: `segments are ${model.schema.segments.join(', ') || 'none'}` })) });
  const grid = windowGrid(input.from, input.to, input.stepMs);
  const q: RollupQuery = { from: grid.from, to: grid.to, stepMs: grid.step, models: [model.id], versions: input.version === null ? null : [input.version], segments: input.segments, groupBy: [], filters: {} };
  const [rows, inference] = await Promise.all([ctx.stores.events.queryPerformance(q), ctx.stores.events.queryInference(q)]);
  const predictionsAt = new Map(inference.map((r) => [r.bucket, r.count]));
  const predictions = inference.reduce((a, r) => a + r.count, 0);
  const all = sumRows(rows);
  const classifier = model.task !== 'regression';
  const positive = model.task === 'binary' ? positiveClass(model, all.confusion.labels) : null;

  const metrics: PerformanceResult['metrics'] = {};
  let calibration: CalibrationCurve | null = null;
  /** Positive and negative rows the AUC was computed on (the baseline test's n₁, n₂). */
  let aucRows: { positives: number; negatives: number } | null = null;
  if (classifier) {
    metrics.accuracy = v(accuracy(all.confusion));
    const averages = model.task === 'binary' ? (['binary'] as const) : (['macro', 'weighted'] as const);
    for (const average of averages) {
      const r = precisionRecallFscore(all.confusion, { average, ...(positive ? { positive } : {}) });
      const suffix = average === 'binary' ? '' : `_${average}`;
      for (const [name, value] of [['precision', r.status === 'ok' ? r.precision : null], ['recall', r.status === 'ok' ? r.recall : null], ['f1', r.status === 'ok' ? r.fscore : null]] as const) {
        metrics[`${name}${suffix}`] = value === null ? { value: null, status: 'no_data' } : { value, status: 'ok' };
      }
    }
    metrics.log_loss = v(logLoss(all.logLoss));
    if (model.task === 'binary' && positive) {
      const h = histogramOf(all.scores, scoreClass(model));
      if (input.exact) {
        const labelled = await ctx.stores.events.labelledRows(model, { from: grid.from, to: grid.to, versions: q.versions, segments: input.segments }, EXACT_PERFORMANCE_ROWS).catch((e: unknown) => {
          // joining every labelled prediction of a long window with its labels can exceed the
          // store's memory limit (about 10 million at the default): say so, and what to do
          if (/out of memory/i.test(String((e as Error).message))) {
            throw new VigilError('unavailable', 'the exact path ran out of memory joining this window\'s predictions with their labels', {
              hint: 'drop exact=true (the streaming ROC AUC comes with its bound), ask for a shorter window, or raise VIGIL_DUCKDB_MEMORY_LIMIT',
            });
          }
          throw e;
        });
        const scores: number[] = [], positives: boolean[] = [];
        for (let i = 0; i < labelled.label.length; i++) if (Number.isFinite(labelled.score[i]) && isScoredLabel(model, labelled.label[i] as string)) { scores.push(labelled.score[i] as number); positives.push(isPositiveLabel(model, labelled.label[i] as string)); }
        metrics.roc_auc = { ...v(rocAuc(scores, positives)), path: 'exact' };
        metrics.average_precision = { ...v(averagePrecision(scores, positives)), path: 'exact' };
        const p = positives.filter(Boolean).length;
        aucRows = { positives: p, negatives: positives.length - p };
      } else if (h) {
        const a = approximateRocAuc(h);
        const p = h.positives.reduce((x, y) => x + y, 0);
        aucRows = { positives: p, negatives: h.negatives.reduce((x, y) => x + y, 0) };
        metrics.roc_auc = a.status === 'ok' ? { value: a.value, status: 'ok', lower: a.lower, upper: a.upper, path: 'streaming' } : { ...v(a as MetricValue), path: 'streaming' };
      } else metrics.roc_auc = { value: null, status: 'no_data', path: 'streaming' };
      const cal = calibrationOf(all.calibration, scoreClass(model), 10);
      calibration = cal ? calibrationCurve(cal) : null;
    } else if (model.schema.classes?.length) {
      const hs = model.schema.classes.map((c) => histogramOf(all.scores, c)).filter((h): h is ScoreHistogram => h !== null);
      if (hs.length === model.schema.classes.length) {
        const a = approximateRocAucOneVsRest(hs, 'macro');
        metrics.roc_auc_macro = a.status === 'ok' ? { value: a.value, status: 'ok', lower: a.lower, upper: a.upper, path: 'streaming' } : { ...v(a as MetricValue), path: 'streaming' };
      }
    }
  } else {
    const r = regressionMetrics(all.regression);
    for (const [name, m] of Object.entries(r)) metrics[name] = v(m);
  }

  const main = classifier ? 'accuracy' : 'mae';
  const series: PerformanceResult['series'] = [];
  const buckets = byBucket(rows);
  const none: Sums = sumRows({ totals: [], confusion: [], scores: [], calibration: [] });
  for (let t = grid.from; t < grid.to; t += grid.step) {
    const rowsAt = buckets.get(t);
    const b = rowsAt ? sumRows(rowsAt) : none;
    const n = predictionsAt.get(t) ?? 0;
    const value = classifier ? accuracy(b.confusion) : regressionMetrics(b.regression).mae;
    series.push({ t, predictions: n, labelled: b.labelled, label_coverage: n > 0 ? b.labelled / n : null, metric: main, value: value.status === 'ok' ? value.value : null });
  }

  return {
    model: model.id, task: model.task, window: { from: grid.from, to: grid.to, version: input.version, segments: input.segments }, step_ms: grid.step,
    predictions, labelled: all.labelled, label_coverage: predictions > 0 ? all.labelled / predictions : null,
    label_delay_ms: all.labelled > 0 ? all.delay / all.labelled : null, positive,
    metrics, confusion_matrix: classifier && all.labelled > 0 ? confusionMatrix(all.confusion) : null, calibration_curve: calibration,
    baseline: await baselineOf(ctx, model, input.version, grid.to, metrics, all.confusion, positive, aucRows),
    series,
  };
}

/** The validation metrics of the window's version (else the production version at the window's end) beside the live ones. */
async function baselineOf(ctx: ServiceContext, model: Model, version: string | null, at: number, metrics: PerformanceResult['metrics'], confusion: ReturnType<typeof confusionFromCells>, positive: string | null, aucRows: { positives: number; negatives: number } | null): Promise<PerformanceResult['baseline']> {
  let name = version;
  if (name === null) {
    // the window's last instant (its end is exclusive), by the rule stale_share uses: failed and rolled-back deployments do not count
    name = productionVersionAt(await ctx.stores.meta.listDeployments(model.id, { environment: 'production' }), at - 1);
  }
  if (name === null) return null;
  const ver = await ctx.stores.meta.getVersion(model.id, name);
  if (!ver) return null;
  const comparisons: Record<string, BaselineComparison> = {};
  const total = confusion.matrix.flat().reduce((a, b) => a + b, 0);
  const idx = positive === null ? -1 : confusion.labels.indexOf(positive);
  const actualPos = idx < 0 ? 0 : (confusion.matrix[idx] ?? []).reduce((a, b) => a + b, 0);
  const predictedPos = idx < 0 ? 0 : confusion.matrix.reduce((a, row) => a + (row[idx] ?? 0), 0);
  for (const [key, base] of Object.entries(ver.validation_metrics)) {
    const live = metrics[key]?.value;
    if (typeof base !== 'number' || live === null || live === undefined) continue;
    if (key === 'accuracy') comparisons[key] = proportionVsBaseline(live, total, base);
    else if (key === 'precision' && positive) comparisons[key] = proportionVsBaseline(live, predictedPos, base);
    else if (key === 'recall' && positive) comparisons[key] = proportionVsBaseline(live, actualPos, base);
    else if (key === 'roc_auc' && aucRows) comparisons[key] = aucVsBaseline(live, aucRows.positives, aucRows.negatives, base);
    else comparisons[key] = differenceOnly(live, base, key);
  }
  return { version: name, comparisons };
}
