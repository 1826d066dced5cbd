import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelOverview } from '../api/models.ts';
import type { QueryAnswer } from '../api/query.ts';
import { buildFlow, deploymentStage, deploymentsByEnvironment, errorCount, errorRate, finalMetrics, isTab, liveStage, outcomeStatus, pipelineStage, formatParams, runStatus, servingEnvironments, runScore, summarizePipelineRuns, summarizeTrainingRuns, toMs, trainingStage, versionsStage, worstStatus, type DeploymentRecord, type PipelineEvent, type StageStatus, type TrainingEvent } from './flow.ts';
import { inferencePanels, performancePanels, prefixPanels, qualityPanels } from './model-panels.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const MIN = 60_000;

const pe = (over: Partial<PipelineEvent>): PipelineEvent => ({ pipeline: 'feat', run_id: 'r1', stage: 'extract', status: 'running', started_at: NOW - 60 * MIN, ended_at: null, rows_in: null, rows_out: null, ...over });
/** Both events of a stage that ran from `start` for `dur` minutes. */
const stage = (run: string, name: string, start: number, dur: number, status: string, rowsOut: number | null, pipeline = 'feat'): PipelineEvent[] => [
  pe({ pipeline, run_id: run, stage: name, status: 'running', started_at: start, rows_in: 100 }),
  pe({ pipeline, run_id: run, stage: name, status, started_at: start, ended_at: start + dur * MIN, rows_in: 100, rows_out: rowsOut }),
];

const row = (over: Partial<ModelOverview> = {}): ModelOverview => ({
  id: 'fraud',
  name: 'Fraud',
  task: 'binary',
  owner_team: 'risk',
  tags: [],
  production_version: '2.0',
  last_deployment: null,
  predictions: 1000,
  rate_per_s: 2.5,
  latency_mean_ms: 10,
  latency_p99_ms: 40,
  label_coverage: null,
  last_seen: NOW,
  ...over,
});

test('timestamps come as epoch ms or RFC 3339', () => {
  const cases: [string | number | null | undefined, number | null][] = [
    [1795766640000, 1795766640000],
    ['1795766640000', 1795766640000],
    ['2026-11-27T12:00:00Z', NOW],
    ['not a time', null],
    ['', null],
    [null, null],
    [undefined, null],
    [Number.NaN, null],
  ];
  for (const [v, want] of cases) assert.equal(toMs(v), want, String(v));
});

test('the worst status wins; none is no data', () => {
  const cases: [StageStatus[], StageStatus][] = [
    [[], 'no_data'],
    [['healthy'], 'healthy'],
    [['healthy', 'warning'], 'warning'],
    [['warning', 'problem', 'healthy'], 'problem'],
    [['no_data', 'unknown'], 'unknown'],
    [['no_data', 'healthy'], 'healthy'],
  ];
  for (const [all, want] of cases) assert.equal(worstStatus(all), want, all.join(','));
});

test('tabs are the seven known ones', () => {
  for (const t of ['flow', 'inference', 'data-quality', 'drift', 'performance', 'training', 'lifecycle']) assert.ok(isTab(t), t);
  for (const t of [undefined, '', 'Flow', 'alerts']) assert.ok(!isTab(t), String(t));
});

