import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectConceptDrift, detectConceptDriftBatches, type ConceptDriftDetector, type DdmOptions, type OutcomeBatch } from '@vigil/core';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;
const MIN = 60_000;

describe('concept drift marks (GET /api/v1/models/:id/performance/concept-drift)', () => {
  let s: TestServer;
  let a = 7;
  const r = () => ((a = (a * 1664525 + 1013904223) >>> 0) / 4294967296);
  // a binary classifier that gets worse halfway: 5% errors, then 40%; every 10th prediction has no label
  const N = 800;
  const rows = Array.from({ length: N }, (_, i) => {
    const predicted = r() < 0.5 ? '1' : '0';
    const wrong = r() < (i < N / 2 ? 0.05 : 0.4);
    return { i, ts: T - 5 * H + i * 10_000, predicted, truth: wrong ? (predicted === '1' ? '0' : '1') : predicted, region: r() < 0.5 ? 'eu' : 'us', labelled: i % 10 !== 9 };
  });
  // a regression model whose absolute error jumps from about 0.1 to about 3
  const reg = Array.from({ length: 300 }, (_, i) => {
    const y = 10 + r() * 5, e = (i < 150 ? 0.1 : 3) * (0.5 + r()) * (r() < 0.5 ? -1 : 1);
    return { i, ts: T - 4 * H + i * 10_000, y, p: y + e };
  });
  // a classifier over 30 whole hours, 200 predictions an hour (every 7th without a label): 5% errors,
  // then 30% from hour 20 — for DDM at hour resolution
  const HOURS = 30, CHANGE = 20, START = T - HOURS * H;
  const hourly = Array.from({ length: HOURS * 200 }, (_, i) => {
    const hour = Math.floor(i / 200), predicted = r() < 0.5 ? '1' : '0';
    const wrong = r() < (hour < CHANGE ? 0.05 : 0.3);
    return { i, ts: START + hour * H + (i % 200) * 17_000, predicted, truth: wrong ? (predicted === '1' ? '0' : '1') : predicted, region: r() < 0.5 ? 'eu' : 'us', labelled: i % 7 !== 3 };
  });
  const from = T - 6 * H, to = T;

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    const model = { id: 'cd', name: 'cd', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], segments: ['region'], classes: ['0', '1'] } };
    assert.equal((await s.call('POST', '/api/v1/models', model)).status, 201);
    assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w) => ({ id: `c${w.i}`, model: 'cd', version: 'v1', ts: w.ts, prediction: w.predicted, score: w.predicted === '1' ? 0.8 : 0.2, features: { x: w.i }, segment: { region: w.region } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', rows.filter((w) => w.labelled).map((w) => ({ prediction_id: `c${w.i}`, model: 'cd', label: w.truth, ts: w.ts + MIN })))).status, 200);
    const rm = { id: 'cr', name: 'cr', task: 'regression', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }] } };
    assert.equal((await s.call('POST', '/api/v1/models', rm)).status, 201);
    assert.equal((await s.call('POST', '/api/v1/predictions', reg.map((w) => ({ id: `r${w.i}`, model: 'cr', version: 'v1', ts: w.ts, prediction: w.p, features: { x: w.i } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', reg.map((w) => ({ prediction_id: `r${w.i}`, model: 'cr', label: w.y, ts: w.ts + MIN })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/models', { ...model, id: 'ch', name: 'ch' })).status, 201);
    for (let k = 0; k < hourly.length; k += 2000) {
      const part = hourly.slice(k, k + 2000);
      assert.equal((await s.call('POST', '/api/v1/predictions', part.map((w) => ({ id: `h${w.i}`, model: 'ch', version: 'v1', ts: w.ts, prediction: w.predicted, features: { x: w.i }, segment: { region: w.region } })))).status, 200);
      assert.equal((await s.call('POST', '/api/v1/labels', part.filter((w) => w.labelled).map((w) => ({ prediction_id: `h${w.i}`, model: 'ch', label: w.truth, ts: w.ts + MIN })))).status, 200);
    }
    // the exact reads see what the performance rollups have folded
    await s.server.ctx.stores.events.rollupStep();
  });
  after(() => s.stop());

  const drift = (id: string, params = '', opts = {}) => s.call('GET', `/api/v1/models/${id}/performance/concept-drift?from=${from}&to=${to}${params}`, undefined, opts);
  /** What the answer must hold: the core detector run on the same stream, in prediction-time order. */
  type Mark = { t: number; index: number; kind: string; statistic?: number; onset_index?: number };
  const expected = (detector: ConceptDriftDetector, stream: { ts: number; x: number }[]): Mark[] => {
    const found = detectConceptDrift(detector, stream.map((o) => o.x));
    return [
      ...found.drifts.map((d) => ({ t: stream[d.index]!.ts, index: d.index, kind: 'drift', statistic: d.statistic, onset_index: d.onset })),
      ...found.warnings.map((i) => ({ t: stream[i]!.ts, index: i, kind: 'warning' })),
    ].sort((x, y) => x.index - y.index || (x.kind === 'warning' ? -1 : 1));
  };
  const errors = (filter: (w: (typeof rows)[number]) => boolean = () => true) => rows.filter((w) => w.labelled && filter(w)).map((w) => ({ ts: w.ts, x: w.predicted === w.truth ? 0 : 1 }));
  const pick = (d: Record<string, unknown>) => ({ t: d.t, index: d.index, kind: d.kind, ...(d.kind === 'drift' ? { statistic: d.statistic, onset_index: d.onset_index } : {}) });
  /** The hour-resolution answer, from the ingested rows: each hour's labelled predictions and errors, counted here, through the core's batched DDM. */
  type Labelled = { ts: number; predicted: string; truth: string; labelled: boolean };
  const byHour = (ws: Labelled[]) => {
    const m = new Map<number, OutcomeBatch>();
    for (const w of ws.filter((x) => x.labelled)) {
      const h = Math.floor(w.ts / H) * H, b = m.get(h) ?? { count: 0, errors: 0 };
      b.count++;
      if (w.predicted !== w.truth) b.errors++;
      m.set(h, b);
    }
    const hours = [...m.keys()].sort((x, y) => x - y);
    return { hours, batches: hours.map((h) => m.get(h)!) };
  };
  const expectedHourly = (options: DdmOptions, ws: Labelled[]) => {
    const { hours, batches } = byHour(ws);
    const found = detectConceptDriftBatches({ method: 'ddm', options }, batches);
    const rate = (a: number, b: number) => {
      const part = batches.slice(a, b), n = part.reduce((x, y) => x + y.count, 0);
      return n ? part.reduce((x, y) => x + y.errors, 0) / n : null;
    };
    const marks = [
      ...found.drifts.map((d, k) => ({
        t: hours[d.index]!, index: d.index, kind: 'drift', statistic: d.statistic, onset_t: hours[d.onset]!, onset_index: d.onset,
        before: rate(k === 0 ? 0 : found.drifts[k - 1]!.index + 1, d.onset), after: rate(d.onset, found.drifts[k + 1]?.onset ?? batches.length),
      })),
      ...found.warnings.map((i) => ({ t: hours[i]!, index: i, kind: 'warning' })),
    ].sort((x, y) => x.index - y.index || (x.kind === 'warning' ? -1 : 1));
    return { hours, batches, marks };
  };
  const near = (got: unknown, want: unknown) => {
    if (typeof want !== 'number' || typeof got !== 'number') return assert.deepEqual(got, want);
    assert.ok(Math.abs(got - want) <= 1e-12, `${got} vs ${want}`);
  };
  const sameMarks = (got: Record<string, unknown>[], want: Record<string, unknown>[]) => {
    assert.equal(got.length, want.length, JSON.stringify(got));
    got.forEach((g, k) => {
      assert.deepEqual(Object.keys(g).sort(), Object.keys(want[k]!).sort());
      for (const key of Object.keys(want[k]!)) near(g[key], want[k]![key]);
    });
  };

  test('the default for classifiers: DDM tested at the end of each hour, on every labelled prediction, as the core\'s batched DDM over the hourly counts', async () => {
    const res = await s.call('GET', `/api/v1/models/ch/performance/concept-drift?from=${START}&to=${T}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    const { hours, batches, marks } = expectedHourly({ warmStart: 1000 }, hourly);
    assert.equal(hours.length, HOURS);
    const n = batches.reduce((x, y) => x + y.count, 0), e = batches.reduce((x, y) => x + y.errors, 0);
    assert.deepEqual([b.method, b.resolution, b.observation, b.parameters], ['ddm', 'hour', 'error', { warm_start: 1000, warning_threshold: 2, drift_threshold: 3 }]);
    assert.deepEqual([b.status, b.rows, b.total, b.sampled, b.skipped, b.note], ['ok', n, n, false, 0, undefined]);
    near(b.mean, e / n);
    sameMarks(b.detections, marks);
    // the jump at hour 20 is found in an hour after it, placed at that hour's start
    const drifts = b.detections.filter((d: { kind: string }) => d.kind === 'drift');
    assert.ok(drifts.length >= 1, 'the jump in errors is found');
    assert.ok(drifts[0].index >= CHANGE && drifts[0].index <= CHANGE + 2, JSON.stringify(drifts[0]));
    assert.equal(drifts[0].t, START + drifts[0].index * H);
    const last = drifts[drifts.length - 1];
    assert.deepEqual([b.error_rate_before, b.error_rate_after], [last.before, last.after]);
    assert.ok(b.error_rate_after > 0.2 && b.error_rate_before < 0.1, JSON.stringify(b));
    // parameters apply to the batched test as to the row one; a window inside hours reads them whole
    const tuned = await s.call('GET', `/api/v1/models/ch/performance/concept-drift?from=${START + 20 * MIN}&to=${T - 30 * MIN}&warm_start=300&warning_threshold=1.5&drift_threshold=2.5`);
    assert.equal(tuned.status, 200, JSON.stringify(tuned.body));
    assert.deepEqual([tuned.body.window.from, tuned.body.window.to, tuned.body.rows], [START, T, n]);
    sameMarks(tuned.body.detections, expectedHourly({ warmStart: 300, warningThreshold: 1.5, driftThreshold: 2.5 }, hourly).marks);
  });

  test('hour resolution with a segment and a version: the hours of those predictions only; hours without labels are skipped', async () => {
    const res = await s.call('GET', `/api/v1/models/ch/performance/concept-drift?from=${START}&to=${T}&segment.region=eu&version=v1&warm_start=200`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const eu = hourly.filter((w) => w.region === 'eu');
    const want = expectedHourly({ warmStart: 200 }, eu);
    assert.equal(res.body.rows, eu.filter((w) => w.labelled).length);
    sameMarks(res.body.detections, want.marks);
    // model cd: 800 predictions over three hours of a six-hour window; index counts the hours with labels
    const cd = await drift('cd', '&warm_start=30');
    assert.equal(cd.status, 200, JSON.stringify(cd.body));
    const three = expectedHourly({ warmStart: 30 }, rows);
    assert.equal(three.hours.length, 3);
    assert.deepEqual([cd.body.resolution, cd.body.rows], ['hour', errors().length]);
    sameMarks(cd.body.detections, three.marks);
  });

  test('resolution=row: DDM on the 0/1 error of each labelled prediction, as the core finds it; drifts carry the error rate before and after', async () => {
    // the served default warm start is 1,000 (fewer false alarms on long streams): this stream of a
    // few hundred outcomes is watched from the core's own 30
    const byDefault = await drift('cd', '&resolution=row');
    assert.deepEqual([byDefault.status, byDefault.body.parameters], [200, { warm_start: 1000, warning_threshold: 2, drift_threshold: 3 }]);
    assert.deepEqual(byDefault.body.detections.map(pick), expected({ method: 'ddm', options: { warmStart: 1000 } }, errors()));
    const res = await drift('cd', '&warm_start=30&resolution=row');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    const stream = errors();
    assert.deepEqual([b.method, b.resolution, b.window.from, b.window.to], ['ddm', 'row', from, to]);
    assert.equal(b.observation, 'error');
    assert.deepEqual(b.parameters, { warm_start: 30, warning_threshold: 2, drift_threshold: 3 });
    assert.deepEqual([b.status, b.rows, b.total, b.sampled, b.skipped], ['ok', stream.length, stream.length, false, 0]);
    assert.ok(Math.abs(b.mean - stream.reduce((x, o) => x + o.x, 0) / stream.length) < 1e-12);
    const want = expected({ method: 'ddm' }, stream);
    assert.deepEqual(b.detections.map(pick), want);
    const drifts = b.detections.filter((d: { kind: string }) => d.kind === 'drift');
    assert.ok(drifts.length >= 1, 'the jump in errors is found');
    // the first drift comes after the change (row 400 of 800, about 360 labelled rows in)
    assert.ok(drifts[0].t >= rows[N / 2]!.ts, `${drifts[0].t} vs ${rows[N / 2]!.ts}`);
    const first = drifts[0];
    const mean = (xs: { x: number }[]) => xs.reduce((x, o) => x + o.x, 0) / xs.length;
    assert.ok(Math.abs(first.before - mean(stream.slice(0, first.onset_index))) < 1e-12);
    assert.equal(first.onset_t, stream[first.onset_index]!.ts);
    const last = drifts[drifts.length - 1];
    assert.equal(b.error_rate_before, last.before);
    assert.equal(b.error_rate_after, last.after);
    assert.ok(b.error_rate_after > b.error_rate_before);
  });

  test('Page-Hinkley on a classifier\'s 0/1 error, with parameters', async () => {
    const res = await drift('cd', '&method=page_hinkley&threshold=5&delta=0.01&min_instances=20&warning_threshold=3');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.parameters, { min_instances: 20, delta: 0.01, threshold: 5, alpha: 1 - 1e-4, direction: 'increase', warning_threshold: 3 });
    assert.equal(res.body.resolution, 'row', 'Page-Hinkley reads rows');
    const want = expected({ method: 'page-hinkley', options: { threshold: 5, delta: 0.01, minInstances: 20, warningThreshold: 3 } }, errors());
    assert.ok(want.some((d) => d.kind === 'drift') && want.some((d) => d.kind === 'warning'));
    assert.deepEqual(res.body.detections.map(pick), want);
  });

  test('DDM parameters change the answer as they change the core\'s', async () => {
    const res = await drift('cd', '&warm_start=50&warning_threshold=1.5&drift_threshold=2.5&resolution=row');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.detections.map(pick), expected({ method: 'ddm', options: { warmStart: 50, warningThreshold: 1.5, driftThreshold: 2.5 } }, errors()));
  });

  test('regression: Page-Hinkley on the absolute error by default', async () => {
    const res = await drift('cr');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    assert.deepEqual([b.method, b.resolution, b.observation, b.rows], ['page_hinkley', 'row', 'absolute_error', 300]);
    const stream = reg.map((w) => ({ ts: w.ts, x: Math.abs(w.p - w.y) }));
    const want = expected({ method: 'page-hinkley' }, stream);
    assert.ok(want.some((d) => d.kind === 'drift'));
    assert.equal(b.detections.length, want.length);
    b.detections.forEach((d: Record<string, number>, k: number) => {
      const w = want[k]!;
      assert.deepEqual([d.t, d.index, d.kind, d.onset_index], [w.t, w.index, w.kind, w.onset_index]);
      // the stored numbers are doubles; |p − y| can differ in the last bit from the test's own
      assert.ok(Math.abs(d.statistic! - (w.statistic as number)) < 1e-9);
    });
    assert.ok(b.mae_after > 1 && b.mae_before < 0.5, JSON.stringify(b));
    assert.equal(b.error_rate_before, undefined);
  });

  test('segment and version filters; a window without labelled rows is no_data', async () => {
    const eu = await drift('cd', '&segment.region=eu&version=v1&warm_start=30&resolution=row');
    assert.equal(eu.status, 200, JSON.stringify(eu.body));
    const stream = errors((w) => w.region === 'eu');
    assert.equal(eu.body.rows, stream.length);
    assert.deepEqual(eu.body.detections.map(pick), expected({ method: 'ddm' }, stream));
    for (const resolution of ['hour', 'row']) {
      const none = await drift('cd', `&version=v9&resolution=${resolution}`);
      assert.deepEqual([none.status, none.body.status, none.body.rows, none.body.total, none.body.detections, none.body.mean], [200, 'no_data', 0, 0, [], null]);
      assert.match(none.body.reason, /no labelled predictions/);
    }
  });

  test('resolution=row: beyond 500,000 labelled rows the detector reads a sample, and says it sees changes later; hour resolution joins nothing', async () => {
    const events = s.server.ctx.stores.events;
    const real = events.labelledRows.bind(events);
    let limit = 0;
    events.labelledRows = async (m, w, l) => {
      limit = l;
      const got = await real(m, w, l);
      return { ...got, total: got.total + 1_000_000 };
    };
    try {
      const hourly = await drift('cd');
      assert.deepEqual([hourly.status, hourly.body.resolution, hourly.body.sampled, limit], [200, 'hour', false, 0], 'no labelled rows read');
      const res = await drift('cd', '&resolution=row');
      assert.equal(res.status, 200);
      assert.equal(limit, 500_000);
      assert.equal(res.body.sampled, true);
      assert.match(res.body.note, /sample/);
      assert.match(res.body.note, /later/);
    } finally {
      events.labelledRows = real;
    }
    assert.equal((await drift('cd', '&resolution=row')).body.sampled, false);
  });

  const BAD: [string, string, string, string][] = [
    ['an unknown method', 'cd', '&method=adwin', 'method'],
    ['ddm on a regression model', 'cr', '&method=ddm', 'method'],
    ['a negative warm start', 'cd', '&warm_start=-1', 'warm_start'],
    ['a fractional warm start', 'cd', '&warm_start=1.5', 'warm_start'],
    ['a drift threshold below the warning threshold', 'cd', '&drift_threshold=1.5', 'drift_threshold'],
    ['a warning threshold of 0', 'cd', '&warning_threshold=0', 'warning_threshold'],
    ['a parameter that is not a number', 'cd', '&method=page_hinkley&delta=much', 'delta'],
    ['a negative delta', 'cd', '&method=page_hinkley&delta=-0.1', 'delta'],
    ['alpha above 1', 'cd', '&method=page_hinkley&alpha=1.5', 'alpha'],
    ['a threshold of 0', 'cr', '&threshold=0', 'threshold'],
    ['min_instances of 0', 'cr', '&min_instances=0', 'min_instances'],
    ['a PH warning threshold above the threshold', 'cr', '&threshold=5&warning_threshold=6', 'warning_threshold'],
    ['an unknown direction', 'cr', '&direction=sideways', 'direction'],
    ['a Page-Hinkley parameter with ddm', 'cd', '&delta=0.1', 'delta'],
    ['a DDM parameter with Page-Hinkley', 'cr', '&warm_start=10', 'warm_start'],
    ['a segment the model lacks', 'cd', '&segment.planet=mars', 'segment.planet'],
    ['an unknown parameter', 'cd', '&step=1h', 'step'],
    ['an unknown resolution', 'cd', '&resolution=minute', 'resolution'],
    ['page_hinkley at hour resolution', 'cd', '&method=page_hinkley&resolution=hour', 'resolution'],
    ['hour resolution for a regression model (Page-Hinkley)', 'cr', '&resolution=hour', 'resolution'],
  ];
  for (const [name, id, params, field] of BAD) {
    test(`400 naming the field: ${name}`, async () => {
      const res = await drift(id, params);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), [field], JSON.stringify(res.body));
      // the query's names, not the core's
      assert.doesNotMatch(JSON.stringify(res.body.error.details), /warmStart|minInstances|driftThreshold|warningThreshold/);
    });
  }

  test('from ≥ to is a 400; the default window is the last 7 days', async () => {
    const res = await s.call('GET', `/api/v1/models/cd/performance/concept-drift?from=${to}&to=${from}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].field, 'from');
    const def = await s.call('GET', '/api/v1/models/cd/performance/concept-drift?resolution=row');
    assert.equal(def.status, 200);
    assert.equal(def.body.rows, errors().length);
    assert.ok(def.body.window.to - def.body.window.from === 7 * 24 * H);
    // hour resolution reads the whole hours around the same 7 days
    const hours = await s.call('GET', '/api/v1/models/cd/performance/concept-drift');
    const w = hours.body.window;
    assert.deepEqual([hours.status, hours.body.rows, w.from % H, w.to % H], [200, errors().length, 0, 0]);
    assert.ok(w.to - w.from >= 7 * 24 * H && w.to - w.from <= 7 * 24 * H + 2 * H, JSON.stringify(w));
  });

  test('404 for an unknown model; 403 without access to it; 401 without a caller', async () => {
    assert.equal((await drift('ghost')).status, 404);
    await addUser(s, 'cd-viewer', [{ role: 'viewer', scope: { kind: 'models', models: ['cr'] } }]);
    const session = await s.signIn('cd-viewer', PW);
    assert.equal((await drift('cr', '', { session })).status, 200);
    const denied = await drift('cd', '', { session });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    assert.equal((await drift('cd', '', { token: null })).status, 401);
  });
});
