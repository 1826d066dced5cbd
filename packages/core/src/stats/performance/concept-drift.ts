// Concept drift from labelled outcomes: change detectors over the stream of a model's errors
// (1 = wrong, 0 = right, in prediction order as labels arrive) or over a metric series (accuracy
// per window). CBPE (cbpe.ts) cannot see a change in P(label | inputs) — its estimate keeps
// trusting the reference's calibration — so these watch the realized outcomes for it.
//
// Each detector is a pure step function (state, observation) → { state, signal, statistic, onset }
// over a plain-JSON state, which a service stores between batches; `detectConceptDrift` runs a
// batch through one and returns the change points. After a drift the detector starts afresh
// (its statistics forget the old concept), as River's and MOA's do; indexes keep counting.
//
// Page-Hinkley (E. S. Page, "Continuous inspection schemes", Biometrika 41, 1954), as River's
// drift.PageHinkley formulates it (river/drift/page_hinkley.py): with x̄ the running mean,
// U ← max(0, α·U + (x − x̄ − δ)) accumulates evidence that the mean went up (and
// D ← max(0, α·D + (x̄ − x − δ)) that it went down); drift when the watched sum reaches λ, once
// `minInstances` observations are in. δ is the change too small to care about, λ the evidence
// needed, α < 1 lets old evidence fade. Defaults are River's (30, δ 0.005, λ 50, α 1 − 10⁻⁴),
// made for values of order 1 such as a 0/1 error stream: there a rise of the error rate by Δ is
// found after about λ / (Δ − δ) observations. River signals from the 29th observation (its count
// starts at 1); we from the `minInstances`-th. For a metric series, λ and δ are in the metric's
// units: scale them (docs/performance-estimation.md). River has no warning zone; `warningThreshold`
// adds one. onset: where the sum last left 0, the estimated start of the change.
//
// DDM (J. Gama, P. Medas, G. Castillo, P. Rodrigues, "Learning with drift detection", SBIA 2004),
// as River's drift.binary.DDM: over n outcomes, the error rate p and s = √(p(1 − p)/n); once
// n > warmStart, the minimum of p + s is kept (p_min, s_min); warning when p + s > p_min + 2·s_min
// (about 95% confidence), drift when p + s > p_min + 3·s_min (about 99%). Defaults: warm start 30,
// 2, 3. One departure: while no error has been seen s is 0 and the test is degenerate (River and
// MOA then fire at the first error of a good model); we record the minimum only where s > 0.
// onset: the start of the warning zone the drift came from (Gama's "context change" point), or the
// drift itself when there was none.
//
// Batched DDM (stepDdmBatch): the same test applied once at the end of a batch of outcomes (an hour
// of predictions, say) after adding all of it — the counts are exact, only the points where the
// minimum is kept and the test is made are coarser. With batches of one it is stepDdm. Indexes
// and onsets count batches (`seen` is the next batch's index); the warm start and `count` count
// outcomes. Page-Hinkley has no such form: its running mean enters each step's increment, so a
// batch's sum depends on the order within it.
import { VigilError } from '../../errors.ts';

export type DriftSignal = 'none' | 'warning' | 'drift';

export interface PageHinkleyOptions {
  /** Observations before a signal is possible. Default 30. */
  minInstances?: number;
  /** Magnitude of change to ignore, in the observations' units. Default 0.005. */
  delta?: number;
  /** λ: the evidence (cumulative sum) that signals drift. Default 50. */
  threshold?: number;
  /** Forgetting factor of the cumulative sum, in (0, 1]. Default 1 − 10⁻⁴. */
  alpha?: number;
  /** Watch for a rise (errors, losses), a fall (accuracy) or both. Default 'increase'. */
  direction?: 'increase' | 'decrease' | 'both';
  /** A smaller sum that signals a warning; null (default) for none. */
  warningThreshold?: number | null;
}

export interface DdmOptions {
  /** Outcomes before the test starts. Default 30. */
  warmStart?: number;
  /** Warning when p + s > p_min + warningThreshold · s_min. Default 2. */
  warningThreshold?: number;
  /** Drift when p + s > p_min + driftThreshold · s_min. Default 3. */
  driftThreshold?: number;
}

