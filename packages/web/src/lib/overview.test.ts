import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthStatus, ModelOverview } from '../api/models.ts';
import type { QueryAnswer } from '../api/query.ts';
import {
  cardStatus,
  filterOptions,
  filtersFromParams,
  filtersToParams,
  futureMetric,
  hasFilters,
  healthTooltip,
  lastValue,
  matchesFilters,
  seriesByModel,
  sparklineStep,
  sortByHealth,
  statusCounts,
  throttleDelay,
  visibleModels,
  type OverviewFilters,
} from './overview.ts';

const row = (id: string, status: HealthStatus | null, over: Partial<ModelOverview> = {}): ModelOverview => ({
  id,
  name: id.toUpperCase(),
  task: 'binary',
  owner_team: 'risk',
  tags: [],
  production_version: null,
  last_deployment: null,
  predictions: 0,
  rate_per_s: 0,
  latency_mean_ms: null,
  latency_p99_ms: null,
  label_coverage: null,
  last_seen: null,
  ...(status ? { health: { status, reasons: status === 'healthy' ? [] : [`${id} reason`] } } : {}),
  ...over,
});
const none: OverviewFilters = { team: '', tag: '', status: '', q: '' };

test('a card shows the server health, or unknown without it', () => {
  const cases: [ModelOverview, string, string][] = [
    [row('a', 'problem'), 'problem', 'a reason'],
    [row('a', 'healthy'), 'healthy', 'Every signal is within its thresholds'],
    [row('a', 'no_data', { health: { status: 'no_data', reasons: [] } }), 'no_data', 'No data'],
    [row('a', null), 'unknown', 'Health is not computed for this model yet'],
    [row('a', 'warning', { health: { status: 'warning', reasons: ['error logs 2%', 'p99 1.7× the previous hour'] } }), 'warning', 'error logs 2%\np99 1.7× the previous hour'],
    [{ ...row('a', null), health: { status: 'weird' as HealthStatus, reasons: [] } }, 'unknown', 'Unknown'],
  ];
  for (const [r, status, tip] of cases) {
    assert.equal(cardStatus(r), status);
    assert.equal(healthTooltip(r), tip);
  }
});

test('problems first, then warnings, healthy, no data, unknown; by name within a status', () => {
  const rows = [row('d', 'healthy'), row('e', null), row('b', 'warning'), row('c', 'no_data'), row('z', 'problem'), row('a', 'problem'), row('f', 'healthy')];
  assert.deepEqual(sortByHealth(rows).map((r) => r.id), ['a', 'z', 'b', 'd', 'f', 'c', 'e']);
});

test('filters: team, tag, status and a search over name, id, team and tags', () => {
  const fraud = row('fraud-detector', 'problem', { name: 'Card fraud detector', owner_team: 'risk-ml', tags: ['payments', 'realtime'] });
  const eta = row('eta', 'healthy', { name: 'Delivery ETA', owner_team: null, tags: ['logistics'] });
  const cases: [Partial<OverviewFilters>, string[]][] = [
    [{}, ['fraud-detector', 'eta']],
    [{ team: 'risk-ml' }, ['fraud-detector']],
    [{ team: '-' }, ['eta']],
    [{ team: 'nobody' }, []],
    [{ tag: 'payments' }, ['fraud-detector']],
    [{ status: 'healthy' }, ['eta']],
    [{ status: 'unknown' }, []],
    [{ q: 'CARD' }, ['fraud-detector']],
    [{ q: 'logistics' }, ['eta']],
    [{ q: 'risk real' }, ['fraud-detector']],
    [{ q: 'risk logistics' }, []],
    [{ q: '  ' }, ['fraud-detector', 'eta']],
    [{ team: 'risk-ml', status: 'healthy' }, []],
  ];
  for (const [f, want] of cases) {
    assert.deepEqual([fraud, eta].filter((r) => matchesFilters(r, { ...none, ...f })).map((r) => r.id), want, JSON.stringify(f));
  }
  assert.deepEqual(visibleModels([eta, fraud], none).map((r) => r.id), ['fraud-detector', 'eta']);
});

