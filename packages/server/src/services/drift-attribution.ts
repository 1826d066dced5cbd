import { DRIFT_METHOD_SPECS } from '@vigil/core';
import type { FeatureDrift } from './get-drift.ts';

export interface Attribution { feature: string; score: number; share: number }

/**
 * Features ranked by how far past (or short of) their threshold they are: distance / threshold,
 * or for p-values log(p) / log(threshold) — both 1 at the threshold, growing with the evidence.
 */
export function rankFeatures(features: readonly FeatureDrift[]): Attribution[] {
  const scored = features.flatMap((f) => {
    if (f.status !== 'ok' || f.method === null || f.threshold === null || f.statistic === null) return [];
    const spec = DRIFT_METHOD_SPECS[f.method];
    const stat = f.statistic === 'Infinity' ? Infinity : f.statistic === '-Infinity' ? 0 : f.statistic;
    const score = spec.score === 'p_value'
      ? (f.pvalue === null ? 0 : f.pvalue <= 0 ? 1000 : Math.log(f.pvalue) / Math.log(f.threshold))
      : Math.min(stat / f.threshold, 1000);
    return Number.isFinite(score) && score > 0 ? [{ feature: f.feature, score }] : [];
  });
  const sum = scored.reduce((a, s) => a + s.score, 0);
  return scored.map((s) => ({ ...s, share: sum > 0 ? s.score / sum : 0 })).sort((a, b) => b.score - a.score);
}
