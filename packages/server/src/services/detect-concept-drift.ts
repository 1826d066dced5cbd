import {
  detectConceptDrift, detectConceptDriftBatches, initConceptDrift, isVigilError, VigilError,
  type ChangePoint, type ConceptDriftDetector, type Model, type OutcomeBatch,
} from '@vigil/core';
import type { LabelledRows, PerformanceRows } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

/** Labelled rows the detectors read at most; a uniform sample beyond (a change is then seen later). */
export const CONCEPT_DRIFT_ROWS = 500_000;

export type ConceptDriftMethod = 'ddm' | 'page_hinkley';
/**
 * hour: DDM tested once per hour of predictions on the hourly confusion rollups (every labelled
 * prediction, exact counts, no join); row: the detector on each labelled prediction, from a join
 * of at most CONCEPT_DRIFT_ROWS. Page-Hinkley is row-only: its running mean does not batch exactly.
 */
export type ConceptDriftResolution = 'hour' | 'row';

const HOUR = 3_600_000;

/** Each method's query parameters → the core's option names. */
export const CONCEPT_DRIFT_PARAMETERS = {
  ddm: { warm_start: 'warmStart', warning_threshold: 'warningThreshold', drift_threshold: 'driftThreshold' },
  page_hinkley: { min_instances: 'minInstances', delta: 'delta', threshold: 'threshold', alpha: 'alpha', direction: 'direction', warning_threshold: 'warningThreshold' },
} as const satisfies Record<ConceptDriftMethod, Record<string, string>>;

export type ConceptDriftParameter = keyof (typeof CONCEPT_DRIFT_PARAMETERS)['ddm'] | keyof (typeof CONCEPT_DRIFT_PARAMETERS)['page_hinkley'];

export interface ConceptDriftInput {
  modelId: string;
  from: number;
  to: number;
  version: string | null;
  segments: Record<string, string>;
  /** null: DDM for classifiers, Page-Hinkley for regression. */
  method: ConceptDriftMethod | null;
  /** null: hour for DDM, row for Page-Hinkley. */
  resolution: ConceptDriftResolution | null;
  parameters: Partial<Record<ConceptDriftParameter, number | string>>;
}

export interface ConceptDriftDetection {
  /** Prediction time (ms) of the row at which the detector fired; at hour resolution, the start of that hour. */
  t: number;
  /** Position of that row (hour) in the stream the detector read. */
  index: number;
  kind: 'warning' | 'drift';
  statistic?: number;
  /** Drifts: where the change is estimated to have started. */
  onset_t?: number;
  onset_index?: number;
  /** Drifts: the mean observation from the previous drift to the onset, and from the onset to the next drift's onset (or the end). */
  before?: number | null;
  after?: number | null;
}

export interface ConceptDriftResult {
  model: string;
  task: Model['task'];
  /** At hour resolution, the whole hours read: from down to its hour, to up to the end of its hour. */
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  method: ConceptDriftMethod;
  resolution: ConceptDriftResolution;
  /** What each labelled prediction contributes: 1 / 0 for wrong / right (classifiers), or |prediction − label| (regression). */
  observation: 'error' | 'absolute_error';
  /** Every detector parameter, defaults filled in. */
  parameters: Record<string, number | string | null>;
  status: 'ok' | 'no_data';
  /** Observations the detector read (at hour resolution, in all its hours). */
  rows: number;
  /** Labelled predictions in the window. */
  total: number;
  /** True when the detector read a uniform sample of the window's labelled predictions. */
  sampled: boolean;
  /** Labelled rows read but left out: no prediction, or (regression) a prediction or label that is not a number. */
  skipped: number;
  /** The mean observation over the window: the error rate, or the mean absolute error. */
  mean: number | null;
  detections: ConceptDriftDetection[];
  /** With no_data: why. */
  reason?: string;
  note?: string;
  /** Around the last drift's onset (classifiers). */
  error_rate_before?: number | null;
  error_rate_after?: number | null;
  /** Around the last drift's onset (regression). */
  mae_before?: number | null;
  mae_after?: number | null;
}

/** DDM's warm start when the query names none: more than the core's (River's) 30, see detectorOf. */
export const DDM_WARM_START = 1000;

