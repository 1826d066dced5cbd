// Multivariate drift by PCA reconstruction error (issue 5 b), as NannyML's
// DataReconstructionDriftCalculator computes it (nannyml/drift/multivariate/data_reconstruction/
// calculator.py; docs: "Data Reconstruction with PCA", docs/how_it_works/data_reconstruction.rst in
// github.com/NannyML/nannyml), checked against scripts/drift-fixtures/multivariate.py.
//
// Fit on the reference: impute missing numbers with the reference mean and missing categories with
// the most frequent one; encode a category as its frequency in the (imputed) reference, as
// NannyML's CountEncoder(normalize=True) — one column per categorical feature, where one-hot would
// add a column per category and let a rare category dominate the components; standardise with the
// reference mean and population standard deviation (1 for a constant column, sklearn's rule);
// keep the principal components that explain `varianceKept` of the variance (65% by default,
// sklearn's rule: the fewest whose cumulative ratio exceeds it), from the eigen-decomposition of
// the covariance matrix (ml-matrix's symmetric EVD, which gives sklearn's SVD components up to sign).
// A row's reconstruction error is the Euclidean distance between its standardised values and their
// projection on those components; a window's is the mean over its rows. The band is the mean ± 3
// standard deviations (ddof 0) of the errors of the reference's chunks, the lower bound dropped
// when it is not above 0 (recent NannyML's thresholds.py); a window alerts outside (lower, upper).
//
// What drift means here: the reference's correlation structure, which the components capture, no
// longer describes the data; a change in one feature's marginal shows up too, a change that
// univariate tests cannot see (two features decorrelating with their marginals kept) shows up
// only here. Limits: imputation pulls rows towards the mean, so more missing values *lower* the
// error (watch missing-value rates apart); the band is for windows of about `chunkSize` rows —
// smaller windows are noisier than it assumes (NannyML's own limit), so pick a chunk size near
// the current window's size; a category the reference never saw is encoded as frequency 0.
// Cost: fit O(n·d² + d³), a window O(rows·d·k); the model is plain JSON.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { VigilError } from '../../errors.ts';
import type { CategoricalInput, Category, NumericInput } from './binning.ts';

/** A numeric column (NaN, null, undefined and ±Infinity are missing) or a categorical one (null, undefined, NaN missing). */
export type ReconstructionColumn = NumericInput | { categories: CategoricalInput };

export interface FrequencyEncoding {
  /** Category (as String) → share of reference rows, missing rows counted under `mode`. */
  frequencies: Record<string, number>;
  /** The most frequent category (the smallest as a string among ties), which missing values become. */
  mode: string;
}

export interface ReconstructionOptions {
  names: string[];
  /** Share of variance the kept components explain: strictly more than this. Default 0.65. */
  varianceKept?: number;
  /** Reference rows per chunk for the band. Default: a tenth of the reference (10 chunks). */
  chunkSize?: number;
}

export interface ReconstructionModel {
  names: string[];
  kinds: ('numeric' | 'categorical')[];
  /** Per feature: the encoding of a categorical one, null for a numeric one. */
  encodings: (FrequencyEncoding | null)[];
  /** Reference mean (imputation value) and scale (population std, 1 where constant) of each encoded feature. */
  means: number[];
  stds: number[];
  /** Kept components, one unit vector of length names.length per row (signs arbitrary). */
  components: number[][];
  /** Share of the variance each kept component explains. */
  explained: number[];
  varianceKept: number;
  rows: number;
  chunkSize: number;
  chunkErrors: number[];
  band: { mean: number; std: number; lower: number | null; upper: number };
  /** Mean squared residual of each feature on the reference: what a window's featureErrors compare with. */
  featureErrors: number[];
}

export type ReconstructionResult =
  | {
    status: 'ok';
    /** Mean reconstruction error of the window's rows. */
    error: number;
    rows: number;
    /** Standard deviation (ddof 1) of the rows' errors, and it over √rows (NannyML's sampling error); null for one row. */
    rowStd: number | null;
    samplingError: number | null;
    lower: number | null;
    upper: number;
    alert: boolean;
    /**
     * Mean squared residual of each feature (standardised units). Compared with the model's
     * featureErrors (the reference's), it says which features the reference's structure no longer
     * explains; a feature the kept components never explained has a large residual on both.
     */
    featureErrors: number[];
  }
  | { status: 'no_data' };

const invalid = (field: string, message: string) => new VigilError('validation_failed', `reconstruction drift: ${message}`, { details: [{ field, message }] });
const EPS = 2 ** -52;

