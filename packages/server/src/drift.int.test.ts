import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareGoodnessOfFit, jensenShannon, wassersteinNormed } from '@vigil/core';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;

// a deterministic generator: the same data every run
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const COLORS = ['red', 'green', 'blue'];

const model = (id: string) => ({
  id, name: id, task: 'binary', owner_team: 'risk',
  schema: {
    features: [
      { name: 'x', type: 'numeric', nullable: true },
      { name: 'level', type: 'numeric' },
      { name: 'color', type: 'categorical' },
      { name: 'note', type: 'text', nullable: true },
    ],
    segments: ['region'],
  },
});

interface Row { x: number | null; level: number; color: string }
const refRows: Row[] = Array.from({ length: 4000 }, (_, i) => ({ x: i % 50 === 0 ? null : gauss(), level: i % 4, color: COLORS[i % 3] as string }));
// current: eu drifts (x shifted by one standard deviation, more blue); us does not
const curRows = Array.from({ length: 3000 }, (_, i) => {
  const eu = i % 2 === 1;
  return { region: eu ? 'eu' : 'us', x: eu ? gauss() + 1 : gauss(), level: i % 4, color: eu && i % 5 === 0 ? 'purple' : (COLORS[i % 3] as string) };
});
const csv = (rows: Row[]) => `x,Level,color,unused\n${rows.map((w) => `${w.x ?? ''},${w.level},${w.color},1`).join('\n')}\n`;

