import type { RecordError, Violation, QualityCount, QualityKind } from '@vigil/core';
import { FEATURE_VIOLATION_KINDS, floorTo } from '@vigil/core';

const MAX_REASONS = 100;

/** all: every record stored or already present; partial: some refused; none: all refused; unknown_model: all refused for naming no registered model. */
export type IngestOutcome = 'all' | 'partial' | 'none' | 'unknown_model';

export interface IngestResult {
  outcome: IngestOutcome;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: RecordError[];
  errors_truncated: boolean;
}

/** Gathers refusals while a batch is checked; reports at most `max` records in detail. */
export class Refusals {
  readonly errors: RecordError[] = [];
  count = 0;
  unknownModel = 0;
  private readonly quality = new Map<string, QualityCount>();

  constructor(private readonly max: number) {}

  add(index: number, rec: unknown, all: Violation[]): void {
    this.count++;
    // one record with a million unknown fields must not make a million-line answer
    const reasons = all.length <= MAX_REASONS ? all : [...all.slice(0, MAX_REASONS), { field: '(record)', kind: 'invalid_field' as const, expected: `at most ${MAX_REASONS} reasons are listed`, got: `${all.length - MAX_REASONS} more` }];
    if (reasons.length === 1 && reasons[0]?.kind === 'unknown_model') this.unknownModel++;
    if (this.errors.length < this.max) {
      const id = rec !== null && typeof rec === 'object' ? (rec as Record<string, unknown>).id ?? (rec as Record<string, unknown>).prediction_id : undefined;
      this.errors.push({ index, id: typeof id === 'string' ? id : null, reasons });
    }
  }

  /** Counts one refused record of a registered model, and its feature-level violations, as data-quality facts for the model and minute. */
  countQuality(model: string, ts: number, reasons: Violation[]): void {
    const minute = floorTo(ts, 60_000);
    this.bump(model, minute, '', 'refused', 1);
    for (const r of reasons) {
      if (!FEATURE_VIOLATION_KINDS.includes(r.kind)) continue;
      const feature = r.field.startsWith('features.') ? r.field.slice(9) : r.field;
      this.bump(model, minute, feature, r.kind, 1);
    }
  }

  /** Counts predictions received again (same model and id) in the minute they arrived. */
  countDuplicates(model: string, now: number, n: number): void {
    const d = duplicatesCount(model, now, n);
    this.bump(d.model, d.minute, d.feature, d.kind, d.count);
  }

  private bump(model: string, minute: number, feature: string, kind: QualityKind, n: number): void {
    const k = `${model}\u0000${minute}\u0000${feature}\u0000${kind}`;
    const q = this.quality.get(k);
    if (q) q.count += n;
    else this.quality.set(k, { model, minute, feature, kind, count: n });
  }

  qualityCounts(): QualityCount[] {
    return [...this.quality.values()];
  }

  result(total: number, accepted: number, duplicates: number): IngestResult {
    const outcome: IngestOutcome =
      this.count === 0 ? 'all' : this.count < total ? 'partial' : this.unknownModel === this.count ? 'unknown_model' : 'none';
    return { outcome, accepted, duplicates, rejected: this.count, errors: this.errors, errors_truncated: this.errors.length < this.count };
  }
}

export const unknownModel = (model: unknown): Violation => ({
  field: 'model',
  kind: 'unknown_model',
  expected: 'the id of a registered model (create it with POST /api/v1/models)',
  got: typeof model === 'string' ? `"${model}"` : String(model),
});

/** The quality count of `n` predictions of a model received again, in the minute they arrived. */
export const duplicatesCount = (model: string, now: number, n: number): QualityCount => ({ model, minute: floorTo(now, 60_000), feature: '', kind: 'duplicate', count: n });