export interface PageHinkleyState {
  method: 'page-hinkley';
  options: Required<PageHinkleyOptions>;
  /** Observations since the detector was created: the next one gets this index. */
  seen: number;
  /** Observations since the last reset. */
  count: number;
  mean: number;
  up: number;
  down: number;
  /** Index where each sum last left 0 (null while it is 0). */
  upSince: number | null;
  downSince: number | null;
  warningSince: number | null;
}

export interface DdmState {
  method: 'ddm';
  options: Required<DdmOptions>;
  seen: number;
  count: number;
  errors: number;
  /** p and s where p + s was smallest (null before the first usable minimum). */
  pMin: number | null;
  sMin: number | null;
  warningSince: number | null;
}

export type ConceptDriftState = PageHinkleyState | DdmState;
export type ConceptDriftDetector = { method: 'page-hinkley'; options?: PageHinkleyOptions } | { method: 'ddm'; options?: DdmOptions };

export interface DetectorStep<S> {
  state: S;
  signal: DriftSignal;
  /** Page-Hinkley: the watched cumulative sum; DDM: (p + s − p_min) / s_min (0 before a minimum). */
  statistic: number;
  /** With a drift: the index where the change is estimated to have started; else null. */
  onset: number | null;
}

const invalid = (field: string, message: string) => new VigilError('validation_failed', `concept drift: ${message}`, { details: [{ field, message }] });

/** A fresh Page-Hinkley detector. */
export function initPageHinkley(options: PageHinkleyOptions = {}): PageHinkleyState {
  const o: Required<PageHinkleyOptions> = {
    minInstances: options.minInstances ?? 30, delta: options.delta ?? 0.005, threshold: options.threshold ?? 50,
    alpha: options.alpha ?? 1 - 1e-4, direction: options.direction ?? 'increase', warningThreshold: options.warningThreshold ?? null,
  };
  if (!(Number.isInteger(o.minInstances) && o.minInstances >= 1)) throw invalid('minInstances', 'minInstances must be an integer ≥ 1');
  if (!(Number.isFinite(o.delta) && o.delta >= 0)) throw invalid('delta', 'delta must be a finite number ≥ 0');
  if (!(Number.isFinite(o.threshold) && o.threshold > 0)) throw invalid('threshold', 'threshold must be a positive number');
  if (!(o.alpha > 0 && o.alpha <= 1)) throw invalid('alpha', 'alpha must be in (0, 1]');
  if (!['increase', 'decrease', 'both'].includes(o.direction)) throw invalid('direction', "direction must be 'increase', 'decrease' or 'both'");
  if (o.warningThreshold !== null && !(o.warningThreshold > 0 && o.warningThreshold < o.threshold)) {
    throw invalid('warningThreshold', 'warningThreshold must be in (0, threshold)');
  }
  return { method: 'page-hinkley', options: o, seen: 0, count: 0, mean: 0, up: 0, down: 0, upSince: null, downSince: null, warningSince: null };
}

/** Feeds one observation (any finite number) to Page-Hinkley. */
export function stepPageHinkley(state: PageHinkleyState, x: number): DetectorStep<PageHinkleyState> {
  if (!Number.isFinite(x)) throw invalid('observation', `observation ${state.seen} is not a finite number`);
  const o = state.options, index = state.seen, count = state.count + 1;
  const mean = state.mean + (x - state.mean) / count;
  const up = Math.max(0, o.alpha * state.up + (x - mean - o.delta));
  const down = Math.max(0, o.alpha * state.down + (mean - x - o.delta));
  const upSince = up > 0 ? state.upSince ?? index : null;
  const downSince = down > 0 ? state.downSince ?? index : null;
  const watchUp = o.direction !== 'decrease', watchDown = o.direction !== 'increase';
  const useUp = watchUp && (!watchDown || up >= down);
  const statistic = useUp ? up : down;
  const ready = count >= o.minInstances;
  if (ready && statistic >= o.threshold) {
    const fresh = initPageHinkley(o);
    return { state: { ...fresh, seen: index + 1 }, signal: 'drift', statistic, onset: (useUp ? upSince : downSince) ?? index };
  }
  const warning = ready && o.warningThreshold !== null && statistic >= o.warningThreshold;
  const next: PageHinkleyState = {
    ...state, seen: index + 1, count, mean, up, down, upSince, downSince,
    warningSince: warning ? state.warningSince ?? index : null,
  };
  return { state: next, signal: warning ? 'warning' : 'none', statistic, onset: null };
}

