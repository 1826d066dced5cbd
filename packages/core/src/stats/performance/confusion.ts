// Confusion counts: the mergeable state of every label-based classification metric (accuracy,
// precision, recall, F-scores, the confusion matrix). One state per time bucket; a window's state
// is the sum of its buckets' (mergeConfusion), so these metrics are exact over any window.
// Labels are strings, as ingest stores them (a prediction's `prediction`, a label's `label`), and
// are kept in numpy's sorted order, which is the order sklearn.metrics.confusion_matrix uses.
import { count, invalid, NO_DATA, ok, sameLength } from './internal.ts';
import { compareLabels, type MetricValue } from './metric-value.ts';

export interface ConfusionState {
  /** Every label seen as a truth or as a prediction, sorted by code point (numpy's order). */
  labels: string[];
  /** matrix[i][j]: rows whose true label is labels[i] and whose predicted label is labels[j]. */
  matrix: number[][];
}

/** One cell of a confusion table, as a GROUP BY (label, prediction) returns it. */
export interface ConfusionCell { truth: string; predicted: string; count: number }

export const emptyConfusion = (): ConfusionState => ({ labels: [], matrix: [] });

function fromCounts(counts: Map<string, Map<string, number>>, seen: Set<string>): ConfusionState {
  const labels = [...seen].sort(compareLabels);
  const matrix = labels.map((t) => labels.map((p) => counts.get(t)?.get(p) ?? 0));
  return { labels, matrix };
}

function addCell(counts: Map<string, Map<string, number>>, seen: Set<string>, truth: string, predicted: string, n: number) {
  if (typeof truth !== 'string' || typeof predicted !== 'string') throw invalid('labels', 'labels and predictions must be strings');
  if (n === 0) return;
  let row = counts.get(truth);
  if (!row) counts.set(truth, (row = new Map()));
  row.set(predicted, (row.get(predicted) ?? 0) + n);
  seen.add(truth);
  seen.add(predicted);
}

/** The confusion counts of paired true and predicted labels. */
export function confusionFromLabels(truth: ArrayLike<string>, predicted: ArrayLike<string>): ConfusionState {
  sameLength(truth, predicted, 'truth and predicted');
  const counts = new Map<string, Map<string, number>>(), seen = new Set<string>();
  for (let i = 0; i < truth.length; i++) addCell(counts, seen, truth[i] as string, predicted[i] as string, 1);
  return fromCounts(counts, seen);
}

/** The confusion counts from cells (repeated pairs add up); cells with a count of 0 add nothing. */
export function confusionFromCells(cells: Iterable<ConfusionCell>): ConfusionState {
  const counts = new Map<string, Map<string, number>>(), seen = new Set<string>();
  for (const c of cells) addCell(counts, seen, c.truth, c.predicted, count(c.count, 'count'));
  return fromCounts(counts, seen);
}

/** The non-zero cells of a state: what a rollup stores. */
export function confusionCells(state: ConfusionState): ConfusionCell[] {
  const out: ConfusionCell[] = [];
  state.labels.forEach((t, i) => state.labels.forEach((p, j) => {
    const n = state.matrix[i]?.[j] ?? 0;
    if (n > 0) out.push({ truth: t, predicted: p, count: n });
  }));
  return out;
}

/** The state of the union of the windows: counts add. */
export function mergeConfusion(...states: ConfusionState[]): ConfusionState {
  return confusionFromCells(states.flatMap(confusionCells));
}

export const confusionTotal = (state: ConfusionState): number =>
  state.matrix.reduce((s, row) => row.reduce((a, b) => a + b, s), 0);

/** Labels with a true or a predicted row: sklearn's unique_labels(y_true, y_pred). */
export function presentLabels(state: ConfusionState): string[] {
  return state.labels.filter((_, i) => (state.matrix[i] ?? []).some((n) => n > 0) || state.matrix.some((row) => (row[i] ?? 0) > 0));
}

/** Per label of `labels`: true positives, predicted count (column sum), true count (row sum). */
export function labelSums(state: ConfusionState, labels: readonly string[]) {
  const index = new Map(state.labels.map((l, i) => [l, i]));
  const tp: number[] = [], predicted: number[] = [], actual: number[] = [];
  for (const l of labels) {
    const i = index.get(l);
    if (i === undefined) { tp.push(0); predicted.push(0); actual.push(0); continue; }
    tp.push(state.matrix[i]?.[i] ?? 0);
    predicted.push(state.matrix.reduce((s, row) => s + (row[i] ?? 0), 0));
    actual.push((state.matrix[i] ?? []).reduce((a, b) => a + b, 0));
  }
  return { tp, predicted, actual };
}

/**
 * sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels): rows true, columns predicted.
 * Default labels: those present in the window, sorted, as sklearn; pass the model's classes to
 * show absent ones as zero rows and columns. Labels outside `labels` are left out, as in sklearn.
 */
export function confusionMatrix(state: ConfusionState, labels?: readonly string[]): { labels: string[]; matrix: number[][] } {
  const use = labels ? [...labels] : presentLabels(state);
  if (new Set(use).size !== use.length) throw invalid('labels', 'labels must be distinct');
  const index = new Map(state.labels.map((l, i) => [l, i]));
  return {
    labels: use,
    matrix: use.map((t) => use.map((p) => {
      const i = index.get(t), j = index.get(p);
      return i === undefined || j === undefined ? 0 : state.matrix[i]?.[j] ?? 0;
    })),
  };
}

/** sklearn.metrics.accuracy_score: the share of rows whose prediction equals the label. */
export function accuracy(state: ConfusionState): MetricValue {
  const n = confusionTotal(state);
  if (n === 0) return NO_DATA;
  let hits = 0;
  state.labels.forEach((_, i) => { hits += state.matrix[i]?.[i] ?? 0; });
  return ok(hits / n);
}