describe('drift of a model against its reference (/api/v1/models/:id/drift)', () => {
  let s: TestServer;
  const upload = (id: string, version: string, body: string, contentType = 'text/csv') =>
    s.call('POST', `/api/v1/models/${id}/versions/${version}/reference?name=train.csv`, undefined, { raw: body, contentType });
  const drift = (id: string, params = '') => s.call('GET', `/api/v1/models/${id}/drift?from=${T}&to=${T + 2 * H}${params}`);

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    assert.equal((await s.call('POST', '/api/v1/models', model('d'))).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/d/versions', { version: 'v1' })).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/d/versions', { version: 'v2' })).status, 201);
    const preds = curRows.map((w, i) => ({
      id: `c${i}`, model: 'd', version: 'v1', ts: T + Math.floor((i / curRows.length) * H), prediction: 1, score: 0.5,
      features: { x: w.x, level: w.level, color: w.color, note: null }, segment: { region: w.region },
    }));
    const res = await s.call('POST', '/api/v1/predictions', preds);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await s.server.ctx.stores.events.rollupStep();
  });
  after(() => s.stop());

  test('without a reference the answer says how to make one', async () => {
    const res = await drift('d');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'no_reference');
    assert.match(res.body.message, /vigil reference upload --model d/);
    assert.deepEqual(res.body.features, []);
  });

  test('a file upload makes a profile; the streaming path answers and agrees with the exact one', async () => {
    const up = await upload('d', 'v1', csv(refRows));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.rows, 4000);
    assert.deepEqual(up.body.missing_features, ['note']); // text features are not compared
    assert.deepEqual(up.body.ignored_columns, ['unused']);
    assert.deepEqual(up.body.features.map((f: { feature: string; kind: string }) => [f.feature, f.kind]), [['x', 'numeric'], ['level', 'numeric'], ['color', 'categorical']]);
    assert.deepEqual((await s.call('GET', '/api/v1/models/d/references')).body.references.map((x: { version: string; source: string }) => [x.version, x.source]), [['v1', 'file']]);

    const auto = await drift('d');
    assert.equal(auto.status, 200, JSON.stringify(auto.body));
    assert.equal(auto.body.status, 'ok');
    assert.equal(auto.body.reference.version, 'v1');
    assert.deepEqual(auto.body.window, { from: T, to: T + 2 * H, version: null, segments: {} });
    const f = (body: { features: { feature: string }[] }, name: string) => body.features.find((x) => x.feature === name) as Record<string, any>;
    const x = f(auto.body, 'x'), color = f(auto.body, 'color'), level = f(auto.body, 'level');
    // Evidently's defaults for a reference of 4000 rows: normed Wasserstein and Jensen–Shannon, 0.1
    assert.deepEqual([x.method, x.threshold, x.path], ['wasserstein', 0.1, 'streaming']);
    assert.deepEqual([color.method, color.path, level.method, level.path], ['jensenshannon', 'streaming', 'jensenshannon', 'streaming']);
    assert.equal(x.drifted, true);
    assert.deepEqual(x.reference, { used: 3920, missing: 80, infinite: 0 });
    assert.deepEqual(x.current, { used: 3000, missing: 0, infinite: 0 });
    assert.ok(x.bound.lower <= x.statistic && x.statistic <= x.bound.upper);
    assert.deepEqual(color.unseen_categories, [{ value: 'purple', count: 300 }]);
    assert.equal(color.distribution.kind, 'categorical');
    assert.equal(x.distribution.kind, 'numeric');
    assert.equal(x.distribution.edges.length, x.distribution.reference.length + 1);
    assert.equal(x.series.length, 2);
    assert.equal(x.series[1].statistic, null); // the second hour has no traffic

    // the exact path reads raw values: the same numbers as the core functions on the raw data
    const exact = await drift('d', '&path=exact');
    const ex = f(exact.body, 'x'), ec = f(exact.body, 'color');
    assert.equal(ex.path, 'exact');
    assert.equal(ex.bound, null);
    const w = wassersteinNormed(refRows.map((r) => r.x ?? NaN), curRows.map((r) => r.x));
    assert.ok(w.status === 'ok');
    if (w.status === 'ok') {
      assert.ok(Math.abs(ex.statistic - w.value) < 1e-12);
      assert.ok(x.bound.lower <= w.value && w.value <= x.bound.upper, `${w.value} within [${x.bound.lower}, ${x.bound.upper}]`);
    }
    const js = jensenShannon(refRows.map((r) => r.color), curRows.map((r) => r.color), { kind: 'categorical' });
    assert.ok(js.status === 'ok' && Math.abs(ec.statistic - js.value) < 1e-12 && Math.abs(color.statistic - js.value) < 1e-12);
    assert.equal(exact.body.path, 'exact');
    assert.equal(auto.body.path, 'streaming');
    assert.deepEqual(auto.body.dataset, { drifted_features: auto.body.features.filter((g: { drifted: boolean }) => g.drifted).length, features_with_data: 3, share: auto.body.dataset.share, drift: auto.body.dataset.drift, threshold: 0.5 });
    assert.equal(auto.body.attribution[0].feature, 'x');
    // multivariate: the reconstruction model fitted on the reference, the window's error against its band
    const mv = auto.body.multivariate;
    assert.equal(typeof mv.error, 'number');
    assert.equal(typeof mv.upper, 'number');
    assert.equal(mv.rows, 3000);
    assert.equal(mv.sampled, false);
    assert.equal(mv.series.length, 2);
    assert.equal(typeof mv.series[0].error, 'number');
    assert.equal(mv.series[1].error, null);
    assert.equal((await drift('d', '&path=streaming')).body.multivariate, null);
  });

  test('calibrated thresholds: set per model, shown with the false-alarm rate they give and the default would', async () => {
    assert.equal((await s.call('PUT', '/api/v1/models/d/drift/config', { calibration: { resamples: 40, falseAlarmRate: 0.05 } })).status, 200);
    try {
      const res = await drift('d');
      for (const f of res.body.features) {
        assert.ok(f.calibrated, f.feature);
        assert.equal(f.threshold, f.calibrated.threshold);
        assert.equal(f.calibrated.false_alarm_rate, 0.05);
        assert.ok(f.calibrated.default_false_alarm_rate >= 0 && f.calibrated.default_false_alarm_rate <= 1);
      }
      const x = res.body.features.find((g: { feature: string }) => g.feature === 'x');
      assert.equal(x.drifted, true); // a one-sigma shift on half the traffic is far beyond sampling noise
      // the same answer again: calibrations are kept for the reference, method and window size
      assert.deepEqual((await drift('d')).body.features.map((f: { calibrated: unknown }) => f.calibrated), res.body.features.map((f: { calibrated: unknown }) => f.calibrated));
    } finally {
      assert.equal((await s.call('PUT', '/api/v1/models/d/drift/config', {})).status, 200);
    }
    assert.equal((await s.call('PUT', '/api/v1/models/d/drift/config', { calibration: { falseAlarmRate: 0.9 } })).status, 400);
  });

  test('drift.share and drift.score are catalogue metrics: charts, dashboards and the overview can ask for them', async () => {
    const share = await s.call('GET', `/api/v1/query?metric=drift.share&model=d&from=${T}&to=${T + 2 * H}&step=1h&group_by=model`);
    assert.equal(share.status, 200, JSON.stringify(share.body));
    assert.equal(share.body.series.length, 1);
    assert.deepEqual(share.body.series[0].labels, { model: 'd' });
    const d = await drift('d', '&path=streaming&step=1h');
    const decided = d.body.features.filter((f: { series: { drifted: boolean | null }[] }) => f.series[0]!.drifted !== null);
    const expected = decided.filter((f: { series: { drifted: boolean }[] }) => f.series[0]!.drifted).length / decided.length;
    assert.deepEqual(share.body.series[0].points, [[T, expected], [T + H, null]]);
    const score = await s.call('GET', `/api/v1/query?metric=drift.score&model=d&feature=x&from=${T}&to=${T + 2 * H}&step=1h&group_by=feature`);
    assert.equal(score.status, 200, JSON.stringify(score.body));
    assert.deepEqual(score.body.series.map((x: { labels: Record<string, string> }) => x.labels), [{ feature: 'x' }]);
    assert.equal(score.body.series[0].points[0][1], d.body.features.find((f: { feature: string }) => f.feature === 'x').series[0].statistic);
    assert.equal((await s.call('GET', `/api/v1/query?metric=drift.share&model=d&step=5m`)).status, 400);
  });

  test('a segment filter narrows the window; drift by segment ranks the drifting value first', async () => {
    const us = await drift('d', '&segment.region=us');
    const x = us.body.features.find((g: { feature: string }) => g.feature === 'x');
    assert.equal(x.drifted, false);
    assert.equal(x.current.used, 1500);
    const seg = await s.call('GET', `/api/v1/models/d/drift/segments?segment=region&feature=x&from=${T}&to=${T + 2 * H}`);
    assert.equal(seg.status, 200, JSON.stringify(seg.body));
    assert.deepEqual(seg.body.values.map((v: { value: string }) => v.value), ['eu', 'us']);
    const [eu, usv] = seg.body.values;
    assert.equal(eu.drifted, true);
    assert.equal(usv.drifted, false);
    assert.ok(eu.contribution > usv.contribution);
    assert.equal(eu.count, 1500);
    assert.equal(eu.traffic_share, 0.5);
  });

  test('drift settings per model change the method; a method that needs raw values goes to the exact path', async () => {
    assert.equal((await s.call('PUT', '/api/v1/models/d/drift/config', { features: { color: { method: 'chisquare' } }, numeric: { method: 'psi' } })).status, 200);
    try {
      const res = await drift('d');
      const color = res.body.features.find((g: { feature: string }) => g.feature === 'color');
      const x = res.body.features.find((g: { feature: string }) => g.feature === 'x');
      assert.deepEqual([color.method, color.path, x.method, x.path], ['chisquare', 'streaming', 'psi', 'exact']);
      const counts = (rows: { color: string }[]) => { const m = new Map<string, number>(); for (const w of rows) m.set(w.color, (m.get(w.color) ?? 0) + 1); return m; };
      const chi = chiSquareGoodnessOfFit(counts(refRows), counts(curRows))!;
      assert.equal(color.statistic, chi.statistic === Infinity ? 'Infinity' : chi.statistic);
      assert.equal(res.body.path, 'mixed');
      const only = await drift('d', '&path=streaming');
      const xs = only.body.features.find((g: { feature: string }) => g.feature === 'x');
      assert.deepEqual([xs.statistic, xs.drifted, xs.path], [null, null, null]);
      assert.match(xs.reason, /path=exact/);
    } finally {
      assert.equal((await s.call('PUT', '/api/v1/models/d/drift/config', {})).status, 200);
    }
    const bad = await s.call('PUT', '/api/v1/models/d/drift/config', { features: { x: { method: 'nope' } } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.error.details), /features\.x\.method/);
  });

  test('a production window can be the reference', async () => {
    const res = await s.call('POST', '/api/v1/models/d/versions/v2/reference/window', { from: T, to: T + H, segments: { region: 'us' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.rows, 1500);
    assert.equal(res.body.source, 'window');
    const d = await drift('d', '&reference=v2&segment.region=us');
    assert.equal(d.body.reference.version, 'v2');
    const x = d.body.features.find((g: { feature: string }) => g.feature === 'x');
    assert.equal(x.drifted, false);
    assert.equal(x.path, 'streaming'); // the live histograms follow the newest reference (v2 now), …
    const again = await drift('d', '&reference=v1');
    assert.equal(again.body.features.find((g: { feature: string }) => g.feature === 'x').path, 'exact'); // … so v1 reads raw values
    assert.equal((await s.call('DELETE', '/api/v1/models/d/versions/v2/reference')).status, 204);
    assert.equal((await drift('d', '&reference=v1')).body.features.find((g: { feature: string }) => g.feature === 'x').path, 'streaming');
    assert.equal((await s.call('DELETE', '/api/v1/models/d/versions/v2/reference')).status, 404);
  });

  test('bad input: a precise error, and an accepted reference is kept', async () => {
    const bad = await upload('d', 'v1', 'x,level,color\n1,2,red\noops,2,red\n');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details, [{ field: 'x', message: '1 value is not numbers, e.g. "oops" in data row 2' }]);
    assert.equal((await s.call('GET', '/api/v1/models/d/versions/v1/reference')).body.rows, 4000);
    assert.equal((await upload('d', 'v9', csv(refRows))).status, 404);
    assert.equal((await upload('ghost', 'v1', csv(refRows))).status, 404);
    const noFormat = await upload('d', 'v1', csv(refRows), 'application/octet-stream');
    assert.equal(noFormat.status, 400);
    assert.equal(noFormat.body.error.details[0].field, 'format');
    assert.equal((await upload('d', 'v1', '')).status, 400);
    const json = await s.call('POST', '/api/v1/models/d/versions/v1/reference', { x: 1 });
    assert.equal(json.status, 400);
    assert.equal(json.body.error.details[0].field, 'body');
    assert.equal((await upload('d', 'v1', 'a,b\n1,2\n')).body.error.message.includes('no column named after a feature'), true);
    for (const [params, field] of [['&path=fast', 'path'], ['&step=5m', 'step'], ['&segment.planet=mars', 'segment.planet'], ['&segment.__proto__=eu', 'segment.__proto__'], ['&bogus=1', 'bogus'], ['&reference=v9', null]] as const) {
      const res = await drift('d', params);
      if (field === null) assert.equal(res.status, 404);
      else {
        assert.equal(res.status, 400, params);
        assert.equal(res.body.error.details[0].field, field, params);
      }
    }
    assert.equal((await s.call('GET', `/api/v1/models/d/drift?from=${T + H}&to=${T}`)).status, 400);
    assert.equal((await s.call('GET', '/api/v1/models/d/drift/segments')).body.error.details[0].field, 'segment');
    const win = await s.call('POST', '/api/v1/models/d/versions/v2/reference/window', { from: T + 10 * H, to: T + 11 * H });
    assert.equal(win.status, 400);
    assert.match(win.body.error.message, /no predictions/);
    assert.equal((await s.call('GET', '/api/v1/models/d/versions/v1/reference')).body.rows, 4000);
  });

  test('uploads left behind by a crashed process are removed at start', async () => {
    const fs = await import('node:fs'), path = await import('node:path'), os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crashed-'));
    fs.mkdirSync(path.join(dir, 'uploads'));
    fs.writeFileSync(path.join(dir, 'uploads', 'left-over.csv'), 'x\n1\n');
    const other = await startTestServer({ VIGIL_DATA_DIR: dir });
    try {
      assert.deepEqual(fs.readdirSync(path.join(dir, 'uploads')), []);
    } finally {
      await other.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('viewers read drift but cannot set references', async () => {
    assert.equal((await s.call('POST', '/api/v1/teams', { id: 'risk' })).status, 201);
    await addUser(s, 'vera', [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }]);
    const session = await s.signIn('vera', PW);
    assert.equal((await s.call('GET', `/api/v1/models/d/drift?from=${T}&to=${T + H}`, undefined, { session })).status, 200);
    const up = await s.call('POST', '/api/v1/models/d/versions/v1/reference', undefined, { session, raw: csv(refRows.slice(0, 10)), contentType: 'text/csv' });
    assert.equal(up.status, 403);
    assert.equal((await s.call('GET', '/api/v1/models/d/versions/v1/reference')).body.rows, 4000);
  });
});

describe('drift answers that must agree with each other (review of issue 5)', () => {
  let s: TestServer;
  const g = rng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - g())) * Math.cos(2 * Math.PI * g());
  const from = T - 8 * H, to = T + 2 * H;
  const feature = (body: { features: { feature: string }[] }, name: string) => body.features.find((x) => x.feature === name) as Record<string, any>;

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    const m = { id: 'r', name: 'r', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }, { name: 'k', type: 'numeric' }, { name: 'c', type: 'categorical' }], segments: ['region'] } };
    assert.equal((await s.call('POST', '/api/v1/models', m)).status, 201);
    for (const v of ['v1', 'v2']) assert.equal((await s.call('POST', '/api/v1/models/r/versions', { version: v })).status, 201);
    // eight hours of traffic; eu drifts in x and shows a category the reference never had
    const preds = Array.from({ length: 4000 }, (_, i) => {
      const eu = i % 2 === 1;
      return { id: `q${i}`, model: 'r', version: 'v1', ts: from + Math.floor((i / 4000) * 8 * H), prediction: 1, score: 0.5,
        features: { x: eu ? normal() + 0.5 : normal(), k: i % 20, c: eu && i % 7 === 0 ? 'z' : i % 3 ? 'a' : 'b' }, segment: { region: eu ? 'eu' : 'us' } };
    });
    assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const rows = Array.from({ length: 3000 }, (_, i) => `${normal()},${Math.floor(g() * g() * 20)},${i % 3 ? 'a' : 'b'}`);
    const up = await s.call('POST', '/api/v1/models/r/versions/v1/reference', undefined, { raw: `x,k,c\n${rows.join('\n')}\n`, contentType: 'text/csv' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
  });
  after(() => s.stop());

  test('drift by segment over several hours is the drift of the window filtered to that segment', async () => {
    // small-reference defaults for c (chi-square on 3 values with the current's new category), wasserstein for x
    assert.equal((await s.call('PUT', '/api/v1/models/r/drift/config', { smallReferenceRows: 5000, numeric: { method: 'wasserstein' } })).status, 200);
    try {
      for (const name of ['x', 'c']) {
        const seg = await s.call('GET', `/api/v1/models/r/drift/segments?segment=region&feature=${name}&from=${from}&to=${to}`);
        assert.equal(seg.status, 200, JSON.stringify(seg.body));
        for (const region of ['eu', 'us']) {
          const v = seg.body.values.find((x: { value: string }) => x.value === region);
          const d = feature((await s.call('GET', `/api/v1/models/r/drift?from=${from}&to=${to}&path=streaming&segment.region=${region}`)).body, name);
          assert.equal(typeof d.drifted, 'boolean', `${name} ${region}`);
          assert.equal(v.drifted, d.drifted, `${name} ${region}`);
          if (d.statistic === 'Infinity') assert.equal(v.statistic, null); // chi-square of a category the reference never had
          else assert.ok(Math.abs(v.statistic - d.statistic) <= 1e-12 * Math.max(1, Math.abs(d.statistic)), `${name} ${region}: by segment ${v.statistic}, filtered ${d.statistic}`);
        }
      }
    } finally {
      assert.equal((await s.call('PUT', '/api/v1/models/r/drift/config', {})).status, 200);
    }
  });

  test('PSI on deciles and Hellinger of a numeric feature with few values: the streaming answer is the exact one', async () => {
    for (const method of ['psi_quantile', 'hellinger']) {
      assert.equal((await s.call('PUT', '/api/v1/models/r/drift/config', { features: { k: { method } } })).status, 200);
      const a = feature((await s.call('GET', `/api/v1/models/r/drift?from=${from}&to=${to}&path=streaming`)).body, 'k');
      const e = feature((await s.call('GET', `/api/v1/models/r/drift?from=${from}&to=${to}&path=exact`)).body, 'k');
      assert.deepEqual([a.method, a.path, e.path], [method, 'streaming', 'exact']);
      assert.ok(Math.abs(a.statistic - e.statistic) <= 1e-12, `${method}: streaming ${a.statistic}, exact ${e.statistic}`);
    }
    assert.equal((await s.call('PUT', '/api/v1/models/r/drift/config', {})).status, 200);
  });

  test('a step too fine for the range is refused with the step that works', async () => {
    const res = await s.call('GET', '/api/v1/models/r/drift?from=now-1000d&to=now&step=1h');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].field, 'step');
    assert.match(res.body.error.details[0].message, /at most 1000 points; use a step of at least 24h/);
    assert.equal((await s.call('GET', '/api/v1/models/r/drift?from=now-1000d&to=now&step=1d&path=streaming')).status, 200);
  });

  test('an upload without rows, or to a version that does not exist, leaves the reference as it was', async () => {
    const before = (await s.call('GET', '/api/v1/models/r/versions/v1/reference')).body;
    const empty = await s.call('POST', '/api/v1/models/r/versions/v1/reference', undefined, { raw: 'x,k,c\n', contentType: 'text/csv' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /no data rows/);
    assert.equal((await s.call('GET', '/api/v1/models/r/versions/v1/reference')).body.created_at, before.created_at);
    // the exact path still reads the reference's rows
    const x = feature((await s.call('GET', `/api/v1/models/r/drift?from=${from}&to=${to}&path=exact`)).body, 'x');
    assert.deepEqual([x.status, x.path], ['ok', 'exact']);
    const none = await s.call('POST', '/api/v1/models/r/versions/v9/reference', undefined, { raw: 'x,k,c\n1,2,a\n', contentType: 'text/csv' });
    assert.equal(none.status, 404);
    assert.match(none.body.error.message, /no version "v9"/);
  });

  test('two reference changes at once are made one after the other', async () => {
    // slow the read-back of the first upload so the second one lands in the middle of it
    const events = s.server.ctx.stores.events;
    const read = events.referenceValues.bind(events);
    let calls = 0;
    events.referenceValues = async (...a: Parameters<typeof read>) => {
      if (++calls === 2) await new Promise((res) => setTimeout(res, 400));
      return read(...a);
    };
    try {
      const file = (n: number, c: string) => `x,k,c\n${Array.from({ length: n }, (_, i) => `${i / n},${i % 30},${c}`).join('\n')}\n`;
      const [a, b] = await Promise.all([
        s.call('POST', '/api/v1/models/r/versions/v1/reference?name=A', undefined, { raw: file(1000, 'a'), contentType: 'text/csv' }),
        new Promise((res) => setTimeout(res, 100)).then(() => s.call('POST', '/api/v1/models/r/versions/v2/reference?name=B', undefined, { raw: file(2000, 'b'), contentType: 'text/csv' })),
      ]);
      assert.deepEqual([a.status, b.status], [201, 201]);
      const v1 = (await s.call('GET', '/api/v1/models/r/versions/v1/reference')).body;
      assert.deepEqual(Object.values(v1.features).map((f: any) => f.rows), [1000, 1000, 1000]);
      const [newest] = (await s.call('GET', '/api/v1/models/r/references')).body.references;
      assert.equal(newest.version, 'v2');
      const v2 = (await s.call('GET', '/api/v1/models/r/versions/v2/reference')).body;
      assert.deepEqual((await events.getHistogramSpecs('r')).x, { kind: 'edges', edges: v2.features.x.edges }); // the live histograms follow the newest
    } finally {
      events.referenceValues = read;
    }
  });

  test('a reference with no values for the features: no infinities invented, and the answer says why there is no drift', async () => {
    assert.equal((await s.call('POST', '/api/v1/models', { id: 'e', name: 'e', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }] } })).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/e/versions', { version: '1' })).status, 201);
    const preds = Array.from({ length: 100 }, (_, i) => ({ id: `e${i}`, model: 'e', version: '1', ts: from + i * 1000, prediction: 1, features: { x: i } }));
    assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    assert.equal((await s.call('POST', '/api/v1/models/e/versions/1/reference', undefined, { raw: 'x\n\n\n', contentType: 'text/csv' })).status, 201);
    for (const path of ['auto', 'exact']) {
      const d = await s.call('GET', `/api/v1/models/e/drift?from=${from}&to=${to}&path=${path}`);
      assert.equal(d.body.status, 'no_data', path);
      assert.match(d.body.message, /the reference has no values for x/);
      assert.deepEqual(feature(d.body, 'x').current, { used: 100, missing: 0, infinite: 0 });
    }
  });
});
