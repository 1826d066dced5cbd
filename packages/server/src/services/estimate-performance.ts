import {
  accuracy, approximateRocAuc, approximateRocAucOneVsRest, estimateCbpe, estimateCbpeMulticlass, precisionRecallFscore, VigilError,
  type CbpeMetricEstimate, type CbpeModel, type CbpeMulticlassModel, type CbpeMulticlassMetric, type Model, type ScoreHistogram,
} from '@vigil/core';
import type { PerformanceRows, RollupQuery, ScoredRows } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { binaryRows, multiclassRows, referenceFit, type CbpeRows } from './estimate-fit.ts';
import { getModel } from './get-model.ts';
import { windowGrid } from './get-drift.ts';
import { byBucket, histogramOf, positiveClass, scoreClass, sumRows } from './get-performance.ts';

export { estimateCacheStats } from './estimate-fit.ts';

const HOUR = 3_600_000;
/** The default reference: the labelled predictions of the 30 days before the window. */
export const DEFAULT_REFERENCE_MS = 30 * 24 * HOUR;

export interface EstimateLimits {
  /** Scored predictions of the window the estimate reads at most; a uniform sample beyond. */
  windowRows: number;
  /** Labelled predictions of the reference the fit reads at most; a uniform sample beyond. */
  referenceRows: number;
}
export const ESTIMATE_LIMITS: Readonly<EstimateLimits> = Object.freeze({ windowRows: 100_000, referenceRows: 100_000 });

export interface EstimateInput {
  modelId: string;
  from: number;
  to: number;
  version: string | null;
  segments: Record<string, string>;
  stepMs: number | null;
  /** The labelled range CBPE learns from; null: the 30 days before the window. Rounded out to whole hours. */
  reference: { from: number; to: number } | null;
}

export type EstimatedMetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'roc_auc';
const METRICS: readonly [EstimatedMetricName, CbpeMulticlassMetric][] = [['accuracy', 'accuracy'], ['precision', 'precision'], ['recall', 'recall'], ['f1', 'f1'], ['roc_auc', 'rocAuc']];

type Realized = Record<EstimatedMetricName, number | null>;
interface PointMetric { estimate: number | null; lower: number | null; upper: number | null; alert: boolean; realized: number | null }
interface WindowMetric extends PointMetric { sampling_error: number | null; thresholds: { lower: number | null; upper: number | null } }

export interface EstimateResult {
  model: string;
  task: Model['task'];
  status: 'ok' | 'no_reference' | 'no_data';
  reason?: string;
  hint?: string;
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  step_ms: number;
  positive: string | null;
  classes: string[] | null;
  reference: { from: number; to: number; rows: number; sampled: boolean; calibrated: boolean } | null;
  /** Predictions in the window (the rollups). */
  predictions: number;
  /** Scored rows the estimate used (at most limits.windowRows: a uniform sample beyond). */
  estimated_from: number;
  sampled: boolean;
  metrics: Record<EstimatedMetricName, WindowMetric>;
  /** Expected counts, [true][predicted], scaled to the window's scored predictions when sampled. */
  confusion_matrix: { labels: string[]; matrix: number[][] } | null;
  series: { t: number; predictions: number; estimated_from: number; labelled: number; metrics: Record<EstimatedMetricName, PointMetric> }[];
}