/** A fresh DDM detector. */
export function initDdm(options: DdmOptions = {}): DdmState {
  const o: Required<DdmOptions> = { warmStart: options.warmStart ?? 30, warningThreshold: options.warningThreshold ?? 2, driftThreshold: options.driftThreshold ?? 3 };
  if (!(Number.isInteger(o.warmStart) && o.warmStart >= 0)) throw invalid('warmStart', 'warmStart must be an integer ≥ 0');
  if (!(o.warningThreshold > 0 && Number.isFinite(o.warningThreshold))) throw invalid('warningThreshold', 'warningThreshold must be a positive number');
  if (!(o.driftThreshold > o.warningThreshold && Number.isFinite(o.driftThreshold))) throw invalid('driftThreshold', 'driftThreshold must be a number above warningThreshold');
  return { method: 'ddm', options: o, seen: 0, count: 0, errors: 0, pMin: null, sMin: null, warningSince: null };
}

/** Feeds one outcome to DDM: 1 (or true) for an error, 0 (or false) for a correct prediction. */
export function stepDdm(state: DdmState, outcome: number | boolean): DetectorStep<DdmState> {
  const x = outcome === true ? 1 : outcome === false ? 0 : outcome;
  if (x !== 0 && x !== 1) throw invalid('observation', `observation ${state.seen} must be 0 or 1 (an error indicator)`);
  const o = state.options, index = state.seen, count = state.count + 1, errors = state.errors + x;
  const p = errors / count, s = Math.sqrt((p * (1 - p)) / count);
  let { pMin, sMin } = state;
  let signal: DriftSignal = 'none', statistic = 0;
  if (count > o.warmStart) {
    if (s > 0 && (pMin === null || sMin === null || p + s <= pMin + sMin)) { pMin = p; sMin = s; }
    if (pMin !== null && sMin !== null) {
      statistic = (p + s - pMin) / sMin;
      if (p + s > pMin + o.driftThreshold * sMin) signal = 'drift';
      else if (p + s > pMin + o.warningThreshold * sMin) signal = 'warning';
    }
  }
  if (signal === 'drift') {
    return { state: { ...initDdm(o), seen: index + 1 }, signal, statistic, onset: state.warningSince ?? index };
  }
  const next: DdmState = { ...state, seen: index + 1, count, errors, pMin, sMin, warningSince: signal === 'warning' ? state.warningSince ?? index : null };
  return { state: next, signal, statistic, onset: null };
}

/**
 * Feeds one batch to DDM: `count` outcomes of which `errors` are errors, added at once; the test
 * is applied at the end of the batch, as stepDdm applies it after one outcome (stepDdm is this
 * with count 1). A batch of 0 outcomes takes an index and repeats the last test.
 */
export function stepDdmBatch(state: DdmState, count: number, errors: number): DetectorStep<DdmState> {
  const index = state.seen;
  if (!(Number.isInteger(count) && count >= 0)) throw invalid('count', `batch ${index}: count must be an integer ≥ 0`);
  if (!(Number.isInteger(errors) && errors >= 0 && errors <= count)) throw invalid('errors', `batch ${index}: errors must be an integer in [0, count]`);
  const o = state.options, n = state.count + count, e = state.errors + errors;
  let { pMin, sMin } = state;
  let signal: DriftSignal = 'none', statistic = 0;
  if (n > o.warmStart) {
    const p = e / n, s = Math.sqrt((p * (1 - p)) / n);
    if (s > 0 && (pMin === null || sMin === null || p + s <= pMin + sMin)) { pMin = p; sMin = s; }
    if (pMin !== null && sMin !== null) {
      statistic = (p + s - pMin) / sMin;
      if (p + s > pMin + o.driftThreshold * sMin) signal = 'drift';
      else if (p + s > pMin + o.warningThreshold * sMin) signal = 'warning';
    }
  }
  if (signal === 'drift') {
    return { state: { ...initDdm(o), seen: index + 1 }, signal, statistic, onset: state.warningSince ?? index };
  }
  const next: DdmState = { ...state, seen: index + 1, count: n, errors: e, pMin, sMin, warningSince: signal === 'warning' ? state.warningSince ?? index : null };
  return { state: next, signal, statistic, onset: null };
}

