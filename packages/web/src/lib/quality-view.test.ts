import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureQuality, PipelineCheck, QualityPipelineRun } from '../api/quality.ts';
import { checksSummary, checkValue, completenessText, featureRows, runTone, shareTone, sortChecks, sortRuns, totalTiles, violationKinds, violationLabel } from './quality-view.ts';

const feature = (name: string, completeness: number | null, violations: Record<string, number> = {}): FeatureQuality => ({
  feature: name,
  type: 'numeric',
  count: 100,
  nulls: completeness === null ? 0 : Math.round((1 - completeness) * 100),
  completeness,
  violations,
  series: [
    { t: 2, completeness, violations: 0 },
    { t: 1, completeness: null, violations: 0 },
  ],
});

const run = (id: string, over: Partial<QualityPipelineRun> = {}): QualityPipelineRun => ({
  pipeline: 'features',
  run_id: id,
  stage: 'load',
  status: 'succeeded',
  started_at: 0,
  ended_at: 1,
  rows_in: 10,
  rows_out: 10,
  checks: [],
  failed_checks: 0,
  ...over,
});
const check = (name: string, status: PipelineCheck['status']): PipelineCheck => ({ name, status, value: null, expected: null, message: null });

test('share tones follow the health bands: over 1 % a warning, over 5 % a problem', () => {
  const cases: [number, number, string][] = [
    [0, 100, 'healthy'],
    [1, 100, 'healthy'],
    [2, 100, 'warning'],
    [6, 100, 'problem'],
    [0, 0, 'no_data'],
    [3, 0, 'warning'],
  ];
  for (const [part, whole, want] of cases) assert.equal(shareTone(part, whole), want, `${part}/${whole}`);
});

test('totals: figures, their context and tone', () => {
  const tiles = totalTiles({ predictions: 9_800, refused: 200, duplicates: 0, violations: 600 });
  assert.deepEqual(
    tiles.map((t) => [t.id, t.value, t.note, t.tone]),
    [
      ['predictions', '9.8k', 'accepted in the window', 'healthy'],
      ['refused', '200', '2 % of sent', 'warning'],
      ['duplicates', '0', 'no id sent twice', 'healthy'],
      ['violations', '600', '6.1 % of predictions', 'problem'],
    ],
  );
  const empty = totalTiles({ predictions: 0, refused: 0, duplicates: 0, violations: 0 });
  assert.deepEqual(empty.map((t) => t.tone), ['no_data', 'no_data', 'no_data', 'no_data']);
  assert.equal(empty[3]?.note, 'no predictions');
});

test('completeness never rounds up to 100 % while a value is missing', () => {
  const cases: [number | null, string][] = [
    [1, '100 %'],
    [0.99996, '99.99 %'],
    [0.987, '98.7 %'],
    [0.05, '5 %'],
    [0.0123, '1.2 %'],
    [null, '—'],
  ];
  for (const [c, want] of cases) assert.equal(completenessText(c), want, String(c));
});

test('feature rows: violations first, then the least complete; sparkline in time order with gaps', () => {
  const rows = featureRows([feature('full', 1), feature('holey', 0.8), feature('bad', 0.99, { out_of_range: 3, wrong_type: 1 }), feature('unknown', null), feature('worse', 1, { unseen_category: 10 })]);
  assert.deepEqual(rows.map((r) => r.feature), ['worse', 'bad', 'holey', 'full', 'unknown']);
  assert.equal(rows[1]?.violationsTotal, 4);
  assert.deepEqual(rows[2]?.spark, [[1, null], [2, 0.8]]);
  assert.deepEqual(violationKinds([{ violations: { zeta: 1, out_of_range: 2, wrong_type: 0 } }, { violations: { unseen_category: 1, wrong_type: 3 } }]), ['wrong_type', 'out_of_range', 'unseen_category', 'zeta']);
  assert.deepEqual(['out_of_range', 'nan_or_infinity', 'some_new_kind'].map(violationLabel), ['out of range', 'NaN or ∞', 'some new kind']);
});

test('runs: failed checks first, then failed runs, warnings, the rest newest first', () => {
  const runs = [
    run('ok-old', { started_at: 1 }),
    run('warn', { checks: [check('rows', 'warning')] }),
    run('two-failed', { failed_checks: 2, checks: [check('a', 'failed'), check('b', 'failed')] }),
    run('ok-new', { started_at: 5 }),
    run('crashed', { status: 'failed' }),
    run('one-failed', { failed_checks: 1, checks: [check('a', 'failed')] }),
  ];
  assert.deepEqual(sortRuns(runs).map((r) => r.run_id), ['two-failed', 'one-failed', 'crashed', 'warn', 'ok-new', 'ok-old']);
  assert.deepEqual(runs.map(runTone), ['healthy', 'warning', 'problem', 'healthy', 'problem', 'problem']);
  assert.equal(runTone(run('r', { status: 'running' })), 'no_data');
});

test('checks: failed, warning, passed; summarised in words', () => {
  const checks = [check('z', 'passed'), check('b', 'warning'), check('c', 'failed'), check('a', 'passed'), check('a', 'failed')];
  assert.deepEqual(sortChecks(checks).map((c) => `${c.status}:${c.name}`), ['failed:a', 'failed:c', 'warning:b', 'passed:a', 'passed:z']);
  assert.equal(checksSummary({ checks, failed_checks: 2 }), '2 failed · 1 warning · 2 passed');
  assert.equal(checksSummary({ checks: [], failed_checks: 0 }), 'no checks reported');
  assert.equal(checksSummary({ checks: [], failed_checks: 3 }), '3 failed');
  assert.deepEqual([checkValue(null), checkValue(0.123456), checkValue(12_345), checkValue('int64')], ['—', '0.1235', '12.3k', 'int64']);
});
