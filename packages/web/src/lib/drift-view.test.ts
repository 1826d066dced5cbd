import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureDrift, SegmentDrift } from '../api/drift.ts';
import {
  attributionRows,
  calibrationNote,
  datasetVerdict,
  excludedCount,
  formatContribution,
  excludedText,
  featureVerdict,
  filterFeatures,
  formatBound,
  formatScore,
  formatStatistic,
  formatThreshold,
  methodLabel,
  pathInfo,
  referenceSummary,
  segmentDriftText,
  segmentFilters,
  severity,
  sortFeatures,
  sortSegments,
  uploadCommand,
} from './drift-view.ts';

/** A feature with defaults a test overrides. */
function f(over: Partial<FeatureDrift> & { feature: string }): FeatureDrift {
  return {
    kind: 'numeric',
    status: 'ok',
    reason: null,
    method: 'wasserstein',
    statistic: 0.05,
    pvalue: null,
    threshold: 0.1,
    drifted: false,
    bound: null,
    calibrated: null,
    reference: { used: 1000, missing: 0, infinite: 0 },
    current: { used: 500, missing: 0, infinite: 0 },
    distribution: { kind: 'numeric', edges: [0, 1], reference: [1], current: [1] },
    unseen_categories: [],
    series: [],
    ...over,
  };
}

test('scores: two significant digits, no exponent down to 0.0001', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [0.2134, '0.21'],
    [0.003, '0.003'],
    [0.00314, '0.0031'],
    [0.00001234, '1.2e-5'],
    [1.5, '1.5'],
    [123.4, '123'],
    [Infinity, '∞'],
    [NaN, '—'],
  ];
  for (const [v, want] of cases) assert.equal(formatScore(v), want, String(v));
});

test('a statistic reads in the words of its method', () => {
  const cases: [Partial<FeatureDrift>, string][] = [
    [{ method: 'ks', statistic: 0.31, pvalue: 0.003 }, 'p = 0.003 (KS)'],
    [{ method: 'chisquare', statistic: 40, pvalue: 0.00000012 }, 'p < 0.0001 (chi-square)'],
    [{ method: 'z', statistic: 2.1, pvalue: 0.035 }, 'p = 0.035 (z-test)'],
    [{ method: 'wasserstein', statistic: 0.2134 }, '0.21 (Wasserstein, normed)'],
    [{ method: 'jensenshannon', statistic: 0.12 }, '0.12 (Jensen-Shannon)'],
    [{ method: 'psi', statistic: 'Infinity' }, '∞ (PSI)'],
    [{ method: 'wasserstein', statistic: '-Infinity' }, '-∞ (Wasserstein, normed)'],
    [{ method: 'hellinger', statistic: null }, '—'],
    [{ method: 'ks', statistic: 0.3, pvalue: null }, '—'],
    [{ method: 'wasserstein', statistic: 0.3, status: 'no_data' }, '—'],
    [{ method: 'energy_distance', statistic: 0.5 }, '0.5 (energy distance)'],
  ];
  for (const [over, want] of cases) assert.equal(formatStatistic(f({ feature: 'x', ...over })), want, JSON.stringify(over));
  assert.equal(methodLabel('psi_quantile'), 'PSI, quantile bins');
  assert.equal(formatStatistic(f({ feature: 'x', method: 'ks', pvalue: 0.003 }), false), 'p = 0.003');
  assert.equal(formatStatistic(f({ feature: 'x', statistic: 0.2134 }), false), '0.21');
});

test('thresholds read as the rule the verdict applies', () => {
  assert.equal(formatThreshold({ method: 'ks', threshold: 0.05 }), 'p ≤ 0.05');
  assert.equal(formatThreshold({ method: 'chisquare', threshold: 0.05 }), 'p < 0.05');
  assert.equal(formatThreshold({ method: 'wasserstein', threshold: 0.1 }), '≥ 0.1');
  assert.equal(formatThreshold({ method: null, threshold: null }), '—', 'no data: no method, no threshold');
  assert.equal(methodLabel(null), '—');
});

test('a streaming bound reads as a range; none on the exact path', () => {
  assert.equal(formatBound({ method: 'wasserstein', bound: { lower: 0.08, upper: 0.12 } }), '0.08–0.12 (streaming)');
  assert.equal(formatBound({ method: 'ks', bound: { lower: 0.03, upper: 0.071 } }), 'p 0.03–0.071 (streaming)');
  assert.equal(formatBound({ method: 'wasserstein', bound: null }), null);
});