/** A fresh detector of either kind. */
export function initConceptDrift(detector: ConceptDriftDetector): ConceptDriftState {
  return detector.method === 'ddm' ? initDdm(detector.options) : initPageHinkley(detector.options);
}

/** One step of whichever detector the state belongs to. */
export function stepConceptDrift(state: ConceptDriftState, observation: number): DetectorStep<ConceptDriftState> {
  return state.method === 'ddm' ? stepDdm(state, observation) : stepPageHinkley(state, observation);
}

export interface ChangePoint {
  /** Index of the observation at which the drift was signalled. */
  index: number;
  /** Estimated start of the change (≤ index). */
  onset: number;
  statistic: number;
}

export interface ConceptDriftResult {
  drifts: ChangePoint[];
  /** Indexes where a warning zone began (a warning after a 'none' or a drift). */
  warnings: number[];
  /** The state after the batch: pass it with the next batch to continue the stream. */
  state: ConceptDriftState;
}

/**
 * Runs a batch of observations through a detector (a new one, or a stored state to continue a
 * stream; indexes continue from it) and returns the change points.
 *
 * @example
 *   const errors = predictions.map((p, i) => (p === labels[i] ? 0 : 1));
 *   const { drifts } = detectConceptDrift({ method: 'ddm' }, errors);
 *   drifts[0]; // { index, onset, statistic } — where the relation between inputs and outcome changed
 */
export function detectConceptDrift(detector: ConceptDriftDetector | ConceptDriftState, observations: ArrayLike<number>): ConceptDriftResult {
  let state = 'seen' in detector ? detector : initConceptDrift(detector);
  const drifts: ChangePoint[] = [], warnings: number[] = [];
  for (let i = 0; i < observations.length; i++) {
    const index = state.seen, inWarning = state.warningSince !== null;
    const step = stepConceptDrift(state, observations[i]!);
    if (step.signal === 'drift') drifts.push({ index, onset: step.onset ?? index, statistic: step.statistic });
    if (step.signal === 'warning' && !inWarning) warnings.push(index);
    state = step.state;
  }
  return { drifts, warnings, state };
}

/** One batch of outcomes for the batched DDM. */
export interface OutcomeBatch {
  /** Outcomes in the batch. */
  count: number;
  /** Of them, errors. */
  errors: number;
}

export interface BatchedDdmResult {
  /** Change points by batch index: `index` the batch where the drift fired, `onset` the first batch of its warning zone. */
  drifts: ChangePoint[];
  /** Batch indexes where a warning zone began. */
  warnings: number[];
  state: DdmState;
}

/**
 * Runs batches of outcomes through DDM (a new detector, or a stored state to continue; batch
 * indexes continue from it), testing once at the end of each batch, and returns the change points
 * by batch index.
 *
 * @example
 *   const hours = [{ count: 4200, errors: 210 }, { count: 3900, errors: 204 }, { count: 4100, errors: 820 }];
 *   const { drifts } = detectConceptDriftBatches({ method: 'ddm', options: { warmStart: 1000 } }, hours);
 *   drifts[0]; // { index: 2, onset: 2, statistic } — the third hour
 */
export function detectConceptDriftBatches(detector: { method: 'ddm'; options?: DdmOptions } | DdmState, batches: ArrayLike<OutcomeBatch>): BatchedDdmResult {
  let state = 'seen' in detector ? detector : initDdm(detector.options);
  const drifts: ChangePoint[] = [], warnings: number[] = [];
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!, index = state.seen, inWarning = state.warningSince !== null;
    const step = stepDdmBatch(state, b.count, b.errors);
    if (step.signal === 'drift') drifts.push({ index, onset: step.onset ?? index, statistic: step.statistic });
    if (step.signal === 'warning' && !inWarning) warnings.push(index);
    state = step.state;
  }
  return { drifts, warnings, state };
}