/** Estimates a classifier's performance over a window from its scores (CBPE), beside the realized values where labels have come (docs/performance-estimation.md). */
export async function estimatePerformance({ ctx, input, limits = ESTIMATE_LIMITS }: { ctx: ServiceContext; input: EstimateInput; limits?: EstimateLimits }): Promise<EstimateResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  const classes = checkEstimable(model, input.segments);
  const grid = windowGrid(input.from, input.to, input.stepMs);
  const versions = input.version === null ? null : [input.version];
  const ref = input.reference
    ? { from: Math.floor(input.reference.from / HOUR) * HOUR, to: Math.ceil(input.reference.to / HOUR) * HOUR }
    : { from: grid.from - DEFAULT_REFERENCE_MS, to: grid.from };
  const q: RollupQuery = { from: grid.from, to: grid.to, stepMs: grid.step, models: [model.id], versions, segments: input.segments, groupBy: [], filters: {} };
  const [rows, inference, refLabelled, scored] = await Promise.all([
    // the realized values need the confusion counts, the labelled totals and the score histograms
    ctx.stores.events.queryPerformance(q, ['totals', 'confusion', 'scores']),
    ctx.stores.events.queryInference(q),
    // the reference's labelled count (the rollups'), over exactly its range: a rollup read on a step
    // of the range's length would start on that step's grid, up to a range's length earlier
    ctx.stores.events.labelledRows(model, { from: ref.from, to: ref.to, versions, segments: input.segments }, 0),
    ctx.stores.events.scoredRows(model, { from: grid.from, to: grid.to, versions, segments: input.segments }, limits.windowRows),
  ]);
  const fit = await referenceFit(ctx, model, {
    ...ref, versions, segments: input.segments, limit: limits.referenceRows, defaulted: input.reference === null,
    labelled: refLabelled.total,
  });
  const all = sumRows(rows);
  const positive = model.task === 'binary' ? positiveClass(model, [...all.confusion.labels, ...fit.labels]) : null;
  const cbpe = fit.status === 'ok' && scored.total > 0 ? fit.cbpe : null;
  const window = cbpe ? windowRows(model, classes, scored) : null;
  const bucketOf = (ts: number) => Math.floor(ts / grid.step) * grid.step;

  // the window, then each step bucket (the rows are in time order: a bucket is a slice)
  const whole = cbpe && window ? estimateSlice(cbpe, window, 0, window.use.length) : null;
  const slices = new Map<number, [number, number]>();
  if (window) {
    window.use.forEach((row, k) => {
      const b = bucketOf(scored.ts[row]!), s = slices.get(b);
      if (s) s[1] = k + 1; else slices.set(b, [k, k + 1]);
    });
  }
  const realizedRows = bucketRows(rows);
  const predictionsAt = new Map(inference.map((r) => [r.bucket, r.count]));
  const series: EstimateResult['series'] = [];
  for (let t = grid.from; t < grid.to; t += grid.step) {
    const s = slices.get(t), at = realizedRows.get(t);
    const est = cbpe && window && s ? estimateSlice(cbpe, window, s[0], s[1]) : null;
    const realized = at ? realizedOf(model, classes, at, positive) : NO_REALIZED;
    series.push({
      t, predictions: predictionsAt.get(t) ?? 0, estimated_from: s ? s[1] - s[0] : 0, labelled: at ? sumRows(at).labelled : 0,
      metrics: Object.fromEntries(METRICS.map(([name, core]) => {
        const e = est?.metrics[core];
        return [name, { estimate: e?.value ?? null, lower: e?.lower ?? null, upper: e?.upper ?? null, alert: e?.alert ?? false, realized: realized[name] }];
      })) as Record<EstimatedMetricName, PointMetric>,
    });
  }

  const realized = realizedOf(model, classes, rows, positive);
  const thresholds = fit.status === 'ok' ? fit.cbpe.alertThresholds : null;
  const metrics = Object.fromEntries(METRICS.map(([name, core]) => {
    const e = whole?.metrics[core], t = thresholds?.[core];
    return [name, {
      estimate: e?.value ?? null, lower: e?.lower ?? null, upper: e?.upper ?? null, sampling_error: e?.samplingError ?? null, alert: e?.alert ?? false,
      thresholds: { lower: t?.lower ?? null, upper: t?.upper ?? null }, realized: realized[name],
    }];
  })) as Record<EstimatedMetricName, WindowMetric>;
  const used = window?.use.length ?? 0;
  // expected counts of the rows used, scaled up to the scored predictions they are a sample of
  const scale = used > 0 && scored.total > scored.ts.length ? scored.total / scored.ts.length : 1;
  const status = fit.status === 'no_reference' ? 'no_reference' : used === 0 ? 'no_data' : 'ok';
  const explained = fit.status === 'no_reference'
    ? { reason: fit.reason, hint: fit.hint }
    : used === 0
      ? {
        reason: scored.total === 0 ? 'no scored prediction in the window' : `none of the window's ${scored.total} scored predictions predicts ${model.task === 'binary' ? 'a class' : 'a declared class'}`,
        hint: `CBPE estimates from the scores and the predicted class: send ${model.task === 'binary' ? '`score` (P(positive))' : '`scores` (one probability per declared class)'} and \`prediction\` with each prediction`,
      }
      : {};
  return {
    model: model.id, task: model.task, status, ...explained,
    window: { from: grid.from, to: grid.to, version: input.version, segments: input.segments }, step_ms: grid.step,
    positive, classes: classes ?? (model.schema.classes?.length === 2 ? [...model.schema.classes] : null),
    reference: { ...ref, rows: fit.rows, sampled: fit.total > limits.referenceRows, calibrated: fit.status === 'ok' && fit.calibrated },
    predictions: inference.reduce((a, r) => a + r.count, 0), estimated_from: used, sampled: scored.total > scored.ts.length,
    metrics,
    confusion_matrix: whole ? { labels: classes ?? binaryLabels(model, positive ?? '1'), matrix: whole.confusion.map((row) => row.map((c) => c * scale)) } : null,
    series,
  };
}

