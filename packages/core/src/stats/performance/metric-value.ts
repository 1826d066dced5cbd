// What a realized performance metric answers. A metric over a window is a number, or no data
// (no labelled rows), or undefined with the reason scikit-learn would raise or warn for — never a
// made-up number standing in for one. Bad input (non-finite numbers, mismatched lengths) is a
// VigilError('validation_failed') instead.

/** Why a metric has no value on a window that does have labelled rows. */
export type UndefinedReason =
  /** ROC AUC needs both classes among the labels (sklearn raises "Only one class present"). */
  | 'single_class'
  /** Average precision needs a positive label (sklearn warns and returns 0). */
  | 'no_positive_labels'
  /** One-vs-rest averages need every class among the labels (sklearn raises, see ranking.ts). */
  | 'class_absent'
  /** Multiclass ROC AUC needs rows of probabilities summing to 1 (sklearn raises). */
  | 'scores_not_probabilities'
  /** R² needs two rows (sklearn warns and returns NaN). */
  | 'fewer_than_two_samples';

export type MetricValue =
  | { status: 'ok'; value: number }
  /** No labelled rows in the window. */
  | { status: 'no_data' }
  | { status: 'undefined'; reason: UndefinedReason; message: string };

/** A value from mergeable histograms: the exact value (from raw rows) lies in [lower, upper]. */
export type ApproximateValue =
  | { status: 'ok'; value: number; lower: number; upper: number }
  | { status: 'no_data' }
  | { status: 'undefined'; reason: UndefinedReason; message: string };

/**
 * numpy's order for str arrays (which sklearn's unique_labels uses): by Unicode code point.
 * JavaScript's `<` compares UTF-16 code units, which differs for characters above U+FFFF.
 */
export function compareLabels(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number, y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
