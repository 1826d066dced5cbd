import { FEATURE_VIOLATION_KINDS, type QualityKind, type ViolationKind } from '../ingest/types.ts';
import type { GroupedRow } from '../query/series.ts';

/** A feature violation kind, as opposed to a whole-record fact (refused, duplicate). */
export const isViolationKind = (kind: string): kind is ViolationKind => (FEATURE_VIOLATION_KINDS as readonly string[]).includes(kind);

/** Catalogue metrics that read one whole-record kind of the quality counts. */
export const RECORD_KIND_OF_METRIC: Readonly<Record<string, QualityKind>> = { 'quality.duplicates': 'duplicate', 'quality.refused': 'refused' };

interface CountRowLike extends GroupedRow {
  count: number;
}

/**
 * The quality counts share one table; `quality.violations` must count only feature violations.
 * `rows` are grouped by `groupBy` plus `kind`: rows of other kinds are dropped, and the kind key is
 * summed away again when the caller did not ask to group by it.
 */
export function violationRows<R extends CountRowLike>(rows: readonly R[], groupBy: readonly string[]): CountRowLike[] {
  const out = new Map<string, CountRowLike>();
  for (const r of rows) {
    if (!isViolationKind(r.group.kind ?? '')) continue;
    const group: Record<string, string> = {};
    for (const g of groupBy) group[g] = r.group[g] ?? '';
    const k = `${JSON.stringify(group)}|${r.bucket}`;
    const o = out.get(k);
    if (o) o.count += r.count;
    else out.set(k, { group, bucket: r.bucket, count: r.count });
  }
  return [...out.values()];
}