/** Only classifiers, with their classes where multiclass; segments the model has. Returns the multiclass classes. */
function checkEstimable(model: Model, segments: Record<string, string>): string[] | null {
  if (model.task === 'regression') {
    throw new VigilError('validation_failed', `model ${model.id} is a regression model: performance estimation (CBPE) is for classifiers`, {
      details: [{ field: 'id', message: 'estimation is for binary and multiclass classifiers; regression performance needs labels (GET /api/v1/models/{id}/performance)' }],
    });
  }
  const unknown = Object.keys(segments).filter((s) => !model.schema.segments.includes(s));
  if (unknown.length) throw new VigilError('validation_failed', `model ${model.id} has no segment ${unknown.join(', ')}`, { details: unknown.map((s) => ({ field: `segment.${s}`, message: `segments are ${model.schema.segments.join(', ') || 'none'}` })) });
  if (model.task !== 'multiclass') return null;
  const classes = model.schema.classes ?? [];
  if (classes.length < 2) {
    throw new VigilError('validation_failed', `model ${model.id} declares no classes: multiclass estimation needs them to read each prediction's scores`, {
      details: [{ field: 'id', message: 'the model\'s schema.classes is empty' }],
      hint: 'declare the classes in the model\'s schema (schema.classes, in the order of the scores)',
    });
  }
  return [...classes];
}

function windowRows(model: Model, classes: string[] | null, scored: ScoredRows): CbpeRows {
  return model.task === 'binary' ? binaryRows(model, scored) : multiclassRows(classes ?? [], scored);
}

type Estimated = { metrics: Record<CbpeMulticlassMetric, CbpeMetricEstimate>; confusion: number[][] };

/** CBPE on rows [from, to) of the window: the sample's own size sets the band. */
function estimateSlice(cbpe: CbpeModel | CbpeMulticlassModel, rows: CbpeRows, from: number, to: number): Estimated {
  if (cbpe.task === 'binary' && rows.task === 'binary') {
    const e = estimateCbpe(cbpe, { scores: rows.scores.subarray(from, to), predictions: rows.predictions.subarray(from, to) }).metrics;
    const v = (m: CbpeMetricEstimate) => m.value ?? 0;
    return { metrics: e, confusion: [[v(e.trueNegative), v(e.falsePositive)], [v(e.falseNegative), v(e.truePositive)]] };
  }
  if (cbpe.task === 'multiclass' && rows.task === 'multiclass') {
    const e = estimateCbpeMulticlass(cbpe, { scores: rows.scores.slice(from, to), predictions: rows.predictions.slice(from, to) });
    return { metrics: e.metrics, confusion: e.confusionMatrix };
  }
  throw new Error('the fit and the rows are of different tasks');
}

/** The binary confusion matrix's labels, negative first: the declared classes, else '0' / '1' or 'false' / 'true'. */
function binaryLabels(model: Model, positive: string): string[] {
  const declared = model.schema.classes;
  return declared?.length === 2 ? [...declared] : [positive === 'true' ? 'false' : '0', positive];
}

const NO_REALIZED: Realized = { accuracy: null, precision: null, recall: null, f1: null, roc_auc: null };

/** Each bucket's performance rows, score histograms included. */
function bucketRows(rows: PerformanceRows): Map<number, PerformanceRows> {
  const out = byBucket(rows);
  for (const r of rows.scores) {
    let e = out.get(r.bucket);
    if (!e) out.set(r.bucket, (e = { totals: [], confusion: [], scores: [], calibration: [] }));
    e.scores.push(r);
  }
  return out;
}

/** The realized values from the labels, as GET /performance computes them (multiclass: macro averages, one-vs-rest streaming ROC AUC). */
function realizedOf(model: Model, classes: string[] | null, rows: PerformanceRows, positive: string | null): Realized {
  const s = sumRows(rows);
  const acc = accuracy(s.confusion);
  const prf = precisionRecallFscore(s.confusion, model.task === 'binary' ? { average: 'binary', positive: positive ?? '1' } : { average: 'macro' });
  let auc: number | null = null;
  if (model.task === 'binary') {
    const h = histogramOf(rows.scores, scoreClass(model));
    const a = h ? approximateRocAuc(h) : null;
    auc = a?.status === 'ok' ? a.value : null;
  } else if (classes) {
    const hs = classes.map((c) => histogramOf(rows.scores, c));
    const a = hs.every((h): h is ScoreHistogram => h !== null) ? approximateRocAucOneVsRest(hs, 'macro') : null;
    auc = a?.status === 'ok' ? a.value : null;
  }
  return {
    accuracy: acc.status === 'ok' ? acc.value : null,
    precision: prf.status === 'ok' ? prf.precision : null, recall: prf.status === 'ok' ? prf.recall : null, f1: prf.status === 'ok' ? prf.fscore : null,
    roc_auc: auc,
  };
}
