import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryLogLossState, logLoss } from '@vigil/core';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;
const MIN = 60_000;
const close = (x: number, y: number, what = '') => assert.ok(Math.abs(x - y) < 1e-12, `${what} ${x} vs ${y}`);

describe('worst segments (GET /api/v1/models/:id/performance/segments)', () => {
  let s: TestServer;
  // baseline hour [T − 2h, T − 1h): eu 9 of 10 right, us 8 of 10; current hour [T − 1h, T): eu 9 of 10, us 15 of 30
  const base = T - 2 * H, cur = T - H;
  type Row = { id: string; ts: number; region: string; channel: string; predicted: string; truth: string; score: number };
  const rows: Row[] = [];
  const add = (start: number, region: string, n: number, right: number) => {
    for (let k = 0; k < n; k++) {
      const i = rows.length, predicted = i % 3 === 0 ? '1' : '0';
      rows.push({ id: `w${i}`, ts: start + i * 1000, region, channel: i % 2 ? 'web' : 'app', predicted, truth: k < right ? predicted : predicted === '1' ? '0' : '1', score: predicted === '1' ? 0.6 + (i % 4) / 10 : 0.1 + (i % 3) / 10 });
    }
  };
  add(base, 'eu', 10, 9); add(base, 'us', 10, 8); add(cur, 'eu', 10, 9); add(cur, 'us', 30, 15);

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    const mk = async (id: string, task: string, segments: string[], classes?: string[]) => assert.equal((await s.call('POST', '/api/v1/models', { id, name: id, task, owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], segments, ...(classes ? { classes } : {}) } })).status, 201);
    await mk('ws', 'binary', ['region', 'channel'], ['0', '1']);
    assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w) => ({ id: w.id, model: 'ws', version: 'v1', ts: w.ts, prediction: w.predicted, score: w.score, features: { x: 1 }, segment: { region: w.region, channel: w.channel } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', rows.map((w) => ({ prediction_id: w.id, model: 'ws', label: w.truth, ts: w.ts + MIN })))).status, 200);
    // regression: baseline eu |e| = 1, us 2; current eu 3, us 2 (two rows each)
    await mk('wr', 'regression', ['region']);
    const reg = [[base, 'eu', 1], [base, 'us', 2], [cur, 'eu', 3], [cur, 'us', 2]].flatMap(([t, region, e], j) => [0, 1].map((k) => ({ id: `r${j}-${k}`, ts: (t as number) + j * 1000 + k, region: region as string, y: 10, p: 10 + (k ? e as number : -(e as number)) })));
    assert.equal((await s.call('POST', '/api/v1/predictions', reg.map((w) => ({ id: w.id, model: 'wr', version: 'v1', ts: w.ts, prediction: w.p, features: { x: 1 }, segment: { region: w.region } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', reg.map((w) => ({ prediction_id: w.id, model: 'wr', label: w.y, ts: w.ts + MIN })))).status, 200);
    await mk('wn', 'binary', []);
    await s.server.ctx.stores.events.rollupStep();
  });
  after(() => s.stop());

  const seg = (id: string, params = '', opts = {}) => s.call('GET', `/api/v1/models/${id}/performance/segments?from=${cur}&to=${T}${params}`, undefined, opts);
  const find = (by: { segment: string; segments: { value: string }[] }[], key: string, value: string) => by.find((b) => b.segment === key)!.segments.find((x) => x.value === value) as any;

  test('accuracy: the change splits into within and mix parts, as worked by hand, ranked by |total|', async () => {
    const res = await seg('ws', '&segment=region');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    assert.deepEqual([b.metric, b.status, b.higher_is_better], ['accuracy', 'ok', true]);
    assert.deepEqual({ ...b.current, value: undefined }, { from: cur, to: T, n: 40, value: undefined });
    assert.deepEqual({ ...b.baseline, value: undefined }, { from: base, to: cur, n: 20, value: undefined });
    close(b.current.value, 24 / 40); close(b.baseline.value, 17 / 20); close(b.change, 0.6 - 0.85);
    assert.equal(b.by.length, 1);
    const [us, eu] = b.by[0].segments;
    assert.deepEqual([us.value, us.rank, eu.value, eu.rank], ['us', 1, 'eu', 2]);
    // us: w_cur 0.75, w_ref 0.5, v 0.8 → 0.5; within 0.75·(0.5 − 0.8), mix 0.25·(0.8 − 0.85)
    assert.deepEqual([us.baseline, us.current], [{ n: 10, value: 0.8 }, { n: 30, value: 0.5 }]);
    close(us.within, -0.225, 'us within'); close(us.mix, -0.0125, 'us mix'); close(us.total, -0.2375, 'us total'); close(us.share, 0.95, 'us share');
    // eu: w_cur 0.25, w_ref 0.5, v 0.9 → 0.9; within 0, mix −0.25·(0.9 − 0.85)
    close(eu.within, 0, 'eu within'); close(eu.mix, -0.0125, 'eu mix'); close(eu.total, -0.0125, 'eu total'); close(eu.share, 0.05, 'eu share');
    assert.equal(us.presence, 'both');
  });

  test('every key of the model is ranked separately by default; each key\'s parts add up to the change', async () => {
    const b = (await seg('ws')).body;
    assert.deepEqual(b.by.map((x: { segment: string }) => x.segment), ['region', 'channel']);
    for (const key of b.by) {
      close(key.segments.reduce((a: number, x: { total: number }) => a + x.total, 0), b.change, key.segment);
      close(key.segments.reduce((a: number, x: { share: number }) => a + x.share, 0), 1, key.segment);
      const totals = key.segments.map((x: { total: number }) => Math.abs(x.total));
      assert.deepEqual(totals, [...totals].sort((x: number, y: number) => y - x));
    }
    // channel by counting: each value's accuracy in each window
    const acc = (start: number, ch: string) => {
      const mine = rows.filter((w) => w.ts >= start && w.ts < start + H && w.channel === ch);
      return { n: mine.length, value: mine.filter((w) => w.predicted === w.truth).length / mine.length };
    };
    for (const ch of ['web', 'app']) {
      const got = find(b.by, 'channel', ch);
      assert.equal(got.current.n, acc(cur, ch).n);
      close(got.current.value, acc(cur, ch).value);
      assert.equal(got.baseline.n, acc(base, ch).n);
      close(got.baseline.value, acc(base, ch).value);
    }
  });

  test('the default baseline is the window of the same length right before; an explicit one gives the same', async () => {
    const explicit = (await seg('ws', `&baseline_from=${base}&baseline_to=${cur}`)).body;
    const implicit = (await seg('ws')).body;
    assert.deepEqual(explicit, implicit);
    // a baseline from elsewhere: both hours against the current one
    const wide = (await seg('ws', `&segment=region&baseline_from=${base - H}&baseline_to=${cur}`)).body;
    assert.deepEqual([wide.baseline.from, wide.baseline.to, wide.baseline.n], [base - H, cur, 20]);
  });

  test('error rate, log loss: other row-weighted means, the same split', async () => {
    const er = (await seg('ws', '&segment=region&metric=error_rate')).body;
    assert.equal(er.higher_is_better, false);
    close(er.change, 0.25);
    close(find(er.by, 'region', 'us').total, 0.2375);
    close(find(er.by, 'region', 'us').share, 0.95);
    const ll = (await seg('ws', '&segment=region&metric=log_loss')).body;
    const lossOf = (start: number) => {
      const mine = rows.filter((w) => w.ts >= start && w.ts < start + H);
      return (logLoss(binaryLogLossState(mine.map((w) => w.score), mine.map((w) => w.truth === '1'))) as { value: number }).value;
    };
    close(ll.current.value, lossOf(cur)); close(ll.baseline.value, lossOf(base));
    close(ll.by[0].segments.reduce((a: number, x: { total: number }) => a + x.total, 0), ll.change);
  });

  test('regression: MAE (default) and MSE', async () => {
    const mae = (await seg('wr')).body;
    assert.equal(mae.metric, 'mae');
    close(mae.baseline.value, 1.5); close(mae.current.value, 2.5); close(mae.change, 1);
    const eu = find(mae.by, 'region', 'eu'), us = find(mae.by, 'region', 'us');
    close(eu.within, 1); close(eu.mix, 0); close(eu.share, 1); close(us.total, 0);
    const mse = (await seg('wr', '&metric=mse')).body;
    close(mse.baseline.value, 2.5); close(mse.current.value, 6.5);
    close(find(mse.by, 'region', 'eu').within, 4);
  });

  test('no labelled predictions in a window: no_data with the reason', async () => {
    const empty = await s.call('GET', `/api/v1/models/ws/performance/segments?from=${T - 10 * H}&to=${T - 9 * H}`);
    assert.equal(empty.status, 200);
    assert.deepEqual([empty.body.status, empty.body.change, empty.body.by], ['no_data', null, []]);
    assert.match(empty.body.reason, /either window/);
    const noBase = await s.call('GET', `/api/v1/models/ws/performance/segments?from=${base}&to=${cur}`);
    assert.equal(noBase.body.status, 'no_data');
    assert.match(noBase.body.reason, /baseline/);
    assert.equal(noBase.body.current.n, 20);
    assert.equal((await seg('ws', '&version=v9')).body.status, 'no_data');
  });

  const BAD: [string, string, string, string][] = [
    ['a regression metric for a classifier', 'ws', '&metric=mae', 'metric'],
    ['a classifier metric for a regression model', 'wr', '&metric=accuracy', 'metric'],
    ['a metric that is not a row-weighted mean', 'ws', '&metric=roc_auc', 'metric'],
    ['a segment key the model lacks', 'ws', '&segment=planet', 'segment'],
    ['a model without segments', 'wn', '', 'segment'],
    ['baseline_from without baseline_to', 'ws', `&baseline_from=${base}`, 'baseline_to'],
    ['baseline_to without baseline_from', 'ws', `&baseline_to=${cur}`, 'baseline_from'],
    ['a baseline that ends before it starts', 'ws', `&baseline_from=${cur}&baseline_to=${base}`, 'baseline_from'],
    ['a baseline bound that is not a time', 'ws', '&baseline_from=yesterday&baseline_to=now', 'baseline_from'],
    ['an unknown parameter', 'ws', '&segment.region=eu', 'segment.region'],
  ];
  for (const [name, id, params, field] of BAD) {
    test(`400 naming the field: ${name}`, async () => {
      const res = await seg(id, params);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), [field], JSON.stringify(res.body));
    });
  }

  test('a model without segments is told so plainly; from ≥ to is a 400', async () => {
    const res = await seg('wn');
    assert.match(res.body.error.message, /declares no segments/);
    assert.match(res.body.error.hint, /schema\.segments/);
    const rev = await s.call('GET', `/api/v1/models/ws/performance/segments?from=${T}&to=${cur}`);
    assert.equal(rev.status, 400);
    assert.equal(rev.body.error.details[0].field, 'from');
    assert.equal((await s.call('GET', '/api/v1/models/ws/performance/segments')).status, 200);
  });

  test('404 for an unknown model; 403 without access to it; 401 without a caller', async () => {
    assert.equal((await seg('ghost')).status, 404);
    await addUser(s, 'ws-viewer', [{ role: 'viewer', scope: { kind: 'models', models: ['wr'] } }]);
    const session = await s.signIn('ws-viewer', PW);
    assert.equal((await seg('wr', '', { session })).status, 200);
    const denied = await seg('ws', '', { session });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    assert.equal((await seg('ws', '', { token: null })).status, 401);
  });
});
