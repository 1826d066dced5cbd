// Performance statistics: realized metrics from predictions joined with labels (checked against
// scikit-learn by fixtures from scripts/perf-fixtures/), and label-free estimation.
// One export line per module, so that parallel additions merge cleanly.
export * from './metric-value.ts';
export * from './confusion.ts';
export * from './classification.ts';
export * from './log-loss.ts';
export * from './ranking.ts';
export * from './score-histogram.ts';
export * from './calibration.ts';
export * from './regression.ts';
export * from './residuals.ts';
export * from './isotonic.ts';
export * from './cbpe.ts';
export * from './cbpe-multiclass.ts';
export * from './concept-drift.ts';
export * from './baseline.ts';
