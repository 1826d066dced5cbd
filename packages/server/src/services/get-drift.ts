import {
  binnedDrift, chooseMethod, rankFeatureDrift, countsDrift, datasetDrift, DRIFT_METHOD_SPECS, DriftConfigSchema, isDrifted, scoreSamples, streamingVerdict, VigilError,
  type BinnedSample, type ColumnVerdict, type DriftConfig, type DriftMethod, type FeatureProfile, type Model, type ReferenceInfo, type ReferenceProfile,
  type StreamingAnswer,
} from '@vigil/core';
import type { HistogramRow, HistogramSpec, RollupQuery, ValueCountRow, WindowFilter } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';
import { displayFromBins, displayFromCounts, displayFromValues, type Distribution } from './drift-display.ts';
import { calibrationFor } from './drift-calibration.ts';
import { multivariateDrift, type MultivariateDrift } from './drift-multivariate.ts';

const HOUR = 3_600_000;
/** Rows a side the exact path reads at most; beyond, a uniform sample (said in the answer). */
export const EXACT_MAX_ROWS = 2_000_000;
/** Points in a drift series at most. */
const SERIES_POINTS = 60;

export type DriftPath = 'auto' | 'streaming' | 'exact';

export interface DriftInput {
  modelId: string;
  from: number;
  to: number;
  version: string | null;
  reference: string | null;
  path: DriftPath;
  stepMs: number | null;
  segments: Record<string, string>;
}

export type Num = number | 'Infinity' | '-Infinity';
export interface Accounting { used: number; missing: number; infinite: number }

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  status: 'ok' | 'no_data';
  reason: string | null;
  /** Which path answered this feature. */
  path: 'streaming' | 'exact' | null;
  method: DriftMethod | null;
  statistic: Num | null;
  pvalue: number | null;
  threshold: number | null;
  drifted: boolean | null;
  bound: { lower: number; upper: number } | null;
  calibrated: { threshold: number; false_alarm_rate: number; default_false_alarm_rate: number } | null;
  /** The exact path read uniform samples (more than EXACT_MAX_ROWS rows a side): how many. */
  sample: { reference_rows: number; current_rows: number } | null;
  reference: Accounting;
  current: Accounting;
  distribution: Distribution | null;
  unseen_categories: { value: string; count: number }[];
  series: { t: number; statistic: number | null; drifted: boolean | null }[];
}

export interface DriftResult {
  model: string;
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  reference: ReferenceInfo | null;
  status: 'ok' | 'no_reference' | 'no_data';
  message: string | null;
  path: 'streaming' | 'exact' | 'mixed' | null;
  step_ms: number;
  dataset: { drifted_features: number; features_with_data: number; share: number | null; drift: boolean | null; threshold: number };
  features: FeatureDrift[];
  multivariate: MultivariateDrift | null;
  attribution: { feature: string; score: number; share: number }[];
}

const num = (x: number): Num => (Number.isFinite(x) ? x : x > 0 ? 'Infinity' : '-Infinity');

/** The model's drift settings (PUT /api/v1/models/{id}/drift/config), Evidently's defaults without. */
export async function driftConfigOf(ctx: ServiceContext, modelId: string): Promise<DriftConfig> {
  const raw = await ctx.stores.meta.getSetting(`drift_config:${modelId}`);
  return raw ? DriftConfigSchema.parse(JSON.parse(raw)) : DriftConfigSchema.parse({});
}

/** The reference asked for, or the window's version's, or the model's newest. */
export async function pickReference(ctx: ServiceContext, model: Model, reference: string | null, version: string | null): Promise<ReferenceProfile | null> {
  if (reference !== null) {
    const p = await ctx.stores.meta.getReferenceProfile(model.id, reference);
    if (!p) throw new VigilError('not_found', `model ${model.id} version ${reference} has no reference`, { hint: `list references with GET /api/v1/models/${model.id}/references` });
    return p;
  }
  if (version !== null) {
    const p = await ctx.stores.meta.getReferenceProfile(model.id, version);
    if (p) return p;
  }
  const [newest] = await ctx.stores.meta.listReferenceProfiles(model.id);
  return newest ? ctx.stores.meta.getReferenceProfile(model.id, newest.version) : null;
}

/** The streaming path reads hourly rollups: windows snap to the series step, itself whole hours. */
export function windowGrid(from: number, to: number, stepMs: number | null): { from: number; to: number; step: number } {
  const want = stepMs ?? Math.ceil((to - from) / SERIES_POINTS / HOUR) * HOUR;
  const step = Math.max(HOUR, Math.ceil(want / HOUR) * HOUR);
  return { from: Math.floor(from / step) * step, to: Math.ceil(to / HOUR) * HOUR, step };
}