/** The detector a query asks for, validated by the core; a wrong value is a 400 naming the query parameter. */
function detectorOf(method: ConceptDriftMethod, parameters: ConceptDriftInput['parameters']): ConceptDriftDetector {
  const names: Record<string, string> = CONCEPT_DRIFT_PARAMETERS[method];
  const foreign = Object.keys(parameters).filter((k) => !(k in names));
  if (foreign.length) {
    throw new VigilError('validation_failed', 'invalid query', {
      details: foreign.map((k) => ({ field: k, message: `not a parameter of ${method}; its parameters are ${Object.keys(names).join(', ')}` })),
    });
  }
  // DDM's own warm start (30, River's) fixes its minimum on the first noisy outcomes: on a stream
  // with a 2–10% error rate half the streams of 3,000 outcomes raise a false alarm; after 1,000
  // it is 0–14%, detections are as fast (docs/performance-estimation.md, "Concept drift")
  const defaults: Record<string, number> = method === 'ddm' ? { warm_start: DDM_WARM_START } : {};
  const options = Object.fromEntries(Object.entries({ ...defaults, ...parameters }).map(([k, v]) => [names[k], v]));
  const detector = (method === 'ddm' ? { method: 'ddm', options } : { method: 'page-hinkley', options }) as ConceptDriftDetector;
  try {
    initConceptDrift(detector);
  } catch (e) {
    if (!isVigilError(e) || e.code !== 'validation_failed') throw e;
    // the core names its options in camelCase; the query names them in snake_case
    const snake = Object.fromEntries(Object.entries(names).map(([q, core]) => [core, q]));
    const rename = (text: string) => text.replace(/\b(minInstances|warmStart|warningThreshold|driftThreshold)\b/g, (w) => snake[w] ?? w);
    throw new VigilError('validation_failed', 'invalid query', { details: e.details.map((d) => ({ field: snake[d.field] ?? d.field, message: rename(d.message) })) });
  }
  return detector;
}

/** The stream the detector reads: each labelled prediction's 0/1 error (classifiers: the stored prediction against the latest label, as the accuracy rollups compare them) or absolute error. */
function observationsOf(model: Model, rows: LabelledRows): { ts: number[]; x: number[]; skipped: number } {
  const n = rows.label.length, ts: number[] = [], x: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rows.label[i] as string;
    if (model.task !== 'regression') {
      const predicted = rows.prediction[i];
      if (predicted === null || predicted === undefined) continue;
      ts.push(rows.ts[i] as number);
      x.push(predicted === label ? 0 : 1);
      continue;
    }
    const y = label.trim() === '' ? NaN : Number(label), p = rows.predictionNum[i] as number;
    if (!Number.isFinite(y) || !Number.isFinite(p)) continue;
    ts.push(rows.ts[i] as number);
    x.push(Math.abs(p - y));
  }
  return { ts, x, skipped: n - x.length };
}

/**
 * The detections of a stream of n positions (rows or hours), in order: `at` gives a position's
 * time, `mean` the mean observation over positions [a, b) — before a drift from the previous drift
 * to its onset, after it from the onset to the next drift's onset (or the end).
 */
function detectionsOf(found: { drifts: ChangePoint[]; warnings: number[] }, n: number, at: (i: number) => number, mean: (a: number, b: number) => number | null): ConceptDriftDetection[] {
  const drifts: ConceptDriftDetection[] = found.drifts.map((d, k) => {
    const start = k === 0 ? 0 : (found.drifts[k - 1] as ChangePoint).index + 1;
    const end = k + 1 < found.drifts.length ? (found.drifts[k + 1] as ChangePoint).onset : n;
    return { t: at(d.index), index: d.index, kind: 'drift', statistic: d.statistic, onset_t: at(d.onset), onset_index: d.onset, before: mean(start, d.onset), after: mean(d.onset, end) };
  });
  const warnings: ConceptDriftDetection[] = found.warnings.map((i) => ({ t: at(i), index: i, kind: 'warning' }));
  return [...drifts, ...warnings].sort((a, b) => a.index - b.index || (a.kind === 'warning' ? -1 : 1));
}

const checkSegments = (model: Model, segments: Record<string, string>) => {
  const unknown = Object.keys(segments).filter((s) => !model.schema.segments.includes(s));
  if (unknown.length) {
    throw new VigilError('validation_failed', `model ${model.id} has no segment ${unknown.join(', ')}`, {
      details: unknown.map((s) => ({ field: `segment.${s}`, message: `segments are ${model.schema.segments.join(', ') || 'none'}` })),
    });
  }
};

/**
 * Concept drift marks (docs/performance.md): a change detector (DDM or Page-Hinkley, from the
 * core) run over the window's labelled predictions in prediction-time order — DDM by default hour
 * by hour on the rollups' exact counts, or row by row on a joined sample; each drift resets it.
 */