describe('pipeline runs', () => {
  const t0 = NOW - 120 * MIN;
  const ok = [...stage('r1', 'extract', t0, 2, 'succeeded', 100), ...stage('r1', 'transform', t0 + 2 * MIN, 3, 'succeeded', 98), ...stage('r1', 'load', t0 + 5 * MIN, 1, 'succeeded', 98)];
  const t1 = NOW - 60 * MIN;
  const failed = [...stage('r2', 'extract', t1, 4, 'failed', 0), pe({ run_id: 'r2', stage: 'transform', status: 'skipped', started_at: t1 + 4 * MIN, ended_at: t1 + 4 * MIN }), pe({ run_id: 'r2', stage: 'load', status: 'skipped', started_at: t1 + 4 * MIN, ended_at: t1 + 4 * MIN })];
  const t2 = NOW - 5 * MIN;
  const running = [...stage('r3', 'extract', t2, 2, 'succeeded', 90), pe({ run_id: 'r3', stage: 'transform', status: 'running', started_at: t2 + 2 * MIN, rows_in: 90 })];

  test('stage events fold into runs, newest first, with status, load time and rows', () => {
    // the API lists newest first; order must not matter
    const runs = summarizePipelineRuns([...running, ...failed, ...ok].reverse());
    assert.deepEqual(
      runs.map((r) => [r.run_id, r.status, r.started_at, r.ended_at, r.rows, r.stages.length]),
      [
        ['r3', 'running', t2, null, 90, 2],
        ['r2', 'failed', t1, t1 + 4 * MIN, 100, 3],
        ['r1', 'succeeded', t0, t0 + 6 * MIN, 98, 3],
      ],
    );
  });

  test('a run whose stages were all skipped is skipped', () => {
    const runs = summarizePipelineRuns([pe({ status: 'skipped', ended_at: NOW - MIN })]);
    assert.equal(runs[0]?.status, 'skipped');
  });

  const cases: [string, PipelineEvent[], StageStatus, string, RegExp[]][] = [
    ['no runs', [], 'no_data', 'No runs', [/no pipeline run/]],
    ['last run succeeded', ok, 'healthy', 'Healthy', [/feat · 2 h ago/, /load time 6 min/, /98 rows/]],
    ['last run failed', [...ok, ...failed], 'problem', 'Failed', [/feat · 1 h ago/, /load time 4 min/]],
    ['last run running after a failure of the same pipeline', [...ok, ...failed, ...running], 'healthy', 'Running', [/running for 5 min/, /90 rows/]],
    ['another pipeline failed last', [...stage('x1', 'extract', t0, 1, 'failed', 0, 'other'), ...running], 'problem', 'Failed', [/other: last run failed/]],
  ];
  for (const [name, events, status, statusText, details] of cases) {
    test(`stage: ${name}`, () => {
      const s = pipelineStage(summarizePipelineRuns(events), NOW);
      assert.equal(s.status, status);
      assert.equal(s.statusText, statusText);
      assert.equal(s.tab, 'data-quality');
      for (const d of details) assert.ok(s.details.some((l) => d.test(l)), `${d} in ${JSON.stringify(s.details)}`);
    });
  }
});

describe('training runs', () => {
  const te = (over: Partial<TrainingEvent>): TrainingEvent => ({ run_id: 'a', version: null, status: 'running', started_at: NOW - 60 * MIN, ended_at: null, params: { lr: 0.1 }, metrics: {}, ...over });
  const curves = { loss: [[0, 1], [1, 0.5]] as [number, number][], val_loss: [[0, 1.1], [1, 0.6]] as [number, number][], val_accuracy: [[1, 0.93], [0, 0.7]] as [number, number][] };

  test('a run is its final event, or its start while it runs', () => {
    const runs = summarizeTrainingRuns([
      te({ run_id: 'b', started_at: NOW - 10 * MIN }),
      te({ run_id: 'a', status: 'succeeded', ended_at: NOW - 40 * MIN, params: {}, metrics: curves }),
      te({ run_id: 'a' }),
    ]);
    assert.deepEqual(runs.map((r) => [r.run_id, r.status, r.ended_at]), [['b', 'running', null], ['a', 'succeeded', NOW - 40 * MIN]]);
    assert.deepEqual(runs[1]?.params, { lr: 0.1 }, 'parameters from the start event when the final one has none');
  });

  test('final metrics are the values at the last step; the score prefers a validation metric that is not a loss', () => {
    assert.deepEqual(finalMetrics(curves), { loss: 0.5, val_loss: 0.6, val_accuracy: 0.93 });
    const cases: [Record<string, [number, number][]>, { name: string; value: number } | null][] = [
      [curves, { name: 'val_accuracy', value: 0.93 }],
      [{ loss: [[0, 2]], val_loss: [[0, 3]] }, { name: 'val_loss', value: 3 }],
      [{ mae: [[0, 2.9]] }, { name: 'mae', value: 2.9 }],
      [{ empty: [] }, null],
      [{}, null],
    ];
    for (const [m, want] of cases) assert.deepEqual(runScore(m), want, JSON.stringify(m));
  });

  const versions = [{ version: '2.0', validation_metrics: { roc_auc: 0.962, accuracy: 0.93 } }];
  const cases: [string, TrainingEvent[], StageStatus, string, string][] = [
    ['no runs', [], 'no_data', 'No runs', '—'],
    ['running', [te({})], 'healthy', 'Running', 'Last run running'],
    ['succeeded, no version', [te({ status: 'succeeded', metrics: curves })], 'healthy', 'Healthy', 'val_accuracy 0.93'],
    ['succeeded with a registered version: its first validation metric', [te({ status: 'succeeded', version: '2.0', metrics: curves })], 'healthy', 'Healthy', 'roc_auc 0.962'],
    ['failed', [te({ status: 'failed', metrics: { loss: [[0, 9]] } })], 'problem', 'Failed', 'loss 9'],
  ];
  for (const [name, events, status, statusText, figure] of cases) {
    test(`stage: ${name}`, () => {
      const s = trainingStage(summarizeTrainingRuns(events), versions, NOW);
      assert.deepEqual([s.status, s.statusText, s.figure], [status, statusText, figure]);
    });
  }
});

