// The drift tab's decisions, pure so they are tested from tables: how a score reads for its
// method, what a feature's verdict is (an uncertain streaming bound included), the order of the
// feature table, and the words for the dataset verdict, the reference and the path.
import type { DriftReport, FeatureDrift, ReferenceProfile, ReportPath, SegmentDrift } from '../api/drift.ts';
import { formatCompact } from './format.ts';

// ---------------------------------------------------------------- methods and scores

const METHOD_LABELS: Readonly<Record<string, string>> = {
  ks: 'KS',
  chisquare: 'chi-square',
  chi2_contingency: 'chi-square contingency',
  z: 'z-test',
  wasserstein: 'Wasserstein, normed',
  wasserstein_normed: 'Wasserstein, normed',
  jensenshannon: 'Jensen-Shannon',
  psi: 'PSI',
  psi_quantile: 'PSI, quantile bins',
  hellinger: 'Hellinger',
};

/** Methods whose verdict reads a p-value (drift when it is small); the others read a distance. */
const P_VALUE_METHODS = new Set(['ks', 'chisquare', 'chi2_contingency', 'z']);
/** Of those, the ones that drift at p ≤ threshold (Evidently's KS); the rest at p < threshold. */
const P_AT_OR_BELOW = new Set(['ks']);

export const isPValueMethod = (method: string | null): boolean => method !== null && P_VALUE_METHODS.has(method);

/** The method as people name it: `ks` → "KS", `wasserstein` → "Wasserstein, normed"; "—" for none (no data). */
export const methodLabel = (method: string | null): string => (method === null ? '—' : (METHOD_LABELS[method] ?? method.replace(/_/g, ' ')));

/** A score with two significant digits, small ones without an exponent down to 0.0001. */
export function formatScore(v: number): string {
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '-∞';
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a < 1e-4) return v.toExponential(1).replace('.0e', 'e');
  return String(Number(v.toPrecision(2)));
}

/** A p-value: "0.003", and "< 0.0001" below what anyone reads. */
export const formatP = (p: number): string => (p < 1e-4 ? '< 0.0001' : formatScore(p));

const statisticValue = (s: FeatureDrift['statistic']): number | null => (s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : typeof s === 'number' && !Number.isNaN(s) ? s : null);

/** What the verdict compares with the threshold: the p-value for the tests, the statistic for the distances. */
export function scoreOf(f: Pick<FeatureDrift, 'method' | 'statistic' | 'pvalue'>): number | null {
  if (isPValueMethod(f.method)) return typeof f.pvalue === 'number' && !Number.isNaN(f.pvalue) ? f.pvalue : null;
  return statisticValue(f.statistic);
}

/**
 * "p = 0.003 (KS)", "p < 0.0001 (chi-square)", "0.21 (Wasserstein, normed)", "∞ (PSI)"; "—"
 * without a score. `withMethod: false` leaves the method out (a table that has a column for it).
 */
export function formatStatistic(f: Pick<FeatureDrift, 'method' | 'statistic' | 'pvalue' | 'status'>, withMethod = true): string {
  const score = f.status === 'ok' ? scoreOf(f) : null;
  if (score === null) return '—';
  const text = isPValueMethod(f.method) ? `p ${p2(score)}` : formatScore(score);
  return withMethod ? `${text} (${methodLabel(f.method)})` : text;
}
const p2 = (p: number) => (p < 1e-4 ? '< 0.0001' : `= ${formatScore(p)}`);

/** The threshold as a rule: "p < 0.05", "p ≤ 0.05" (KS), "≥ 0.1" (distances); "—" without one (no data). */
export function formatThreshold(f: Pick<FeatureDrift, 'method' | 'threshold'>): string {
  if (f.threshold === null || f.method === null) return '—';
  if (isPValueMethod(f.method)) return `p ${P_AT_OR_BELOW.has(f.method) ? '≤' : '<'} ${formatScore(f.threshold)}`;
  return `≥ ${formatScore(f.threshold)}`;
}

const pct = (share: number): string => {
  const v = share * 100;
  if (v === 0) return '0 %';
  return `${v < 1 ? Number(v.toPrecision(1)) : v < 10 ? Number(v.toFixed(1)) : Math.round(v)} %`;
};
export const formatShare = pct;

/** Why the threshold is what it is, when it was calibrated on the reference; null otherwise. */
export function calibrationNote(f: Pick<FeatureDrift, 'calibrated' | 'method'>): string | null {
  const c = f.calibrated;
  if (!c) return null;
  return `Calibrated on the reference for this sample size: ${formatThreshold({ method: f.method, threshold: c.threshold })} raises a false alarm ${pct(c.false_alarm_rate)} of the time, where the default threshold would ${pct(c.default_false_alarm_rate)} of the time.`;
}

