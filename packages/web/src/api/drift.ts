// Drift of a model's inputs against a reference profile, the segment drill-down, and the reference
// profiles themselves. The types repeat the server's answers (the web app imports no @vigil/*).
import { api, withParams } from './client.ts';

export type DriftPath = 'streaming' | 'exact';
/** Which path answered the whole report: `mixed` when some features needed the raw values. */
export type ReportPath = DriftPath | 'mixed';
/** What the caller asks for: `auto` lets the server pick (streaming when it can). */
export type DriftPathChoice = 'auto' | DriftPath;

export interface ReferenceProfile {
  model?: string;
  version: string;
  /** `file`: an uploaded training / validation file; `window`: a production window. */
  source: 'file' | 'window';
  rows: number;
  created_at: string;
  description: string;
  created_by?: string | null;
}

export interface SampleCounts {
  used: number;
  missing: number;
  infinite: number;
}

export type FeatureDistribution =
  /** Proportions per bin; `edges` has one more entry than the arrays. */
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };

export interface DriftSeriesPoint {
  t: number;
  statistic: number | null;
  drifted: boolean | null;
}

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  status: 'ok' | 'no_data';
  reason: string | null;
  /** Which path answered this feature; null without data. */
  path?: DriftPath | null;
  /** null without data. */
  method: string | null;
  /** 'Infinity' where JSON cannot carry it (PSI with an empty bin). */
  statistic: number | 'Infinity' | '-Infinity' | null;
  pvalue: number | null;
  threshold: number | null;
  /** null when there is no data, or when the streaming bound straddles the threshold. */
  drifted: boolean | null;
  /** Streaming path: the exact statistic lies within; null on the exact path. */
  bound: { lower: number; upper: number } | null;
  calibrated: { threshold: number; false_alarm_rate: number; default_false_alarm_rate: number } | null;
  reference: SampleCounts;
  current: SampleCounts;
  /** null when there is nothing to draw (no data, or histograms kept for another reference). */
  distribution: FeatureDistribution | null;
  unseen_categories: { value: string; count: number }[];
  /** The drift score per step (the p-value for the tests), for the sparkline. */
  series: DriftSeriesPoint[];
}

export interface Multivariate {
  /** Mean PCA reconstruction error of the window's rows (standardised units). */
  error: number | null;
  /** The band the reference expects the error in; no lower edge: only an upper one. */
  lower: number | null;
  upper: number;
  alert: boolean | null;
  /** Rows read; `sampled` when the window had more than the check reads and a uniform sample was taken. */
  rows?: number;
  sampled?: boolean;
  series: { t: number; error: number | null }[];
}

export interface DriftReport {
  model: string;
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  reference: ReferenceProfile | null;
  status: 'ok' | 'no_reference' | 'no_data';
  /** What to do next when status is not ok. */
  message: string | null;
  path: ReportPath | null;
  step_ms: number;
  dataset: { drifted_features: number; features_with_data: number; share: number | null; drift: boolean | null; threshold: number };
  features: FeatureDrift[];
  multivariate: Multivariate | null;
  /** Features ranked by their contribution to the drift. */
  attribution: { feature: string; score: number; share: number }[];
}

export interface SegmentDrift {
  value: string;
  count: number;
  traffic_share: number;
  drifted_features: number;
  features_with_data: number;
  drift_share: number | null;
  /** The selected feature's statistic in this segment (the test statistic, not the p-value; null without a feature). */
  statistic: number | null;
  drifted: boolean | null;
  /** How much the feature's statistic over the whole window drops when this value's traffic is left out. */
  contribution: number | null;
}

export interface SegmentDriftAnswer {
  model: string;
  segment: string;
  feature: string | null;
  window?: { from: number; to: number };
  /** The version whose reference answered; null without one. */
  reference?: string | null;
  values: SegmentDrift[];
}

/** The window a drift query compares; `from` / `to` as the URL carries them (`now-6h`, RFC 3339, epoch ms). */
export interface DriftQuery {
  from: string;
  to: string;
  version?: string | null;
  /** The reference version; the server's default (the version in the window) when absent. */
  reference?: string | null;
  path?: DriftPathChoice;
  /** A step for the sparklines, e.g. `5m`, or ms. */
  step?: string | number;
  /** Narrows the window to one value per segment (`segment.region=eu`). */
  segments?: Record<string, string>;
}

const model = (id: string) => `/api/v1/models/${encodeURIComponent(id)}`;
const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

export function getDrift(id: string, q: DriftQuery, signal?: AbortSignal): Promise<DriftReport> {
  const params: Record<string, string | number | null | undefined> = { from: q.from, to: q.to, version: q.version, reference: q.reference, path: q.path, step: q.step };
  for (const [k, v] of Object.entries(q.segments ?? {})) params[`segment.${k}`] = v;
  return api<DriftReport>('GET', withParams(`${model(id)}/drift`, params), undefined, sig(signal));
}

export function getDriftSegments(id: string, q: DriftQuery & { segment: string; feature?: string | null }, signal?: AbortSignal): Promise<SegmentDriftAnswer> {
  const params = { segment: q.segment, feature: q.feature, from: q.from, to: q.to, version: q.version, reference: q.reference };
  return api<SegmentDriftAnswer>('GET', withParams(`${model(id)}/drift/segments`, params), undefined, sig(signal));
}

export const listReferences = (id: string, signal?: AbortSignal) =>
  api<{ references: ReferenceProfile[] }>('GET', `${model(id)}/references`, undefined, sig(signal)).then((r) => r.references);

/** Builds a version's reference profile from a production window (editors); `version` narrows the window's traffic. */
export const createWindowReference = (id: string, version: string, body: { from: number; to: number; version?: string }) =>
  api<ReferenceProfile>('POST', `${model(id)}/versions/${encodeURIComponent(version)}/reference/window`, body);