test('versions: none is grey, otherwise the production version', () => {
  const v = (version: string, created_at: string) => ({ version, created_at });
  const cases: [ReturnType<typeof v>[], string | null, StageStatus, string, string[]][] = [
    [[], null, 'no_data', '—', ['no version registered']],
    [[v('1.0', '2026-01-01T00:00:00Z')], '1.0', 'healthy', '1.0 in production', ['1 version registered']],
    [[v('1.0', '2026-01-01T00:00:00Z'), v('1.1', '2026-02-01T00:00:00Z')], '1.0', 'healthy', '1.0 in production', ['2 versions registered', 'newest 1.1']],
    [[v('1.0', '2026-01-01T00:00:00Z')], null, 'healthy', 'none in production', ['1 version registered', 'newest 1.0']],
  ];
  for (const [versions, prod, status, figure, details] of cases) {
    const s = versionsStage(versions, prod);
    assert.deepEqual([s.status, s.figure, s.details, s.tab], [status, figure, details, 'lifecycle']);
  }
});

describe('deployments', () => {
  const d = (environment: string, version: string, outcome: string, minutesAgo: number, extra: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
    id: `${environment}-${version}-${minutesAgo}`,
    environment,
    version,
    outcome,
    started_at: new Date(NOW - minutesAgo * MIN).toISOString(),
    ...extra,
  });

  test('outcomes map to colours', () => {
    const cases: [string, StageStatus][] = [
      ['failed', 'problem'],
      ['rolled_back', 'warning'],
      ['succeeded', 'healthy'],
      ['success', 'healthy'],
      ['in_progress', 'healthy'],
      ['something new', 'unknown'],
    ];
    for (const [o, want] of cases) assert.equal(outcomeStatus(o), want, o);
  });

  test('environments: production first, then by name; newest first within each', () => {
    const grouped = deploymentsByEnvironment([d('staging', '2', 'succeeded', 5), d('canary', '2', 'succeeded', 9), d('production', '1', 'succeeded', 60), d('production', '2', 'failed', 10)]);
    assert.deepEqual(grouped.map(([env, list]) => [env, list.map((x) => x.version)]), [['production', ['2', '1']], ['canary', ['2']], ['staging', ['2']]]);
  });

  const cases: [string, DeploymentRecord[], StageStatus, string, string][] = [
    ['none', [], 'no_data', 'None', '—'],
    ['all succeeded', [d('production', '1', 'succeeded', 60), d('staging', '2', 'in_progress', 5)], 'healthy', 'Healthy', 'production: succeeded'],
    ['production rolled back last', [d('production', '2', 'rolled_back', 10), d('production', '1', 'succeeded', 60)], 'warning', 'Rolled back', 'production: rolled back'],
    ['a rollback superseded by a new deployment', [d('production', '1', 'succeeded', 3), d('production', '2', 'rolled_back', 10)], 'healthy', 'Healthy', 'production: succeeded'],
    ['staging failed', [d('production', '1', 'succeeded', 60), d('staging', '2', 'failed', 5)], 'problem', 'Failed', 'production: succeeded'],
  ];
  for (const [name, deployments, status, statusText, figure] of cases) {
    test(`stage: ${name}`, () => {
      const s = deploymentStage(deployments, NOW);
      assert.deepEqual([s.status, s.statusText, s.figure], [status, statusText, figure]);
    });
  }

  test('each environment gets a line with version, outcome and age', () => {
    const s = deploymentStage([d('staging', '2', 'failed', 5), d('production', '1', 'succeeded', 120)], NOW);
    assert.deepEqual(s.details, ['production 1 · succeeded · 2 h ago', 'staging 2 · failed · 5 min ago']);
  });
});