export interface Current {
  bins: Map<number, Map<number, { count: number; min: number | null; max: number | null }>>; // bucket → bin → …
  values: Map<number, Map<string, number>>; // bucket → value → count
}
export function currentOf(feature: string, hist: HistogramRow[], vals: ValueCountRow[]): Current {
  const c: Current = { bins: new Map(), values: new Map() };
  for (const r of hist) {
    if (r.feature !== feature) continue;
    const b = c.bins.get(r.bucket) ?? new Map();
    b.set(r.bin, { count: r.count, min: r.min, max: r.max });
    c.bins.set(r.bucket, b);
  }
  for (const r of vals) {
    if (r.feature !== feature) continue;
    const b = c.values.get(r.bucket) ?? new Map<string, number>();
    b.set(r.value, (b.get(r.value) ?? 0) + r.count);
    c.values.set(r.bucket, b);
  }
  return c;
}

/**
 * The current side on the profile's bins. The rollups know the smallest value of the first bin
 * and the largest of the last; inner bins are bounded by their edges, which is what the
 * streaming bounds then assume.
 */
export function binnedOf(profile: Extract<FeatureProfile, { kind: 'numeric' }>, buckets: Iterable<Map<number, { count: number; min: number | null; max: number | null }>>): BinnedSample | null {
  const m = profile.counts.length;
  const counts = new Float64Array(m), mins: (number | null)[] = new Array<number | null>(m).fill(null), maxs: (number | null)[] = new Array<number | null>(m).fill(null);
  for (const b of buckets) {
    for (const [bin, x] of b) {
      if (bin < 0 || bin >= m) continue;
      counts[bin]! += x.count;
      if (x.min !== null && (mins[bin] === null || x.min < (mins[bin] as number))) mins[bin] = x.min;
      if (x.max !== null && (maxs[bin] === null || x.max > (maxs[bin] as number))) maxs[bin] = x.max;
    }
  }
  for (let j = 0; j < m; j++) {
    if (!((counts[j] as number) > 0)) continue;
    // the first bin's lower end and the last bin's upper end come from the rollups; without them
    // there is no bound to prove, and the feature goes to the exact path
    if ((j === 0 && mins[j] === null) || (j === m - 1 && maxs[j] === null)) return null;
    mins[j] ??= profile.edges[j - 1] as number;
    maxs[j] ??= profile.edges[j] as number;
  }
  return { counts, mins, maxs };
}
function mergeCounts(buckets: Iterable<Map<string, number>>, numeric: boolean): Map<string, number> {
  const out = new Map<string, number>();
  // numeric values come back as the database spells them (1.0); keys are JavaScript's (1)
  for (const b of buckets) for (const [k, n] of b) { const key = numeric ? String(Number(k)) : k; out.set(key, (out.get(key) ?? 0) + n); }
  return out;
}
const total = (m: ReadonlyMap<string, number> | ArrayLike<number>): number => {
  let t = 0;
  if (m instanceof Map) for (const n of m.values()) t += n;
  else for (let i = 0; i < (m as ArrayLike<number>).length; i++) t += (m as ArrayLike<number>)[i] as number;
  return t;
};
const sameSpec = (a: HistogramSpec | undefined, p: Extract<FeatureProfile, { kind: 'numeric' }>): boolean =>
  a !== undefined && (p.binning === 'values' ? a.kind === 'values' : a.kind === 'edges' && a.edges.length === p.edges.length && a.edges.every((e, i) => e === p.edges[i]));

/** Streaming answer of one feature for some buckets; null when the rollups do not hold this feature the profile's way. */
export function streamAnswer(method: DriftMethod, p: FeatureProfile, cur: Current, buckets: number[] | null, spec: HistogramSpec | undefined): StreamingAnswer | null {
  const pick = <T>(m: Map<number, T>): T[] => (buckets ? buckets.flatMap((b) => (m.has(b) ? [m.get(b) as T] : [])) : [...m.values()]);
  if (p.kind === 'categorical') return countsDrift(method, new Map(Object.entries(p.values)), mergeCounts(pick(cur.values), false), null);
  if (!sameSpec(spec, p)) return null;
  if (p.binning === 'values') return countsDrift(method, new Map(Object.entries(p.values)), mergeCounts(pick(cur.values), true), { std: p.std ?? 0 });
  const binned = binnedOf(p, pick(cur.bins));
  return binned ? binnedDrift(method, p, binned) : { status: 'needs_exact', reason: 'the live histograms lack the range of their outer bins' };
}

