// Drift statistics. One export line per module, so that parallel additions merge cleanly.
// Exact tests (checked against scipy by fixtures from scripts/drift-fixtures/tests.py):
export * from './ks.ts';
export * from './kolmogorov.ts';
export * from './smirnov.ts';
export * from './chi-square.ts';
export * from './z-test.ts';
export * from './binning.ts';
export * from './distances.ts';
export * from './defaults.ts';
export * from './profile.ts';
export * from './streaming.ts';
export * from './score.ts';
export * from './radix-sort.ts';
export * from './sorted-stats.ts';
export * from './overlay.ts';
export * from './random.ts';
export * from './calibrate.ts';
export * from './multivariate.ts';
export * from './attribution.ts';
export * from './sorted-sample.ts';