describe('live traffic', () => {
  const answer = (series: [Record<string, string>, (number | null)[]][]): QueryAnswer => ({
    metric: 'logs.count',
    unit: 'events',
    from: 0,
    to: 1,
    step_ms: 60_000,
    source: 'raw',
    series: series.map(([labels, vs]) => ({ labels, points: vs.map((v, i) => [i * 60_000, v] as [number, number | null]) })),
  });

  test('error counts add error and fatal levels and skip gaps', () => {
    const cases: [QueryAnswer | null, number | null][] = [
      [null, null],
      [answer([]), 0],
      [answer([[{ level: 'error' }, [1, null, 2]], [{ level: 'fatal' }, [1]], [{ level: 'info' }, [50]], [{ level: 'warn' }, [5]]]), 4],
      [answer([[{}, [3, 4]]]), 7],
    ];
    for (const [a, want] of cases) assert.equal(errorCount(a), want);
  });

  test('error rate is errors per prediction, none without predictions', () => {
    const cases: [number | null, number, number | null][] = [
      [5, 1000, 0.005],
      [0, 10, 0],
      [5, 0, null],
      [null, 100, null],
    ];
    for (const [e, p, want] of cases) assert.equal(errorRate(e, p), want);
  });

  const cases: [string, ModelOverview | null, number | null, StageStatus, string, string[]][] = [
    ['no overview row', null, null, 'unknown', '—', ['no traffic figures for this model']],
    ['health not computed yet', row(), 5, 'unknown', '2.5/s', ['1k predictions', 'error rate 0.5% (5 errors)', 'p99 latency 40 ms']],
    ['problem from the server', row({ health: { status: 'problem', reasons: ['error logs 6% of predictions'] } }), 60, 'problem', '2.5/s', ['1k predictions', 'error rate 6% (60 errors)', 'p99 latency 40 ms']],
    ['no traffic', row({ predictions: 0, rate_per_s: 0, latency_p99_ms: null, health: { status: 'no_data', reasons: [] } }), 0, 'no_data', '0/s', ['0 predictions', 'error rate —']],
  ];
  for (const [name, r, errors, status, figure, details] of cases) {
    test(`stage: ${name}`, () => {
      const s = liveStage(r, errors);
      assert.deepEqual([s.status, s.figure, s.details, s.tab], [status, figure, details, 'inference']);
    });
  }
});

test('the flow has five stages in order, each linking to a tab', () => {
  const stages = buildFlow({ pipelineRuns: [], trainingRuns: [], versions: [], deployments: [], overview: row({ health: { status: 'healthy', reasons: [] } }), errors: 0 }, NOW);
  assert.deepEqual(
    stages.map((s) => [s.name, s.tab, s.status]),
    [
      ['pipelines', 'data-quality', 'no_data'],
      ['training', 'training', 'no_data'],
      ['versions', 'lifecycle', 'no_data'],
      ['deployments', 'lifecycle', 'no_data'],
      ['live', 'inference', 'healthy'],
    ],
  );
});

