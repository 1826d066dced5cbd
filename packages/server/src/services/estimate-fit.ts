// The CBPE side of estimate-performance.ts: store rows turned into the core's inputs, the fit on
// the reference, and a small cache of fits so a dashboard refresh does not refit.
import { fitCbpe, fitCbpeMulticlass, VigilError, type CbpeModel, type CbpeMulticlassModel, type Model } from '@vigil/core';
import type { LabelledRows, ScoredRows, WindowFilter } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { isPositiveLabel, isScoredLabel } from './get-performance.ts';

/** Labelled rows below this give a band too wide to mean anything (and too few reference chunks for the alert thresholds). */
export const MIN_REFERENCE_ROWS = 100;
/** Fits kept per event store. A 100,000-row fit holds an isotonic map of at most a few thousand points. */
const CACHE_SIZE = 32;

/** The model's scores and predictions in the shape CBPE takes; `use` lists the store rows kept, in order. */
export type CbpeRows =
  | { task: 'binary'; scores: Float64Array; predictions: Uint8Array; use: number[] }
  | { task: 'multiclass'; scores: number[][]; predictions: string[]; use: number[] };

/** A binary model: the stored prediction counts as positive as the rollups count it (ADR 8). */
export function binaryRows(model: Model, rows: Pick<ScoredRows, 'score' | 'prediction'>, keep: (i: number) => boolean = () => true): CbpeRows & { task: 'binary' } {
  const use: number[] = [];
  for (let i = 0; i < rows.score.length; i++) if (Number.isFinite(rows.score[i]) && rows.prediction[i] !== null && keep(i)) use.push(i);
  // a prediction is one of a few texts: decide each once
  const positive = new Map<string, number>();
  const isPositive = (text: string) => {
    let v = positive.get(text);
    if (v === undefined) positive.set(text, (v = isPositiveLabel(model, text) ? 1 : 0));
    return v;
  };
  return {
    task: 'binary', use,
    scores: Float64Array.from(use, (i) => rows.score[i]!),
    predictions: Uint8Array.from(use, (i) => isPositive(rows.prediction[i]!)),
  };
}

/** A multiclass model: one score per declared class (0 where the object lacks it, as the rollups read it); rows predicting another class are left out. */
export function multiclassRows(classes: readonly string[], rows: Pick<ScoredRows, 'scores' | 'prediction'>, keep: (i: number) => boolean = () => true): CbpeRows & { task: 'multiclass' } {
  const known = new Set(classes), use: number[] = [], scores: number[][] = [], predictions: string[] = [];
  for (let i = 0; i < rows.scores.length; i++) {
    const text = rows.scores[i] ?? null, predicted = rows.prediction[i] ?? null;
    if (text === null || predicted === null || !known.has(predicted) || !keep(i)) continue;
    const obj = JSON.parse(text) as Record<string, unknown>;
    scores.push(classes.map((c) => (typeof obj[c] === 'number' && Number.isFinite(obj[c]) ? obj[c] : 0)));
    predictions.push(predicted);
    use.push(i);
  }
  return { task: 'multiclass', scores, predictions, use };
}

export type Fit =
  | { status: 'ok'; cbpe: CbpeModel | CbpeMulticlassModel; rows: number; total: number; calibrated: boolean; labels: string[] }
  | { status: 'no_reference'; reason: string; hint: string; rows: number; total: number; labels: string[] };

/** The reference: labelled predictions of [from, to) with the window's version and segment filter. */
export interface ReferenceQuery extends WindowFilter {
  /** Labelled rows in the range by the rollups: part of the cache key, so new labels mean a new fit. */
  labelled: number;
  limit: number;
  /** Said in the reason when the reference has too little. */
  defaulted: boolean;
}

interface Entry { fit: Promise<Fit>; labelled: number; at: number; ok: boolean }
interface Cache { fits: Map<string, Entry>; stats: { fits: number; hits: number } }
/**
 * A fit is reused while the reference's labelled count has grown by less than this share and it
 * is younger than FIT_MAX_AGE_MS: labels keep arriving for the last days of a default reference,
 * and refitting (about a second of work on 100,000 rows) on every refresh of an open tab for a
 * handful of new labels would change the estimate by far less than its band.
 */
export const FIT_TOLERANCE = 0.01;
export const FIT_MAX_AGE_MS = 10 * 60_000;
const caches = new WeakMap<object, Cache>();
const cacheOf = (ctx: ServiceContext): Cache => {
  let c = caches.get(ctx.stores.events);
  if (!c) caches.set(ctx.stores.events, (c = { fits: new Map(), stats: { fits: 0, hits: 0 } }));
  return c;
};

/** Fits made and answered from the cache, per event store (what tests observe). */
export const estimateCacheStats = (ctx: ServiceContext): { fits: number; hits: number } => ({ ...cacheOf(ctx).stats });

