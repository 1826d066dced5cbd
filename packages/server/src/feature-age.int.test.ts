import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, T, type TestServer } from './testing/test-server.ts';

const MIN = 60_000;
let s: TestServer;

/**
 * Feature age of prediction i, ms (null: no feature_ts sent). Minutes 0–9: 1 s to 10 min, with
 * one prediction in 60 whose features are stamped 2 s after it; minute 12: all stamped after.
 */
function age(i: number): number | null {
  if (i >= 720) return -3_000;
  if (i % 5 === 4) return null;
  if (i % 60 === 0) return -2_000;
  return 1_000 + ((i * 7919) % 600_000);
}
const ids = [...Array.from({ length: 600 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 720 + i)];
const record = (i: number, wire: 'iso' | 'ms') => {
  const a = age(i), ts = T + i * 1000;
  if (a === null) return prediction(i);
  return prediction(i, { feature_ts: wire === 'iso' ? new Date(ts - a).toISOString() : ts - a });
};

before(async () => {
  s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
  assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 201);
  // half as a JSON array with RFC 3339 feature_ts, half as NDJSON with epoch milliseconds
  const half = ids.length >> 1;
  const json = await s.call('POST', '/api/v1/predictions', ids.slice(0, half).map((i) => record(i, 'iso')));
  assert.equal(json.status, 200, JSON.stringify(json.body));
  const nd = await s.call('POST', '/api/v1/predictions', undefined, { raw: ids.slice(half).map((i) => JSON.stringify(record(i, 'ms'))).join('\n'), contentType: 'application/x-ndjson' });
  assert.equal(nd.status, 200, JSON.stringify(nd.body));
  await s.server.ctx.stores.events.rollupStep();
});
after(() => s.stop());

/** The core's rank rule: the value of rank floor(q·(n − 1)), ages below 0 counted as 0. */
function exact(q: number, keep: (i: number) => boolean): number {
  const ages = ids.filter(keep).map(age).filter((a): a is number => a !== null).map((a) => Math.max(0, a)).sort((a, b) => a - b);
  return ages[Math.floor(q * (ages.length - 1))] as number;
}
const within = (got: number, want: number, what: string) =>
  assert.ok(want === 0 ? got === 0 : Math.abs(got - want) / want <= 0.01, `${what}: ${got} vs exact ${want}`);

async function points(metric: string, step: string, to = T + 10 * MIN) {
  const r = await s.call('GET', `/api/v1/query?metric=${metric}&model=fraud&from=${T}&to=${to}&step=${step}&group_by=model`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.unit, 'ms');
  assert.equal(r.body.series.length, 1);
  return new Map<number, number | null>(r.body.series[0].points);
}

test('feature_age.p50 and p99 are in the catalogue, in ms, with a 1% error', async () => {
  const r = await s.call('GET', '/api/v1/metrics/catalog');
  assert.equal(r.status, 200);
  for (const name of ['feature_age.p50', 'feature_age.p99']) {
    const m = r.body.metrics.find((x: { name: string }) => x.name === name);
    assert.ok(m, name);
    assert.equal(m.unit, 'ms');
    assert.match(m.description, /1% relative error/);
    assert.match(m.description, /count as age 0/);
  }
});

test('over the whole window and minute by minute, the quantiles are within 1% of the exact ones', async () => {
  for (const [metric, q] of [['feature_age.p50', 0.5], ['feature_age.p99', 0.99]] as const) {
    const whole = await points(metric, '10m');
    within(whole.get(T) as number, exact(q, (i) => i < 600), `${metric} over 10 min`);
    const minutes = await points(metric, '1m');
    for (let m = 0; m < 10; m++) within(minutes.get(T + m * MIN) as number, exact(q, (i) => i >= m * 60 && i < (m + 1) * 60), `${metric} minute ${m}`);
  }
});

test('features stamped after their prediction count as age 0; minutes without feature_ts have no point', async () => {
  for (const metric of ['feature_age.p50', 'feature_age.p99']) {
    const p = await points(metric, '1m', T + 13 * MIN);
    assert.equal(p.get(T + 12 * MIN), 0);
    assert.equal(p.get(T + 11 * MIN) ?? null, null);
  }
  // latency quantiles are untouched by the feature-age sketches
  const lat = await points('latency.p50', '10m');
  within(lat.get(T) as number, [...Array.from({ length: 600 }, (_, i) => 5 + (i % 40))].sort((a, b) => a - b)[299] as number, 'latency.p50');
});

test('a feature_ts that is not a timestamp is refused, naming the field', async () => {
  const bad = await s.call('POST', '/api/v1/predictions', [prediction(900, { feature_ts: 'yesterday' })]);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors[0].reasons.map((r: { field: string; kind: string }) => [r.field, r.kind]), [['feature_ts', 'invalid_field']]);
  // with a valid record beside it, that one is stored and the other refused
  const mixed = await s.call('POST', '/api/v1/predictions', [prediction(901, { feature_ts: T }), prediction(902, { feature_ts: { at: T } })]);
  assert.equal(mixed.status, 207);
  assert.equal(mixed.body.accepted, 1);
  assert.equal(mixed.body.errors[0].index, 1);
  assert.equal(mixed.body.errors[0].reasons[0].field, 'feature_ts');
});
