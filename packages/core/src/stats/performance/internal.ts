// Helpers the metric modules share; not exported from the package.
import { VigilError } from '../../errors.ts';
import type { UndefinedReason } from './metric-value.ts';

export const ok = (value: number): { status: 'ok'; value: number } => ({ status: 'ok', value });
export const NO_DATA = { status: 'no_data' } as const;
export const undefinedMetric = (reason: UndefinedReason, message: string) => ({ status: 'undefined' as const, reason, message });

export const invalid = (field: string, message: string) =>
  new VigilError('validation_failed', `performance: ${message}`, { details: [{ field, message }] });

export function sameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, fields: string) {
  if (a.length !== b.length) throw invalid(fields, `${fields} differ in length (${a.length} and ${b.length})`);
}

export function finite(x: number, field: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid(field, `${field} must be a finite number, got ${String(x)}`);
  return x;
}

/** A count in a stored state: a non-negative integer. */
export function count(x: number, field: string): number {
  if (!Number.isSafeInteger(x) || x < 0) throw invalid(field, `${field} must be a non-negative integer, got ${String(x)}`);
  return x;
}

/**
 * Neumaier's compensated sum (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
 * Summation endlicher Summen"): the error stays ~1 ulp of the result whatever the row count,
 * where numpy's pairwise sum that sklearn uses errs by O(log n) ulps and a plain loop by O(n).
 */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  constructor(start = 0) { this.s = start; }
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? (this.s - t) + x : (x - t) + this.s;
    this.s = t;
  }
  get value(): number { return this.s + this.c; }
}

/** Float64 machine epsilon, numpy.finfo(numpy.float64).eps. */
export const FLOAT64_EPS = Number.EPSILON;