test('verdicts: colour class and words, uncertain when a bound straddles the threshold', () => {
  const cases: [Partial<FeatureDrift>, string, string, RegExp][] = [
    [{ drifted: true, statistic: 0.3 }, 'drifted', 'problem', /0\.3 \(Wasserstein, normed\) meets the drift threshold ≥ 0\.1/],
    [{ drifted: false }, 'no drift', 'healthy', /short of the drift threshold/],
    [{ drifted: null, bound: { lower: 0.08, upper: 0.12 } }, 'uncertain', 'warning', /0\.08–0\.12 \(streaming\) straddles the threshold ≥ 0\.1; the exact path decides/],
    [{ drifted: null }, 'uncertain', 'warning', /No verdict for the threshold/],
    [{ drifted: null, reason: 'the live histograms follow another reference' }, 'uncertain', 'warning', /^No verdict: the live histograms follow another reference\.$/],
    [{ status: 'no_data', drifted: null, reason: 'column amount has no values in the current window' }, 'no data', 'no_data', /no values in the current window/],
    [{ status: 'no_data', drifted: null }, 'no data', 'no_data', /No values to compare/],
  ];
  for (const [over, text, tone, detail] of cases) {
    const v = featureVerdict(f({ feature: 'x', ...over }));
    assert.equal(v.text, text, JSON.stringify(over));
    assert.equal(v.tone, tone, JSON.stringify(over));
    assert.match(v.detail, detail);
  }
});

test('severity: how far past the threshold, comparable across methods', () => {
  assert.equal(severity(f({ feature: 'a', statistic: 0.2, threshold: 0.1 })), 2);
  assert.equal(severity(f({ feature: 'a', method: 'ks', pvalue: 0.01, threshold: 0.05 })), 5);
  assert.equal(severity(f({ feature: 'a', method: 'ks', pvalue: 0, threshold: 0.05 })), Infinity);
  assert.equal(severity(f({ feature: 'a', statistic: 'Infinity' })), Infinity);
  assert.equal(severity(f({ feature: 'a', statistic: null })), -1);
  assert.equal(severity(f({ feature: 'a', status: 'no_data' })), -1);
  assert.equal(severity(f({ feature: 'a', threshold: null })), -1);
});

test('the table: drifted first, then uncertain, stable, no data; furthest past the threshold first', () => {
  const rows = [
    f({ feature: 'quiet', statistic: 0.01 }),
    f({ feature: 'empty', status: 'no_data', drifted: null, statistic: null }),
    f({ feature: 'mild', statistic: 0.12, drifted: true }),
    f({ feature: 'borderline', statistic: 0.1, drifted: null, bound: { lower: 0.08, upper: 0.12 } }),
    f({ feature: 'strong', method: 'ks', pvalue: 0.0001, drifted: true, threshold: 0.05 }),
    f({ feature: 'calm', statistic: 0.06 }),
  ];
  assert.deepEqual(sortFeatures(rows).map((r) => r.feature), ['strong', 'mild', 'borderline', 'calm', 'quiet', 'empty']);
  assert.deepEqual(filterFeatures(rows, '', 'attention').map((r) => r.feature), ['mild', 'borderline', 'strong']);
  assert.deepEqual(filterFeatures(rows, ' AL ', 'all').map((r) => r.feature), ['calm']);
});

test('the dataset verdict says how many features drifted against the share that makes drift', () => {
  const cases: [Parameters<typeof datasetVerdict>[0], string, string, RegExp][] = [
    [{ drifted_features: 3, features_with_data: 12, share: 0.25, drift: false, threshold: 0.5 }, 'No dataset drift', 'healthy', /^3 of 12 features drifted \(25 %\); the dataset drifts when 50 % of its features do\.$/],
    [{ drifted_features: 7, features_with_data: 12, share: 7 / 12, drift: true, threshold: 0.5 }, 'Dataset drift', 'problem', /7 of 12 features drifted \(58 %\)/],
    [{ drifted_features: 1, features_with_data: 1, share: 1, drift: null, threshold: 0.5 }, 'Dataset drift uncertain', 'warning', /1 of 1 feature drifted \(100 %\).*exact path decides/],
    [{ drifted_features: 0, features_with_data: 0, share: null, drift: null, threshold: 0.5 }, 'No data', 'no_data', /No feature has values/],
  ];
  for (const [d, title, tone, text] of cases) {
    const v = datasetVerdict(d);
    assert.equal(v.title, title);
    assert.equal(v.tone, tone);
    assert.match(v.text, text);
  }
});

