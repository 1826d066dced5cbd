import type { ErrorDetail } from '../errors.ts';
import { FEATURE_VIOLATION_KINDS } from '../ingest/types.ts';
import type { FeatureType } from '../schemas/model.ts';
import { isViolationKind } from './kinds.ts';

const HOUR = 3_600_000;
/** Completeness reads the hourly feature rollup: no finer step exists for it. */
export const QUALITY_STEP_MIN_MS = HOUR;
/** Points per series the default step aims at. */
export const QUALITY_TARGET_POINTS = 120;
/** Most points per feature series: a model may have many features, each with its series. */
export const QUALITY_MAX_POINTS = 1000;

/**
 * Share of values present: 1 − nulls / count, or null when nothing was counted ("no data" —
 * never 0, which would read as "everything missing"). Nulls beyond count clamp to 0.
 */
export function completeness(count: number, nulls: number): number | null {
  if (!(count > 0)) return null;
  return Math.max(0, (count - nulls) / count);
}

export interface QualityWindow {
  from: number;
  to: number;
  stepMs: number;
}

/**
 * The grid of a data-quality answer: `from` floored to the step (whole buckets), `to` raised to
 * the hour (the hourly rollup then holds nothing past it). Without a step, about 120 points, in
 * whole hours. Returns the problems, each naming its parameter, when the request cannot be met.
 */
export function resolveQualityWindow(from: number, to: number, stepMs: number | null): QualityWindow | ErrorDetail[] {
  if (from >= to) return [{ field: 'from', message: 'must be before to' }];
  if (stepMs !== null && (stepMs < QUALITY_STEP_MIN_MS || stepMs % QUALITY_STEP_MIN_MS !== 0)) {
    return [{ field: 'step', message: `must be a whole number of hours (a multiple of ${QUALITY_STEP_MIN_MS} ms): completeness comes from hourly rollups` }];
  }
  const step = stepMs ?? Math.max(1, Math.ceil((to - from) / QUALITY_TARGET_POINTS / HOUR)) * HOUR;
  const start = Math.floor(from / step) * step;
  const end = Math.ceil(to / HOUR) * HOUR;
  const points = Math.ceil((end - start) / step);
  if (points > QUALITY_MAX_POINTS) {
    return [{ field: 'step', message: `too fine for the range: at most ${QUALITY_MAX_POINTS} points; use a step of at least ${Math.ceil((end - start) / QUALITY_MAX_POINTS / HOUR)} h (${Math.ceil((end - start) / QUALITY_MAX_POINTS / HOUR) * HOUR} ms)` }];
  }
  return { from: start, to: end, stepMs: step };
}

export interface DeclaredFeature {
  name: string;
  type: FeatureType;
}
/** Per feature and bucket, from the feature rollup (accepted predictions). */
export interface FeatureCountRow {
  bucket: number;
  feature: string;
  count: number;
  nulls: number;
}
/** Per feature, kind and bucket, from the quality counts (whole-record kinds have feature ''). */
export interface QualityCountRow {
  bucket: number;
  feature: string;
  kind: string;
  count: number;
}

export interface FeatureQuality {
  feature: string;
  type: FeatureType;
  count: number;
  nulls: number;
  completeness: number | null;
  /** kind → count, refused records included; only kinds that occurred. */
  violations: Record<string, number>;
  series: { t: number; completeness: number | null; violations: number }[];
}

export interface QualitySummary {
  totals: { refused: number; duplicates: number; violations: number };
  features: FeatureQuality[];
  /** Names sent as features that no schema version declares, with their violation count, most first. */
  unknown_features: { feature: string; count: number }[];
}

export interface QualitySummaryInput {
  /** Bucket starts, ascending. */
  grid: readonly number[];
  /** The current schema's features, in schema order. */
  features: readonly DeclaredFeature[];
  /** Features of earlier schema versions only: listed after the current ones when they have data. */
  retired?: readonly DeclaredFeature[];
  featureRows: readonly FeatureCountRow[];
  qualityRows: readonly QualityCountRow[];
}

interface Acc {
  count: number;
  nulls: number;
  violations: Map<string, number>;
  perBucket: Map<number, { count: number; nulls: number; violations: number }>;
}

const newAcc = (): Acc => ({ count: 0, nulls: 0, violations: new Map(), perBucket: new Map() });
function bucketOf(a: Acc, t: number) {
  let b = a.perBucket.get(t);
  if (!b) a.perBucket.set(t, (b = { count: 0, nulls: 0, violations: 0 }));
  return b;
}

/**
 * Per feature: count, nulls and completeness of accepted predictions, violations by kind (refused
 * records included), and both over the grid; with the window's totals of refused records,
 * duplicates and violations.
 */
export function summarizeQuality(input: QualitySummaryInput): QualitySummary {
  const acc = new Map<string, Acc>();
  const of = (f: string) => {
    let a = acc.get(f);
    if (!a) acc.set(f, (a = newAcc()));
    return a;
  };
  for (const r of input.featureRows) {
    const a = of(r.feature);
    a.count += r.count;
    a.nulls += r.nulls;
    const b = bucketOf(a, r.bucket);
    b.count += r.count;
    b.nulls += r.nulls;
  }
  const totals = { refused: 0, duplicates: 0, violations: 0 };
  for (const r of input.qualityRows) {
    if (r.kind === 'refused') totals.refused += r.count;
    else if (r.kind === 'duplicate') totals.duplicates += r.count;
    else if (isViolationKind(r.kind)) {
      totals.violations += r.count;
      const a = of(r.feature);
      a.violations.set(r.kind, (a.violations.get(r.kind) ?? 0) + r.count);
      bucketOf(a, r.bucket).violations += r.count;
    }
  }

  const listed = new Set<string>();
  const features: FeatureQuality[] = [];
  const emit = (f: DeclaredFeature) => {
    listed.add(f.name);
    const a = acc.get(f.name) ?? newAcc();
    const violations: Record<string, number> = {};
    for (const k of FEATURE_VIOLATION_KINDS) {
      const n = a.violations.get(k) ?? 0;
      if (n > 0) violations[k] = n;
    }
    features.push({
      feature: f.name,
      type: f.type,
      count: a.count,
      nulls: a.nulls,
      completeness: completeness(a.count, a.nulls),
      violations,
      series: input.grid.map((t) => {
        const b = a.perBucket.get(t);
        return { t, completeness: b ? completeness(b.count, b.nulls) : null, violations: b?.violations ?? 0 };
      }),
    });
  };
  for (const f of input.features) if (!listed.has(f.name)) emit(f);
  for (const f of input.retired ?? []) if (!listed.has(f.name) && acc.has(f.name)) emit(f);

  const unknown_features = [...acc.entries()]
    .filter(([name, a]) => !listed.has(name) && a.violations.size > 0)
    .map(([feature, a]) => ({ feature, count: [...a.violations.values()].reduce((x, y) => x + y, 0) }))
    .sort((x, y) => y.count - x.count || (x.feature < y.feature ? -1 : 1));
  return { totals, features, unknown_features };
}