/**
 * The CBPE fit for a reference, from a small LRU keyed on the model (and its schema version),
 * the range, the version and segment filter and the row cap, holding the labelled count it was
 * fitted on (see FIT_TOLERANCE). Concurrent
 * misses share one fit; a failed fit is not kept.
 */
export function referenceFit(ctx: ServiceContext, model: Model, ref: ReferenceQuery): Promise<Fit> {
  const cache = cacheOf(ctx);
  const segments = Object.entries(ref.segments).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = JSON.stringify([model.id, model.schema_version, ref.from, ref.to, ref.versions, segments, ref.limit]);
  const now = ctx.clock.now();
  const hit = cache.fits.get(key);
  // the same labels, or (for a fit that worked) a few more of them, recently
  if (hit && (hit.labelled === ref.labelled || (hit.ok && ref.labelled >= hit.labelled && ref.labelled - hit.labelled <= FIT_TOLERANCE * hit.labelled && now - hit.at < FIT_MAX_AGE_MS))) {
    cache.stats.hits++;
    cache.fits.delete(key);
    cache.fits.set(key, hit);
    return hit.fit;
  }
  cache.stats.fits++;
  const fit = ctx.stores.events.labelledRows(model, ref, ref.limit).then((rows) => fitReference(model, rows, ref));
  const entry: Entry = { fit, labelled: ref.labelled, at: now, ok: false };
  cache.fits.set(key, entry);
  fit.then((f) => (entry.ok = f.status === 'ok'), () => cache.fits.get(key) === entry && cache.fits.delete(key));
  while (cache.fits.size > CACHE_SIZE) cache.fits.delete(cache.fits.keys().next().value as string);
  return fit;
}

function fitReference(model: Model, raw: LabelledRows, ref: ReferenceQuery): Fit {
  const classes = model.schema.classes ?? [];
  const range = `${new Date(ref.from).toISOString()} – ${new Date(ref.to).toISOString()}${ref.defaulted ? ' (the 30 days before the window)' : ''}`;
  const hint = 'CBPE learns the scores\' calibration from labelled predictions: wait for labels to arrive, or pass reference_from and reference_to for a range that has them';
  const rows = model.task === 'binary'
    ? binaryRows(model, raw, (i) => isScoredLabel(model, raw.label[i]!))
    : multiclassRows(classes, raw, (i) => classes.includes(raw.label[i]!));
  const labels = rows.use.map((i) => raw.label[i]!);
  const seen = [...new Set(labels)].sort();
  const refused = (reason: string): Fit => ({ status: 'no_reference', reason, hint, rows: labels.length, total: raw.total, labels: seen });
  if (labels.length === 0) return refused(`no labelled prediction with ${model.task === 'binary' ? 'a score' : 'scores'} in the reference ${range}`);
  if (seen.length < 2) return refused(`every labelled prediction of the reference ${range} is ${seen[0]}: calibrating the scores needs more than one class`);
  if (rows.task === 'binary') {
    // two label texts can still be one class: without declared classes only '1' and 'true' are positive
    const positives = labels.reduce((a, l) => a + (isPositiveLabel(model, l) ? 1 : 0), 0);
    if (positives === 0 || positives === labels.length) {
      const rule = model.schema.classes?.length === 2 ? `the positive class is ${model.schema.classes[1]}` : "without two declared classes (schema.classes) the positive class is '1' or 'true'";
      return refused(`every labelled prediction of the reference ${range} is ${positives ? 'positive' : 'negative'} (labels ${seen.join(', ')}; ${rule}): calibrating the scores needs both classes`);
    }
  }
  if (labels.length < MIN_REFERENCE_ROWS) return refused(`${labels.length} labelled predictions in the reference ${range}; at least ${MIN_REFERENCE_ROWS} are needed`);
  try {
    if (rows.task === 'binary') {
      const cbpe = fitCbpe({ scores: rows.scores, labels: Uint8Array.from(labels, (l) => (isPositiveLabel(model, l) ? 1 : 0)), predictions: rows.predictions });
      return { status: 'ok', cbpe, rows: labels.length, total: raw.total, calibrated: cbpe.calibration.applied, labels: seen };
    }
    const cbpe = fitCbpeMulticlass({ classes, scores: rows.scores, labels, predictions: rows.predictions });
    return { status: 'ok', cbpe, rows: labels.length, total: raw.total, calibrated: cbpe.calibration.some((c) => c.applied), labels: seen };
  } catch (e) {
    // the core refuses inputs it cannot fit; here that is the reference's fault, not the caller's query
    if (e instanceof VigilError && e.code === 'validation_failed') return refused(`the reference ${range} cannot be fitted: ${e.message}`);
    throw e;
  }
}