const isCategorical = (c: ReconstructionColumn): c is { categories: CategoricalInput } => typeof c === 'object' && c !== null && 'categories' in c;
const missingCategory = (v: Category | null | undefined) => v == null || (typeof v === 'number' && Number.isNaN(v));

/** NannyML's categorical preprocessing: most-frequent imputation, then frequency encoding. */
export function fitFrequencyEncoding(values: CategoricalInput): FrequencyEncoding {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (missingCategory(v)) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  if (counts.size === 0) throw invalid('columns', 'a categorical column has no values in the reference');
  let mode = '', top = -1;
  for (const [k, c] of counts) if (c > top || (c === top && k < mode)) { mode = k; top = c; }
  counts.set(mode, top + missing);
  const frequencies: Record<string, number> = {};
  for (const [k, c] of counts) frequencies[k] = c / values.length;
  return { frequencies, mode };
}

/** A categorical column as numbers: reference frequency, the mode's for a missing value, 0 for an unseen category. */
export function applyFrequencyEncoding(encoding: FrequencyEncoding, values: CategoricalInput): Float64Array {
  const out = new Float64Array(values.length), fill = encoding.frequencies[encoding.mode] ?? 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = missingCategory(v) ? fill : (Object.hasOwn(encoding.frequencies, String(v)) ? encoding.frequencies[String(v)]! : 0);
  }
  return out;
}

function numericColumn(values: NumericInput): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) { const x = values[i]; out[i] = x == null || !Number.isFinite(x) ? NaN : x; }
  return out;
}

/** The encoded, standardised rows (row-major, n × d); missing numbers become the mean, i.e. 0. */
function standardised(model: Pick<ReconstructionModel, 'kinds' | 'encodings' | 'means' | 'stds'>, columns: readonly ReconstructionColumn[], n: number): Float64Array {
  const d = model.kinds.length, z = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const col = columns[j]!, enc = model.encodings[j];
    const x = enc ? applyFrequencyEncoding(enc, (col as { categories: CategoricalInput }).categories) : numericColumn(col as NumericInput);
    const mean = model.means[j]!, std = model.stds[j]!;
    for (let i = 0; i < n; i++) { const v = x[i]!; z[i * d + j] = Number.isNaN(v) ? 0 : (v - mean) / std; }
  }
  return z;
}

function lengthOf(columns: readonly ReconstructionColumn[]): number {
  const len = (c: ReconstructionColumn) => (isCategorical(c) ? c.categories.length : c.length);
  const n = len(columns[0]!);
  columns.forEach((c, j) => { if (len(c) !== n) throw invalid('columns', `column ${j} has ${len(c)} rows, column 0 has ${n}`); });
  return n;
}

/** Per-row errors and per-feature squared residuals of standardised rows. */
function residuals(z: Float64Array, n: number, d: number, components: readonly number[][]) {
  const errors = new Float64Array(n), featureSq = new Float64Array(d), r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) r[j] = z[o + j]!;
    for (const w of components) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += w[j]! * z[o + j]!;
      for (let j = 0; j < d; j++) r[j]! -= dot * w[j]!;
    }
    let sq = 0;
    for (let j = 0; j < d; j++) { const x = r[j]!; sq += x * x; featureSq[j]! += x * x; }
    errors[i] = Math.sqrt(sq);
  }
  return { errors, featureSq };
}

const mean = (xs: ArrayLike<number>, from = 0, to = xs.length) => { let s = 0; for (let i = from; i < to; i++) s += xs[i]!; return s / (to - from); };

/**
 * Fit the reconstruction model on reference columns (all the same length).
 *
 * @example
 *   const model = fitReconstruction([age, income, { categories: country }], { names: ['age', 'income', 'country'], chunkSize: 5000 });
 *   reconstructionError(model, [ageNow, incomeNow, { categories: countryNow }]); // { status: 'ok', error, alert, … }
 */