function noData(feature: string, kind: 'numeric' | 'categorical', reason: string, reference: Accounting, current: Accounting): FeatureDrift {
  return { feature, kind, status: 'no_data', reason, path: null, method: null, statistic: null, pvalue: null, threshold: null, drifted: null, bound: null, calibrated: null, sample: null, reference, current, distribution: null, unseen_categories: [], series: [] };
}

/** Drift of a window of predictions against a reference, per feature and for the dataset (docs/drift.md). */
export async function getDrift({ ctx, input }: { ctx: ServiceContext; input: DriftInput }): Promise<DriftResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  const unknown = Object.keys(input.segments).filter((s) => !model.schema.segments.includes(s));
  if (unknown.length) throw new VigilError('validation_failed', `model ${model.id} has no segment ${unknown.join(', ')}`, { details: unknown.map((s) => ({ field: `segment.${s}`, message: `segments are ${model.schema.segments.join(', ') || 'none'}` })) });
  const grid = windowGrid(input.from, input.to, input.stepMs);
  const config = await driftConfigOf(ctx, model.id);
  const base: DriftResult = {
    model: model.id, window: { from: grid.from, to: grid.to, version: input.version, segments: input.segments }, reference: null, status: 'ok', message: null, path: null,
    step_ms: grid.step, dataset: { drifted_features: 0, features_with_data: 0, share: null, drift: null, threshold: config.driftShare }, features: [], multivariate: null, attribution: [],
  };
  const ref = await pickReference(ctx, model, input.reference, input.version);
  if (!ref) {
    return { ...base, status: 'no_reference', message: `model ${model.id} has no reference yet: upload the training data with \`vigil reference upload --model ${model.id} --version <version> train.csv\`, or make one from a window of predictions with POST /api/v1/models/${model.id}/versions/<version>/reference/window` };
  }
  const { features: _f, multivariate: _m, ...info } = ref;
  base.reference = info;

  const q: RollupQuery = { from: grid.from, to: grid.to, stepMs: grid.step, models: [model.id], versions: input.version === null ? null : [input.version], segments: input.segments, groupBy: [], filters: {} };
  const [counts, feats] = await Promise.all([
    input.path === 'exact' ? Promise.resolve({ specs: {} as Record<string, HistogramSpec>, histograms: [], values: [] }) : ctx.stores.events.readDriftCounts(model.id, q),
    ctx.stores.events.queryFeatures({ ...q, groupBy: ['feature'] }),
  ]);
  const { specs, histograms: hist, values: vals } = counts;
  const buckets: number[] = [];
  for (let t = grid.from; t < grid.to; t += grid.step) buckets.push(t);
  const window: WindowFilter = { from: grid.from, to: grid.to, versions: q.versions, segments: input.segments };

  const out: FeatureDrift[] = [];
  for (const f of model.schema.features) {
    const p = ref.features[f.name];
    if (!p || f.type === 'text') continue;
    const kind = p.kind;
    const refAcc: Accounting = { used: p.used, missing: p.missing, infinite: p.infinite };
    const rows = feats.filter((r) => r.feature === f.name);
    const count = total(rows.map((r) => r.count)), nulls = total(rows.map((r) => r.nulls)), numCount = total(rows.map((r) => r.num_count));
    const cur = currentOf(f.name, hist, vals);
    const streamedUsed = kind === 'numeric' && p.binning === 'quantiles'
      ? total([...cur.bins.values()].flatMap((b) => [...b.values()].map((x) => x.count)))
      : total(mergeCounts(cur.values.values(), kind === 'numeric'));
    // ingestion refuses NaN and infinities (data quality counts them as nan_or_infinity), so a
    // stored value is finite: used = present values; the histograms, when they hold the feature,
    // say the same up to the last fold
    let curAcc: Accounting = { used: count - nulls, missing: nulls, infinite: 0 };
    if (kind === 'numeric' && input.path !== 'exact' && sameSpec(specs[f.name], p)) curAcc = { ...curAcc, used: Math.min(streamedUsed, numCount) };

    const distinct = kind === 'numeric' && p.binning === 'quantiles'
      ? p.distinct
      : new Set([...Object.keys(p.values), ...mergeCounts(cur.values.values(), kind === 'numeric').keys()]).size;
    let choice;
    try {
      choice = chooseMethod({ name: f.name, kind, referenceRows: p.used, currentRows: curAcc.used, distinctValues: distinct }, config);
    } catch (e) {
      if (e instanceof VigilError) throw new VigilError('validation_failed', `the drift settings of model ${model.id} do not fit feature ${f.name}: ${e.message}`, { details: e.details, hint: `change them with PUT /api/v1/models/${model.id}/drift/config` });
      throw e;
    }
    if (choice.status === 'no_data') { out.push(noData(f.name, kind, choice.reason, refAcc, curAcc)); continue; }
    let method = choice.method;
    let threshold = choice.threshold;
    let sample: FeatureDrift['sample'] = null;
    let calibrated: FeatureDrift['calibrated'] = null;
    if (config.calibration && curAcc.used > 0) {
      const cal = await calibrationFor(ctx, model, ref, f.name, kind, method, curAcc.used, config.calibration, p.kind === 'numeric' && p.integer);
      if (cal && Number.isFinite(cal.threshold)) {
        threshold = cal.threshold;
        calibrated = { threshold: cal.threshold, false_alarm_rate: cal.falseAlarmRate, default_false_alarm_rate: cal.defaultFalseAlarmRate };
      }
    }

    let answer: StreamingAnswer | null = input.path === 'exact' ? null : streamAnswer(method, p, cur, null, specs[f.name]);
    let drifted: boolean | null = null;
    let featurePath: 'streaming' | 'exact' = 'streaming';
    let reason: string | null = null;
    if (answer?.status === 'ok') drifted = streamingVerdict(method, answer, threshold);
    const needExact = !answer || answer.status !== 'ok' || drifted === null;
    let distribution: Distribution | null = null;
    let unseen: { value: string; count: number }[] = [];
    if (needExact && input.path !== 'streaming') {
      // the exact path: every raw value of the window against every reference value
      featurePath = 'exact';
      const [rv, cv] = await Promise.all([ctx.stores.events.referenceValues(model, ref.version, f.name, EXACT_MAX_ROWS), ctx.stores.events.windowValues(model, f.name, window, EXACT_MAX_ROWS)]);
      if (cv.total > cv.values.length || p.rows > rv.values.length) {
        sample = { reference_rows: rv.values.length, current_rows: cv.values.length };
        reason = `the exact path read uniform samples of ${EXACT_MAX_ROWS.toLocaleString('en')} rows a side (the reference has ${p.rows}, the window ${cv.total})`;
      }
      if (p.kind === 'numeric' && p.binning === 'values' && cv.kind === 'numeric' && !sameSpec(specs[f.name], p) && !config.features?.[f.name]?.method && !config.numeric?.method && !config.method) {
        // the live counts did not say which values the window holds: the default method is chosen
        // again from the raw values, on the reference's and the window's distinct values together
        const seen = new Set(Object.keys(p.values));
        for (let i = 0; i < cv.values.length && seen.size <= config.lowCardinality; i++) if (Number.isFinite(cv.values[i])) seen.add(String(cv.values[i]));
        const again = chooseMethod({ name: f.name, kind, referenceRows: p.used, currentRows: curAcc.used, distinctValues: seen.size }, config);
        if (again.status === 'ok' && again.method !== method) { method = again.method; if (!calibrated) threshold = again.threshold; }
      }
      const score = scoreSamples(method, kind, rv.values, cv.values, { integer: kind === 'numeric' && p.kind === 'numeric' && p.integer });
      if (!score) { out.push(noData(f.name, kind, `feature ${f.name} has no values in the window`, refAcc, curAcc)); continue; }
      answer = { status: 'ok', statistic: score.statistic, pvalue: score.pvalue, bound: null, pvalueBound: null };
      drifted = isDrifted(method, score.pvalue ?? score.statistic, threshold);
      if (cv.kind === 'numeric') {
        let missing = 0, infinite = 0;
        for (const x of cv.values) { if (Number.isNaN(x)) missing++; else if (!Number.isFinite(x)) infinite++; }
        curAcc = { used: cv.values.length - missing - infinite, missing, infinite };
        if (p.kind === 'numeric') distribution = displayFromValues(rv.values as Float64Array, cv.values);
      } else {
        const counts = new Map<string, number>();
        let missing = 0;
        for (const v of cv.values) { if (v === null) missing++; else counts.set(v, (counts.get(v) ?? 0) + 1); }
        curAcc = { used: cv.values.length - missing, missing, infinite: 0 };
        if (p.kind === 'categorical') { distribution = displayFromCounts(new Map(Object.entries(p.values)), counts); unseen = unseenOf(p.values, counts); }
      }
    } else if (!answer || answer.status !== 'ok') {
      reason = answer?.status === 'needs_exact' ? `${answer.reason}: ask with path=exact (or auto)` : 'the live histograms of this feature follow another reference: ask with path=exact (or auto)';
    }
    if (!distribution) {
      if (p.kind === 'numeric' && p.binning === 'quantiles') {
        const binned = sameSpec(specs[f.name], p) ? binnedOf(p, cur.bins.values()) : null;
        distribution = binned ? displayFromBins(p, binned) : null;
      } else {
        const counts = mergeCounts(cur.values.values(), kind === 'numeric');
        distribution = displayFromCounts(new Map(Object.entries(p.values)), counts);
        if (kind === 'categorical') unseen = unseenOf(p.values, counts);
      }
    }
    const series = buckets.map((t) => {
      const a = input.path === 'exact' ? null : streamAnswer(method, p, cur, [t], specs[f.name]);
      if (!a || a.status !== 'ok') return { t, statistic: null, drifted: null };
      const s = DRIFT_METHOD_SPECS[method].score === 'p_value' ? a.pvalue : a.statistic;
      return { t, statistic: s !== null && Number.isFinite(s) ? s : null, drifted: streamingVerdict(method, a, threshold) };
    });
    const ok = answer?.status === 'ok' ? answer : null;
    out.push({
      feature: f.name, kind, status: 'ok', reason, path: ok ? featurePath : null, method, threshold,
      statistic: ok ? num(ok.statistic) : null, pvalue: ok?.pvalue ?? null, drifted,
      bound: ok?.bound ? { lower: DRIFT_METHOD_SPECS[method].score === 'p_value' && ok.pvalueBound ? ok.pvalueBound.lower : ok.bound.lower, upper: DRIFT_METHOD_SPECS[method].score === 'p_value' && ok.pvalueBound ? ok.pvalueBound.upper : ok.bound.upper } : null,
      calibrated, sample, reference: refAcc, current: curAcc, distribution, unseen_categories: unseen, series,
    });
  }

  const verdicts = out.flatMap((f): ColumnVerdict[] => (f.status === 'no_data' ? [{ name: f.feature, status: 'no_data' }] : f.drifted === null ? [] : [{ name: f.feature, status: 'ok', drifted: f.drifted }]));
  const d = datasetDrift(verdicts, config.driftShare);
  const paths = new Set(out.flatMap((f) => (f.path ? [f.path] : [])));
  const anyData = out.some((f) => f.status === 'ok');
  return {
    ...base,
    status: anyData ? 'ok' : 'no_data',
    message: anyData ? null : noDataMessage(model.id, input.version, total(feats.map((r) => r.count)), out),
    path: paths.size === 0 ? null : paths.size === 2 ? 'mixed' : ([...paths][0] as 'streaming' | 'exact'),
    dataset: d.status === 'ok' ? { drifted_features: d.driftedColumns, features_with_data: d.columns, share: d.share, drift: d.drifted, threshold: config.driftShare } : base.dataset,
    features: out,
    multivariate: input.path === 'streaming' ? null : await multivariateDrift(ctx, model, ref, window, grid.step),
    attribution: rankFeatureDrift(out.flatMap((f) => {
      if (f.status !== 'ok' || f.method === null || f.threshold === null || f.statistic === null || f.drifted === null) return [];
      const score = DRIFT_METHOD_SPECS[f.method].score === 'p_value' ? (f.pvalue ?? NaN) : f.statistic === 'Infinity' ? Infinity : f.statistic === '-Infinity' ? NaN : f.statistic;
      return [{ feature: f.feature, method: f.method, statistic: score, threshold: f.threshold, drifted: f.drifted }];
    })).flatMap((r) => (r.score === null ? [] : [{ feature: r.feature, score: r.score, share: r.share }])),
  };
}

function unseenOf(reference: Record<string, number>, current: ReadonlyMap<string, number>): { value: string; count: number }[] {
  return [...current].filter(([k]) => !(k in reference)).map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count).slice(0, 50);
}

function noDataMessage(model: string, version: string | null, predictions: number, features: readonly FeatureDrift[]): string {
  if (predictions === 0) return `no predictions of model ${model} in this window${version ? ` for version ${version}` : ''}: widen the time range`;
  const empty = features.filter((f) => f.reference.used === 0).map((f) => f.feature);
  if (empty.length === features.length && empty.length > 0) return `the reference has no values for ${empty.join(', ')}: set a reference whose columns are named after the model's features`;
  return `no feature has values on both sides: ${features.map((f) => f.reason).filter(Boolean).join('; ')}`;
}