test('filters live in the URL next to the range', () => {
  const p = new URLSearchParams('from=now-1h&to=now&team=risk&tag=x');
  assert.deepEqual(filtersFromParams(p), { team: 'risk', tag: 'x', status: '', q: '' });
  assert.equal(filtersToParams({ team: '', status: 'problem', q: 'fraud' }, p).toString(), 'from=now-1h&to=now&tag=x&status=problem&q=fraud');
  assert.equal(hasFilters(filtersFromParams(new URLSearchParams('from=now-1h'))), false);
  assert.equal(hasFilters({ ...none, q: 'x' }), true);
});

test('filter options and status counts come from the rows', () => {
  const rows = [row('a', 'problem', { owner_team: 'b-team', tags: ['y', 'x'] }), row('b', 'problem', { owner_team: 'a-team', tags: ['x'] }), row('c', null, { owner_team: null })];
  assert.deepEqual(filterOptions(rows), { teams: ['a-team', 'b-team'], noTeam: true, tags: ['x', 'y'] });
  assert.deepEqual(statusCounts(rows), [['problem', 2], ['unknown', 1]]);
  assert.deepEqual(statusCounts([]), []);
});

test('series are matched to cards by their model label; the last value skips gaps', () => {
  const answer: QueryAnswer = {
    metric: 'latency.p99',
    unit: 'ms',
    from: 0,
    to: 3,
    step_ms: 1,
    source: 'rollup',
    series: [
      { labels: { model: 'a' }, points: [[0, 1], [1, 2], [2, null]] },
      { labels: { model: 'b' }, points: [[0, null], [1, null]] },
      { labels: {}, points: [[0, 5]] },
    ],
  };
  const by = seriesByModel(answer);
  assert.deepEqual([...by.keys()], ['a', 'b']);
  assert.equal(lastValue(by.get('a')), 2);
  assert.equal(lastValue(by.get('b')), null);
  assert.equal(lastValue(undefined), null);
  assert.equal(seriesByModel(null).size, 0);
});

test('accuracy and drift show up once the catalogue has a metric for them', () => {
  const m = (name: string, group_by = ['model']) => ({ name, group_by });
  const base = [m('predictions.rate'), m('latency.p99')];
  const cases: [ReturnType<typeof m>[], string | null, string | null][] = [
    [base, null, null],
    [[...base, m('performance.accuracy'), m('drift.share')], 'performance.accuracy', 'drift.share'],
    [[...base, m('performance.estimated_accuracy'), m('drift.drifted_feature_share')], 'performance.estimated_accuracy', 'drift.drifted_feature_share'],
    [[...base, m('performance.mae'), m('drift.psi')], null, null],
    [[...base, m('performance.accuracy', ['version'])], null, null],
  ];
  for (const [catalog, acc, drift] of cases) {
    assert.equal(futureMetric(catalog, 'accuracy'), acc);
    assert.equal(futureMetric(catalog, 'drift'), drift);
  }
});

test('live refreshes wait until a second has passed since the last one', () => {
  const cases: [number, number, number][] = [
    [0, 10_000, 0],
    [10_000, 10_000, 1000],
    [10_000, 10_400, 600],
    [10_000, 11_000, 0],
    [10_000, 12_000, 0],
  ];
  for (const [last, now, want] of cases) assert.equal(throttleDelay(last, now, 1000), want);
});

test('sparklineStep: about 40 points over the range, in round steps', () => {
  const H = 3_600_000;
  assert.equal(sparklineStep(0, H), '2m');
  // a metric kept per hour (drift) gets whole hours however short the range
  assert.equal(sparklineStep(0, H, 40, H), '1h');
  assert.equal(sparklineStep(0, 100 * H, 40, H), '6h');
  assert.equal(sparklineStep(0, 15 * 60_000), '1m');
  assert.equal(sparklineStep(0, 24 * H), '1h');
  assert.equal(sparklineStep(0, 30 * 24 * H), '1d');
  assert.equal(sparklineStep(0, 365 * 24 * H), '1d');
});