export function fitReconstruction(columns: readonly ReconstructionColumn[], options: ReconstructionOptions): ReconstructionModel {
  const { names } = options;
  const varianceKept = options.varianceKept ?? 0.65;
  const d = columns.length;
  if (d < 2) throw invalid('columns', 'reconstruction drift needs at least two features');
  if (names.length !== d) throw invalid('names', `${names.length} names for ${d} columns`);
  if (!(varianceKept > 0 && varianceKept < 1)) throw invalid('varianceKept', 'varianceKept must be in (0, 1)');
  const n = lengthOf(columns);
  const chunkSize = options.chunkSize ?? Math.floor(n / 10);
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && n >= 2 * chunkSize)) {
    throw invalid('chunkSize', `the band needs at least two reference chunks: ${n} rows, chunks of ${chunkSize}`);
  }

  const kinds = columns.map((c) => (isCategorical(c) ? 'categorical' as const : 'numeric' as const));
  const encodings = columns.map((c) => (isCategorical(c) ? fitFrequencyEncoding(c.categories) : null));
  const means: number[] = [], stds: number[] = [];
  columns.forEach((c, j) => {
    const enc = encodings[j];
    const x = enc ? applyFrequencyEncoding(enc, (c as { categories: CategoricalInput }).categories) : numericColumn(c as NumericInput);
    let sum = 0, used = 0;
    for (const v of x) if (!Number.isNaN(v)) { sum += v; used++; }
    if (used === 0) throw invalid('columns', `feature ${names[j]} has no values in the reference`);
    const m = sum / used;
    let ss = 0;
    for (const v of x) if (!Number.isNaN(v)) ss += (v - m) * (v - m);
    const variance = ss / n; // imputed rows sit at the mean: they add rows, not squares
    means.push(m);
    // sklearn's _is_constant_feature: a variance within rounding of 0 scales by 1
    stds.push(variance <= n * EPS * variance + (n * m * EPS) ** 2 ? 1 : Math.sqrt(variance));
  });

  const z = standardised({ kinds, encodings, means, stds }, columns, n);
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) { const za = z[o + a]!; const row = cov[a]!; for (let b = a; b < d; b++) row[b]! += za * z[o + b]!; }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) { for (let b = a; b < d; b++) { cov[a]![b]! /= n - 1; cov[b]![a] = cov[a]![b]!; } trace += cov[a]![a]!; }
  if (!(trace > 0)) throw invalid('columns', 'the reference has no variance to decompose');

  const evd = new EigenvalueDecomposition(new Matrix(cov), { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  const order = evd.realEigenvalues.map((value, index) => ({ value: Math.max(value, 0), index })).sort((p, q) => q.value - p.value);
  const ratios = order.map((e) => e.value / trace);
  let k = 0, cumulative = 0;
  while (k < d && cumulative + ratios[k]! <= varianceKept) cumulative += ratios[k++]!;
  k = Math.min(k + 1, d);
  const components = order.slice(0, k).map((e) => vectors.getColumn(e.index).map((x) => x + 0)); // + 0: no -0, which JSON cannot keep

  const { errors, featureSq } = residuals(z, n, d, components);
  const count = Math.floor(n / chunkSize);
  const chunkErrors = Array.from({ length: count }, (_, c) => mean(errors, c * chunkSize, c === count - 1 ? n : (c + 1) * chunkSize));
  const bandMean = mean(chunkErrors);
  const bandStd = Math.sqrt(mean(chunkErrors.map((e) => (e - bandMean) ** 2)));
  const lower = bandMean - 3 * bandStd;
  return {
    names: [...names], kinds, encodings, means, stds, components, explained: ratios.slice(0, k), varianceKept,
    rows: n, chunkSize, chunkErrors, band: { mean: bandMean, std: bandStd, lower: lower > 0 ? lower : null, upper: bandMean + 3 * bandStd },
    featureErrors: Array.from(featureSq, (s) => s / n),
  };
}

/** The reconstruction error of a window (columns in the model's order) and its verdict against the band. */
export function reconstructionError(model: ReconstructionModel, columns: readonly ReconstructionColumn[]): ReconstructionResult {
  const d = model.names.length;
  if (columns.length !== d) throw invalid('columns', `${columns.length} columns for a model of ${d} features`);
  columns.forEach((c, j) => {
    if (isCategorical(c) !== (model.kinds[j] === 'categorical')) throw invalid('columns', `feature ${model.names[j]} must be ${model.kinds[j]}`);
  });
  const n = lengthOf(columns);
  if (n === 0) return { status: 'no_data' };
  const { errors, featureSq } = residuals(standardised(model, columns, n), n, d, model.components);
  const error = mean(errors);
  let ss = 0;
  for (const e of errors) ss += (e - error) ** 2;
  const rowStd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const { lower, upper } = model.band;
  return {
    status: 'ok', error, rows: n, rowStd, samplingError: rowStd === null ? null : rowStd / Math.sqrt(n), lower, upper,
    alert: !((lower === null || lower < error) && error < upper), featureErrors: Array.from(featureSq, (s) => s / n),
  };
}