describe('tab panels', () => {
  const cat = (...names: string[]) => names.map((name) => ({ name, description: '', filters: ['model', 'version'], group_by: ['model', 'version', 'feature'] }));
  const all = cat('predictions.rate', 'latency.p50', 'latency.p90', 'latency.p99', 'batch_size.mean', 'score.mean', 'score.distribution', 'quality.violations', 'feature.null_rate', 'feature.mean', 'labels.coverage', 'labels.count');

  test('inference: traffic, latency by version, scores only for classifiers and when catalogued', () => {
    const metrics = (task: string, c = all) => inferencePanels('m', task, c).map((p) => p.query.metric);
    assert.deepEqual(metrics('binary'), ['predictions.rate', 'latency.p50', 'latency.p90', 'latency.p99', 'score.distribution', 'score.mean', 'batch_size.mean']);
    assert.deepEqual(metrics('regression'), ['predictions.rate', 'latency.p50', 'latency.p90', 'latency.p99', 'batch_size.mean']);
    assert.deepEqual(metrics('binary', cat('predictions.rate', 'latency.p99')), ['predictions.rate', 'latency.p99']);
    const panels = inferencePanels('m', 'binary', all);
    assert.deepEqual(panels.find((p) => p.query.metric === 'latency.p99')?.query, { metric: 'latency.p99', model: 'm', group_by: ['version'] });
    assert.equal(panels.find((p) => p.query.metric === 'score.distribution')?.kind, 'heatmap');
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'ids are unique');
  });

  test('inference health: low confidence for classifiers, error rate, staleness and feature age when catalogued, ratios with their unit', () => {
    const health = [...all, ...cat('score.low_confidence_share', 'errors.rate', 'predictions.stale_share', 'feature_age.p50', 'feature_age.p99')];
    const metrics = (task: string) => inferencePanels('m', task, health).map((p) => p.query.metric);
    assert.deepEqual(metrics('binary').slice(6), ['score.low_confidence_share', 'batch_size.mean', 'errors.rate', 'predictions.stale_share', 'feature_age.p50', 'feature_age.p99']);
    assert.ok(!metrics('regression').includes('score.low_confidence_share'));
    assert.ok(metrics('regression').includes('feature_age.p99'));
    const panels = inferencePanels('m', 'binary', health);
    assert.equal(panels.find((p) => p.query.metric === 'errors.rate')?.unit, 'ratio');
    assert.equal(panels.find((p) => p.query.metric === 'feature_age.p50')?.unit, undefined, 'the catalogue unit (ms) is used');
  });

  test('performance panels: FPR and FNR for binary models only, error rates for classifiers only', () => {
    const c = [...all, ...cat('performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr', 'performance.mae')];
    const names = (task: 'binary' | 'multiclass' | 'regression') => performancePanels('m', c, task).metrics.map((p) => p.query.metric);
    assert.deepEqual(names('binary'), ['performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr']);
    assert.deepEqual(names('multiclass'), ['performance.accuracy', 'performance.error_rate']);
    assert.deepEqual(names('regression'), ['performance.mae']);
  });

  test('data quality: violations by feature and kind, then feature metrics', () => {
    assert.deepEqual(qualityPanels('m', all).map((p) => [p.query.metric, p.query.group_by]), [
      ['quality.violations', ['feature', 'kind']],
      ['feature.null_rate', ['feature']],
      ['feature.mean', ['feature']],
    ]);
  });

  test('drift and performance panels appear only once the catalogue has such metrics', () => {
    assert.deepEqual(prefixPanels('m', 'drift.', all), []);
    const later = [...all, ...cat('drift.share', 'drift.psi', 'performance.accuracy')];
    assert.deepEqual(prefixPanels('m', 'drift.', later).map((p) => [p.query.metric, p.query.group_by]), [['drift.share', ['feature']], ['drift.psi', ['feature']]]);
    const perf = performancePanels('m', later);
    assert.deepEqual(perf.metrics.map((p) => p.query.metric), ['performance.accuracy']);
    assert.deepEqual(perf.labels.map((p) => p.query.metric), ['labels.coverage', 'labels.count']);
    assert.deepEqual(performancePanels('m', cat('predictions.rate')), { metrics: [], labels: [] });
  });

  test('performance panels follow the task: accuracy for classifiers, errors for regression', () => {
    const catalog = [...all, ...cat('performance.accuracy', 'performance.mae', 'performance.rmse', 'labels.delay_mean')];
    assert.deepEqual(performancePanels('m', catalog, 'binary').metrics.map((p) => p.query.metric), ['performance.accuracy']);
    assert.deepEqual(performancePanels('m', catalog, 'regression').metrics.map((p) => p.query.metric), ['performance.mae', 'performance.rmse']);
    assert.ok(performancePanels('m', catalog, 'multiclass').labels.some((p) => p.query.metric === 'labels.delay_mean'));
  });
});

test('tables: run colours, the environments a version serves, parameters as text', () => {
  const cases: [string, StageStatus][] = [
    ['failed', 'problem'],
    ['skipped', 'no_data'],
    ['running', 'healthy'],
    ['succeeded', 'healthy'],
    ['odd', 'unknown'],
  ];
  for (const [s, want] of cases) assert.equal(runStatus(s), want, s);

  const d = (environment: string, version: string, outcome: string, started: string, ended: string | null = null): DeploymentRecord => ({ id: `${environment}${version}${started}`, environment, version, outcome, started_at: `2026-11-27T${started}:00Z`, ended_at: ended });
  const serving = servingEnvironments([
    d('production', '1.4', 'rolled_back', '10:00', '10:07'),
    d('production', '1.3', 'succeeded', '10:07'),
    d('production', '1.3', 'succeeded', '09:00', '10:00'),
    d('staging', '1.4', 'succeeded', '08:00'),
    d('canary', '1.5', 'failed', '11:00'),
    d('canary', '1.3', 'in_progress', '09:30'),
  ]);
  assert.deepEqual(Object.fromEntries(serving), { '1.3': ['production', 'canary'], '1.4': ['staging'] });
  // `finished_at` is read like `ended_at`
  assert.deepEqual(servingEnvironments([{ ...d('production', '1', 'succeeded', '09:00'), ended_at: undefined, finished_at: '2026-11-27T10:00:00Z' }]).size, 0);

  assert.deepEqual(formatParams({ lr: 0.05, algorithm: 'xgboost', layers: [64, 32] }), ['algorithm=xgboost', 'layers=[64,32]', 'lr=0.05']);
});