test('header words: reference, path, calibration, excluded rows and the upload command', () => {
  assert.equal(referenceSummary({ version: '2.3.0', source: 'file', rows: 12_500 }), 'version 2.3.0 · uploaded file · 12.5k rows');
  assert.equal(referenceSummary({ version: 'v1', source: 'window', rows: 1 }), 'version v1 · production window · 1 row');
  assert.equal(pathInfo('streaming')?.label, 'Streaming');
  assert.match(pathInfo('streaming')?.explanation ?? '', /bound/);
  assert.equal(pathInfo('exact')?.label, 'Exact');
  assert.equal(pathInfo(null), null);
  assert.equal(pathInfo('mixed')?.label, 'Streaming and exact');
  assert.match(calibrationNote({ method: 'wasserstein', calibrated: { threshold: 0.14, false_alarm_rate: 0.01, default_false_alarm_rate: 0.38 } }) ?? '', /≥ 0\.14 raises a false alarm 1 % of the time, where the default threshold would 38 %/);
  assert.equal(calibrationNote({ method: 'ks', calibrated: null }), null);
  assert.equal(excludedText({ missing: 0, infinite: 0 }), '');
  assert.equal(excludedText({ missing: 1200, infinite: 3 }), '1.2k missing · 3 infinite');
  assert.equal(excludedCount({ missing: 1200, infinite: 3 }), '1.2k');
  assert.equal(excludedCount({ missing: 0, infinite: 0 }), '0');
  assert.equal(uploadCommand('fraud-detector', '2.3.0'), 'vigil reference upload --model fraud-detector --version 2.3.0 train.csv');
  assert.equal(uploadCommand('m', null), 'vigil reference upload --model m --version <version> train.csv');
});

test('segments: sorted by the chosen figure, nulls last; filters read from the URL', () => {
  const v = (value: string, traffic_share: number, drift_share: number | null, contribution: number | null): SegmentDrift => ({
    value, count: Math.round(traffic_share * 1000), traffic_share, drifted_features: 0, features_with_data: 4, drift_share, statistic: null, drifted: null, contribution,
  });
  const rows = [v('eu', 0.35, 0.5, 0.1), v('na', 0.4, 0.25, 0.6), v('apac', 0.15, null, null), v('latam', 0.1, 0.75, 0.3)];
  assert.deepEqual(sortSegments(rows, 'contribution').map((r) => r.value), ['na', 'latam', 'eu', 'apac']);
  assert.deepEqual(sortSegments(rows, 'traffic').map((r) => r.value), ['na', 'eu', 'apac', 'latam']);
  assert.deepEqual(sortSegments(rows, 'drift').map((r) => r.value), ['latam', 'eu', 'na', 'apac']);
  assert.equal(segmentDriftText({ drifted_features: 2, features_with_data: 8, drift_share: 0.25 }), '2 of 8 (25 %)');
  assert.equal(segmentDriftText({ drifted_features: 0, features_with_data: 0, drift_share: null }), 'no data');
  assert.deepEqual([0.123, -0.031, 0, null].map(formatContribution), ['+0.12', '−0.031', '0', '—']);
  assert.deepEqual(segmentFilters(new URLSearchParams('from=now-1h&segment.region=eu&segment.channel=web&segment.=x&segment=region')), { channel: 'web', region: 'eu' });
});

test('attribution: largest share first, bars relative to the largest, small shares counted not listed', () => {
  const a = attributionRows([
    { feature: 'a', score: 1, share: 0.2 },
    { feature: 'b', score: 3, share: 0.6 },
    { feature: 'c', score: 1, share: 0.2 },
  ], 2);
  assert.deepEqual(a.rows.map((r) => [r.feature, r.bar]), [['b', 1], ['a', 0.2 / 0.6]]);
  assert.equal(a.rest, 1);
  const many = attributionRows(['p', 'q', 'r', 's', 't'].map((feature, i) => ({ feature, score: 1, share: [0.8, 0.15, 0.03, 0.01, 0.01][i] as number })), 8, 0.02, 2);
  assert.deepEqual(many.rows.map((r) => r.feature), ['p', 'q', 'r']);
  assert.equal(many.rest, 2);
  assert.deepEqual(attributionRows([]), { rows: [], rest: 0 });
});