/** "0.08–0.12 (streaming)", "p 0.03–0.07 (streaming)"; null on the exact path. */
export function formatBound(f: Pick<FeatureDrift, 'method' | 'bound'>): string | null {
  if (!f.bound) return null;
  const range = `${formatScore(f.bound.lower)}–${formatScore(f.bound.upper)}`;
  return `${isPValueMethod(f.method) ? 'p ' : ''}${range} (streaming)`;
}

// ---------------------------------------------------------------- verdicts

export type VerdictKey = 'drifted' | 'uncertain' | 'stable' | 'no_data';
/** The health classes of the stylesheet, so the verdict's colour matches the rest of the app. */
export type Tone = 'problem' | 'warning' | 'healthy' | 'no_data';

export interface Verdict {
  key: VerdictKey;
  tone: Tone;
  /** In words, always shown next to the colour. */
  text: string;
  /** A sentence for the tooltip and screen readers. */
  detail: string;
}

const TONE: Record<VerdictKey, Tone> = { drifted: 'problem', uncertain: 'warning', stable: 'healthy', no_data: 'no_data' };
const TEXT: Record<VerdictKey, string> = { drifted: 'drifted', uncertain: 'uncertain', stable: 'no drift', no_data: 'no data' };

export function verdictKey(f: Pick<FeatureDrift, 'status' | 'drifted'>): VerdictKey {
  if (f.status !== 'ok') return 'no_data';
  return f.drifted === true ? 'drifted' : f.drifted === false ? 'stable' : 'uncertain';
}

export function featureVerdict(f: Pick<FeatureDrift, 'status' | 'drifted' | 'reason' | 'method' | 'bound' | 'threshold' | 'statistic' | 'pvalue'>): Verdict {
  const key = verdictKey(f);
  const rule = formatThreshold(f);
  let detail: string;
  switch (key) {
    case 'no_data':
      detail = f.reason ?? 'No values to compare in this window.';
      break;
    case 'drifted':
      detail = `${formatStatistic(f)} meets the drift threshold ${rule}.`;
      break;
    case 'stable':
      detail = `${formatStatistic(f)} is short of the drift threshold ${rule}.`;
      break;
    case 'uncertain':
      detail = f.bound
        ? `The streaming estimate ${formatBound(f)} straddles the threshold ${rule}; the exact path decides.`
        : f.reason
          ? `No verdict: ${f.reason}.`
          : `No verdict for the threshold ${rule}; the exact path decides.`;
  }
  return { key, tone: TONE[key], text: TEXT[key], detail };
}

// ---------------------------------------------------------------- the feature table

/**
 * How far past its threshold a score is, comparable across methods: above 1 is drift. A distance
 * over its threshold; for a p-value the threshold over the p-value (p = 0 is infinitely far).
 * −1 without a score, so featureless rows sort last.
 */
export function severity(f: Pick<FeatureDrift, 'method' | 'statistic' | 'pvalue' | 'threshold' | 'status'>): number {
  const s = f.status === 'ok' ? scoreOf(f) : null;
  if (s === null || f.threshold === null || !(f.threshold > 0)) return -1;
  if (isPValueMethod(f.method)) return s === 0 ? Infinity : f.threshold / s;
  return s / f.threshold;
}

const RANK: Record<VerdictKey, number> = { drifted: 0, uncertain: 1, stable: 2, no_data: 3 };