export async function detectModelConceptDrift({ ctx, input }: { ctx: ServiceContext; input: ConceptDriftInput }): Promise<ConceptDriftResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  checkSegments(model, input.segments);
  const regression = model.task === 'regression';
  const method = input.method ?? (regression ? 'page_hinkley' : 'ddm');
  if (method === 'ddm' && regression) {
    throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'method', message: 'ddm reads 0/1 errors of classifiers; regression models use page_hinkley on the absolute error' }] });
  }
  const resolution = input.resolution ?? (method === 'ddm' ? 'hour' : 'row');
  if (resolution === 'hour' && method !== 'ddm') {
    throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'resolution', message: 'page_hinkley reads rows only (its running mean does not batch exactly): use resolution=row, or method=ddm' }] });
  }
  const detector = detectorOf(method, input.parameters);
  const fresh = initConceptDrift(detector);
  const names: Record<string, string> = CONCEPT_DRIFT_PARAMETERS[method];
  const parameters = Object.fromEntries(Object.entries(names).map(([q, core]) => [q, (fresh.options as Record<string, number | string | null>)[core] ?? null]));
  if (resolution === 'hour' && detector.method === 'ddm') return hourlyDdm(ctx, model, input, detector, parameters);

  const rows = await ctx.stores.events.labelledRows(model, { from: input.from, to: input.to, versions: input.version === null ? null : [input.version], segments: input.segments }, CONCEPT_DRIFT_ROWS);
  const { ts, x, skipped } = observationsOf(model, rows);
  const sampled = rows.total > rows.label.length;
  const result: ConceptDriftResult = {
    model: model.id, task: model.task, window: { from: input.from, to: input.to, version: input.version, segments: input.segments },
    method, resolution, observation: regression ? 'absolute_error' : 'error', parameters, status: x.length ? 'ok' : 'no_data',
    rows: x.length, total: rows.total, sampled, skipped, mean: null, detections: [],
    ...(sampled ? { note: `the detector read a uniform sample of ${rows.label.length} of the window's ${rows.total} labelled predictions: with fewer observations per hour, a change is seen later than on every row; ask for a shorter window to see it sooner` } : {}),
  };
  if (x.length === 0) {
    result.reason = rows.total === 0 ? 'no labelled predictions in the window' : `none of the window's ${rows.total} labelled predictions has ${regression ? 'a numeric prediction and label' : 'a prediction'}`;
    return result;
  }

  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  const mean = (a: number, b: number) => (b > a ? ((prefix[b] as number) - (prefix[a] as number)) / (b - a) : null);
  result.mean = mean(0, x.length);

  result.detections = detectionsOf(detectConceptDrift(detector, x), x.length, (i) => ts[i] as number, mean);
  const last = result.detections.filter((d) => d.kind === 'drift').pop();
  if (last) {
    if (regression) Object.assign(result, { mae_before: last.before, mae_after: last.after });
    else Object.assign(result, { error_rate_before: last.before, error_rate_after: last.after });
  }
  return result;
}

/** Per hour of predictions with a label (in time order): labelled predictions with a prediction, and how many of them are wrong (the off-diagonal confusion counts). */
function hourlyOutcomes(rows: PerformanceRows): { hours: number[]; batches: OutcomeBatch[]; total: number } {
  const byHour = new Map<number, OutcomeBatch>();
  for (const c of rows.confusion) {
    const b = byHour.get(c.bucket) ?? { count: 0, errors: 0 };
    b.count += c.count;
    if (c.truth !== c.predicted) b.errors += c.count;
    byHour.set(c.bucket, b);
  }
  const hours = [...byHour.keys()].filter((h) => (byHour.get(h) as OutcomeBatch).count > 0).sort((a, b) => a - b);
  return { hours, batches: hours.map((h) => byHour.get(h) as OutcomeBatch), total: rows.totals.reduce((a, r) => a + r.labelled, 0) };
}

/**
 * DDM at hour resolution: each hour of the window's labelled predictions (all of them, from the
 * confusion rollups) is one batch, tested at its end; detections are placed at the hour's start.
 */
async function hourlyDdm(
  ctx: ServiceContext, model: Model, input: ConceptDriftInput, detector: Extract<ConceptDriftDetector, { method: 'ddm' }>, parameters: Record<string, number | string | null>,
): Promise<ConceptDriftResult> {
  const from = Math.floor(input.from / HOUR) * HOUR, to = Math.ceil(input.to / HOUR) * HOUR;
  const perf = await ctx.stores.events.queryPerformance({
    from, to, stepMs: HOUR, models: [model.id], versions: input.version === null ? null : [input.version], segments: input.segments, groupBy: [], filters: {},
  }, ['totals', 'confusion']);
  const { hours, batches, total } = hourlyOutcomes(perf);
  const rows = batches.reduce((a, b) => a + b.count, 0);
  const result: ConceptDriftResult = {
    model: model.id, task: model.task, window: { from, to, version: input.version, segments: input.segments },
    method: 'ddm', resolution: 'hour', observation: 'error', parameters, status: rows ? 'ok' : 'no_data',
    rows, total, sampled: false, skipped: total - rows, mean: null, detections: [],
  };
  if (rows === 0) {
    result.reason = total === 0 ? 'no labelled predictions in the window' : `none of the window's ${total} labelled predictions has a prediction`;
    return result;
  }
  // outcomes and errors before each hour, for the error rates around a drift's onset
  const count = [0], errors = [0];
  batches.forEach((b, i) => { count.push((count[i] as number) + b.count); errors.push((errors[i] as number) + b.errors); });
  const rate = (a: number, b: number) => ((count[b] as number) > (count[a] as number) ? ((errors[b] as number) - (errors[a] as number)) / ((count[b] as number) - (count[a] as number)) : null);
  result.mean = rate(0, batches.length);

  result.detections = detectionsOf(detectConceptDriftBatches(detector, batches), batches.length, (i) => hours[i] as number, rate);
  const last = result.detections.filter((d) => d.kind === 'drift').pop();
  if (last) Object.assign(result, { error_rate_before: last.before, error_rate_after: last.after });
  return result;
}
