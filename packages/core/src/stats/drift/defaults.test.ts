import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../errors.ts';
import {
  chooseMethod, datasetDrift, DEFAULT_DRIFT_CONFIG, DriftConfigSchema, inferColumnKind, isDrifted,
  type DriftColumnSummary, type DriftConfigInput,
} from './defaults.ts';

const col = (kind: DriftColumnSummary['kind'], referenceRows: number, distinctValues: number, name = 'f'): DriftColumnSummary =>
  ({ name, kind, referenceRows, currentRows: 50, distinctValues });

// Evidently 0.7 _get_default_stattest, row by row, with its default thresholds.
const DEFAULTS: [string, DriftColumnSummary, string, number][] = [
  ['small numeric, many values', col('numeric', 1000, 6), 'ks', 0.05],
  ['small numeric, 5 values', col('numeric', 1000, 5), 'chisquare', 0.05],
  ['small numeric, 3 values', col('numeric', 20, 3), 'chisquare', 0.05],
  ['small numeric, binary', col('numeric', 500, 2), 'z', 0.05],
  ['small numeric, constant', col('numeric', 500, 1), 'z', 0.05],
  ['small categorical, many values', col('categorical', 1000, 40), 'chisquare', 0.05],
  ['small categorical, binary', col('categorical', 999, 2), 'z', 0.05],
  ['large numeric, many values', col('numeric', 1001, 6), 'wasserstein', 0.1],
  ['large numeric, 5 values', col('numeric', 1001, 5), 'jensenshannon', 0.1],
  ['large numeric, binary', col('numeric', 5000, 2), 'jensenshannon', 0.1],
  ['large categorical, binary', col('categorical', 1001, 2), 'jensenshannon', 0.1],
  ['large categorical, many values', col('categorical', 1_000_000, 300), 'jensenshannon', 0.1],
];

for (const [name, column, method, threshold] of DEFAULTS) {
  test(`Evidently's default method: ${name} → ${method} at ${threshold}`, () => {
    assert.deepEqual(chooseMethod(column), { status: 'ok', method, threshold, score: threshold === 0.05 ? 'p_value' : 'distance', methodFrom: 'default', thresholdFrom: 'default' });
  });
}

// Overrides: feature > kind > model > default, method and threshold resolved apart.
const OVERRIDES: [string, DriftConfigInput, DriftColumnSummary, string, number, string, string][] = [
  ['model method, method default threshold', { method: 'psi' }, col('numeric', 10, 50), 'psi', 0.1, 'model', 'default'],
  ['model threshold only', { threshold: 0.01 }, col('numeric', 10, 50), 'ks', 0.01, 'default', 'model'],
  ['kind beats model', { method: 'psi', numeric: { method: 'hellinger', threshold: 0.2 } }, col('numeric', 10, 50), 'hellinger', 0.2, 'kind', 'kind'],
  ['other kind unaffected', { numeric: { method: 'hellinger' } }, col('categorical', 10, 50), 'chisquare', 0.05, 'default', 'default'],
  ['feature beats kind', { numeric: { method: 'hellinger' }, features: { age: { method: 'psi_quantile' } } }, col('numeric', 10, 50, 'age'), 'psi_quantile', 0.1, 'feature', 'default'],
  ['feature threshold with kind method', { numeric: { method: 'psi', threshold: 0.2 }, features: { age: { threshold: 0.25 } } }, col('numeric', 10, 50, 'age'), 'psi', 0.25, 'kind', 'feature'],
  ['other feature unaffected', { threshold: 0.07, features: { age: { threshold: 0.25 } } }, col('numeric', 10, 50, 'income'), 'ks', 0.07, 'default', 'model'],
  ['cut-offs are settings', { smallReferenceRows: 10_000, lowCardinality: 10 }, col('numeric', 5000, 8), 'chisquare', 0.05, 'default', 'default'],
];