/** Drifted first, then uncertain, stable and no data; within each, furthest past the threshold first, then by name. */
export function sortFeatures<T extends FeatureDrift>(features: readonly T[]): T[] {
  return [...features].sort((a, b) => RANK[verdictKey(a)] - RANK[verdictKey(b)] || severity(b) - severity(a) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}

export type FeatureFilter = 'all' | 'attention';

/** Features whose name holds `q` (any case); `attention` keeps the drifted and the uncertain. */
export function filterFeatures<T extends FeatureDrift>(features: readonly T[], q: string, show: FeatureFilter = 'all'): T[] {
  const needle = q.trim().toLowerCase();
  return features.filter((f) => (!needle || f.feature.toLowerCase().includes(needle)) && (show === 'all' || ['drifted', 'uncertain'].includes(verdictKey(f))));
}

/** "120 missing", "3 infinite", "120 missing · 3 infinite"; '' when every row had a value. */
export function excludedText(c: { missing: number; infinite: number }): string {
  const parts: string[] = [];
  if (c.missing > 0) parts.push(`${formatCompact(c.missing)} missing`);
  if (c.infinite > 0) parts.push(`${formatCompact(c.infinite)} infinite`);
  return parts.join(' · ');
}

/** A table cell's short form: rows left out (missing or infinite) of one sample, "0" when none. */
export const excludedCount = (c: { missing: number; infinite: number }): string => formatCompact(c.missing + c.infinite);

// ---------------------------------------------------------------- header

export interface DatasetVerdict {
  tone: Tone;
  /** "Dataset drift", "No dataset drift", "No data". */
  title: string;
  /** "3 of 12 features drifted (25 %); the dataset drifts from 50 %." */
  text: string;
}

export function datasetVerdict(d: DriftReport['dataset']): DatasetVerdict {
  const rule = `the dataset drifts when ${pct(d.threshold)} of its features do`;
  if (d.share === null || d.features_with_data === 0) return { tone: 'no_data', title: 'No data', text: `No feature has values to compare in this window; ${rule}.` };
  const n = d.features_with_data;
  const text = `${d.drifted_features} of ${n} ${n === 1 ? 'feature' : 'features'} drifted (${pct(d.share)}); ${rule}.`;
  if (d.drift === true) return { tone: 'problem', title: 'Dataset drift', text };
  if (d.drift === false) return { tone: 'healthy', title: 'No dataset drift', text };
  return { tone: 'warning', title: 'Dataset drift uncertain', text: `${text} Some verdicts are uncertain; the exact path decides.` };
}

const SOURCE: Record<ReferenceProfile['source'], string> = { file: 'uploaded file', window: 'production window' };

/** "version 2.3.0 · uploaded file · 12.5k rows". */
export function referenceSummary(r: Pick<ReferenceProfile, 'version' | 'source' | 'rows'>): string {
  return `version ${r.version} · ${SOURCE[r.source] ?? r.source} · ${formatCompact(r.rows)} ${r.rows === 1 ? 'row' : 'rows'}`;
}

export interface PathInfo {
  label: string;
  /** What the path means for the numbers on screen. */
  explanation: string;
}

export function pathInfo(path: ReportPath | null): PathInfo | null {
  if (path === 'streaming')
    return {
      label: 'Streaming',
      explanation:
        'Computed from the histograms kept for every step: fast over any window, and approximate. Each score comes with a bound that holds the exact value; where the bound straddles the threshold the verdict reads "uncertain". Pick "Exact" to read the raw values.',
    };
  if (path === 'mixed')
    return {
      label: 'Streaming and exact',
      explanation:
        'Streaming where the histograms kept for every step decide the verdict (fast, approximate, with a bound that holds the exact value); the raw values of the window for the features where they do not. The detail of each feature says which.',
    };
  if (path === 'exact') return { label: 'Exact', explanation: 'Computed from the raw values in the window, as the offline report (vigil drift) and Evidently compute it.' };
  return null;
}

/** The CLI command that uploads a reference file for this model (the README's exact form). */
export const uploadCommand = (model: string, version: string | null): string => `vigil reference upload --model ${model} --version ${version ?? '<version>'} train.csv`;

// ---------------------------------------------------------------- segments and attribution

export type SegmentSort = 'contribution' | 'traffic' | 'drift';

/** Segment values in the order asked; nulls last, then by traffic, then by value. */
export function sortSegments(values: readonly SegmentDrift[], by: SegmentSort): SegmentDrift[] {
  const key = (v: SegmentDrift): number | null => (by === 'contribution' ? v.contribution : by === 'drift' ? v.drift_share : v.traffic_share);
  return [...values].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return kb - ka;
    }
    return b.traffic_share - a.traffic_share || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  });
}

/** A segment value's contribution to a feature's drift (a drop in the statistic): "+0.12", "−0.03", "0", "—". */
export function formatContribution(c: number | null): string {
  if (c === null || !Number.isFinite(c)) return '—';
  if (c === 0) return '0';
  return `${c > 0 ? '+' : '−'}${formatScore(Math.abs(c))}`;
}

/** "2 of 12" drifted features in a segment, or "no data". */
export const segmentDriftText = (v: Pick<SegmentDrift, 'drifted_features' | 'features_with_data' | 'drift_share'>): string =>
  v.drift_share === null || v.features_with_data === 0 ? 'no data' : `${v.drifted_features} of ${v.features_with_data} (${pct(v.drift_share)})`;

/** The segment filters of a URL (`segment.region=eu`), in a stable order. */
export function segmentFilters(p: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...p.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (k.startsWith('segment.') && k.length > 8 && v) out[k.slice(8)] = v;
  return out;
}

/**
 * The attribution, largest share first: the features with at least `minShare` of it (the first
 * `atLeast` whatever their share), at most `limit`, each with its share of the largest (for its
 * bar); `rest` counts the features left out.
 */
export function attributionRows(rows: DriftReport['attribution'], limit = 8, minShare = 0.02, atLeast = 3): { rows: { feature: string; score: number; share: number; bar: number }[]; rest: number } {
  const sorted = [...rows].filter((r) => Number.isFinite(r.share)).sort((a, b) => b.share - a.share || (a.feature < b.feature ? -1 : 1));
  const shown = sorted.filter((r, i) => i < limit && (i < atLeast || r.share >= minShare));
  const top = shown[0]?.share ?? 0;
  return { rows: shown.map((r) => ({ ...r, bar: top > 0 ? Math.max(0, r.share) / top : 0 })), rest: sorted.length - shown.length };
}