for (const [name, input, column, method, threshold, methodFrom, thresholdFrom] of OVERRIDES) {
  test(`overrides: ${name}`, () => {
    const r = chooseMethod(column, DriftConfigSchema.parse(input));
    assert.ok(r.status === 'ok');
    assert.deepEqual([r.method, r.threshold, r.methodFrom, r.thresholdFrom], [method, threshold, methodFrom, thresholdFrom]);
  });
}

test('an empty sample is no data, whatever the configuration', () => {
  assert.equal(chooseMethod({ ...col('numeric', 0, 0) }).status, 'no_data');
  assert.equal(chooseMethod({ ...col('categorical', 10, 3), currentRows: 0 }, DriftConfigSchema.parse({ method: 'psi' })).status, 'no_data');
});

test('a method that does not fit the column kind is a validation error naming the setting', () => {
  const config = DriftConfigSchema.parse({ features: { city: { method: 'ks' } } });
  assert.throws(() => chooseMethod(col('categorical', 10, 3, 'city'), config),
    (e: unknown) => e instanceof VigilError && e.code === 'validation_failed' && e.details[0]?.field === 'features.city.method');
});

test('the configuration schema fills Evidently\'s preset and rejects nonsense', () => {
  assert.deepEqual(DEFAULT_DRIFT_CONFIG, { driftShare: 0.5, smallReferenceRows: 1000, lowCardinality: 5 });
  for (const bad of [{ method: 'anderson' }, { threshold: 0 }, { driftShare: 1.5 }, { features: { a: { method: 'ks', threshold: 1 } } }, { features: { a: { mthod: 'ks' } } }]) {
    assert.equal(DriftConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

const VERDICTS: [Parameters<typeof isDrifted>, boolean][] = [
  [['ks', 0.05, 0.05], true], // Evidently: p_value <= threshold
  [['chisquare', 0.05, 0.05], false], // p_value < threshold
  [['z', 0.049, 0.05], true],
  [['wasserstein', 0.1, 0.1], true], // score >= threshold
  [['jensenshannon', 0.0999, 0.1], false],
  [['psi', 0.25, 0.1], true],
];
test('verdicts compare as Evidently does, boundary included', () => {
  for (const [args, want] of VERDICTS) assert.equal(isDrifted(...args), want, args.join(' '));
});

test('dataset drift: at least the drift share of the columns with data', () => {
  const v = (name: string, drifted: boolean | null) => (drifted === null ? { name, status: 'no_data' as const } : { name, status: 'ok' as const, drifted });
  assert.deepEqual(datasetDrift([v('a', true), v('b', false)]), { status: 'ok', drifted: true, driftedColumns: 1, columns: 2, share: 0.5, noDataColumns: [] });
  assert.deepEqual(datasetDrift([v('a', true), v('b', false), v('c', false)]), { status: 'ok', drifted: false, driftedColumns: 1, columns: 3, share: 1 / 3, noDataColumns: [] });
  assert.deepEqual(datasetDrift([v('a', true), v('b', null), v('c', false)], 0.5), { status: 'ok', drifted: true, driftedColumns: 1, columns: 2, share: 0.5, noDataColumns: ['b'] });
  assert.deepEqual(datasetDrift([v('a', null)]), { status: 'no_data', noDataColumns: ['a'] });
  assert.deepEqual(datasetDrift([]), { status: 'no_data', noDataColumns: [] });
});

test('column kinds as Evidently 0.7 infers them', () => {
  assert.equal(inferColumnKind({ storage: 'float', distinctValues: 2, nonMissing: 100 }), 'numeric');
  assert.equal(inferColumnKind({ storage: 'integer', distinctValues: 10, nonMissing: 100 }), 'categorical');
  assert.equal(inferColumnKind({ storage: 'integer', distinctValues: 11, nonMissing: 100 }), 'numeric');
  assert.equal(inferColumnKind({ storage: 'string', distinctValues: 50, nonMissing: 100 }), 'categorical');
  assert.equal(inferColumnKind({ storage: 'string', distinctValues: 51, nonMissing: 100 }), 'text');
  assert.equal(inferColumnKind({ storage: 'boolean', distinctValues: 2, nonMissing: 100 }), 'categorical');
});
