import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { binValue, sketchQuantile, type Model, type NormalizedPrediction } from '@vigil/core';
import type { EventStore, RollupQuery } from './event-store.ts';

/**
 * The one behaviour every EventStore backend must show. A backend's test file calls this
 * with a factory that makes a fresh, empty store (and, where the backend persists, a way
 * to reopen the same data).
 */
export interface EventStoreHarness {
  store: EventStore;
  cleanup: () => Promise<void>;
  reopen?: () => Promise<EventStore>;
}

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;

export const contractModel = (id = 'fraud', extra: Partial<Model['schema']> = {}): Model => ({
  id,
  name: id,
  task: 'binary',
  owner_team: null,
  tags: [],
  description: null,
  schema: {
    features: [
      { name: 'amount', type: 'numeric', nullable: true },
      { name: 'country', type: 'categorical', nullable: true },
      { name: 'is_new', type: 'boolean', nullable: true },
    ],
    segments: ['region'],
    ...extra,
  },
  schema_version: 1,
  created_at: new Date(T0).toISOString(),
  updated_at: new Date(T0).toISOString(),
});

export function pred(i: number, over: Partial<NormalizedPrediction> = {}): NormalizedPrediction {
  return {
    id: `p${i}`,
    model: 'fraud',
    version: 'v1',
    ts: T0 + i * 1000,
    features: { amount: i % 10 === 0 ? null : i, country: i % 2 ? 'DE' : 'FR', is_new: i % 3 === 0 },
    prediction: i % 2 ? '1' : '0',
    score: (i % 100) / 100,
    scores: null,
    latency_ms: 10 + (i % 50),
    batch_size: 1,
    segment: { region: i % 2 ? 'eu' : 'us' },
    feature_ts: null,
    ...over,
  };
}

const query = (over: Partial<RollupQuery> = {}): RollupQuery => ({
  from: T0 - HOUR,
  to: T0 + 3 * HOUR,
  stepMs: MIN,
  models: ['fraud'],
  versions: null,
  segments: {},
  groupBy: [],
  filters: {},
  ...over,
});

const FRAUD = contractModel();
const total = (rows: { count: number }[]) => rows.reduce((a, r) => a + r.count, 0);

export function runEventStoreContract(name: string, make: () => Promise<EventStoreHarness>): void {
  async function withStore(fn: (h: EventStoreHarness) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      await h.store.applyModel(contractModel());
      await fn(h);
    } finally {
      await h.cleanup();
    }
  }

  describe(`EventStore contract: ${name}`, () => {
    test('appended predictions read back exactly; re-sending them stores nothing new', () =>
      withStore(async ({ store }) => {
        const recs = Array.from({ length: 300 }, (_, i) => pred(i));
        assert.deepEqual(await store.appendPredictions({ model: FRAUD, records: recs }), { inserted: 300, duplicates: 0 });
        assert.deepEqual(await store.appendPredictions({ model: FRAUD, records: recs.slice(0, 120) }), { inserted: 0, duplicates: 120 });
        const back = await store.listPredictions({ model: 'fraud', limit: 1000 });
        assert.equal(back.length, 300);
        const p7 = back.find((p) => p.id === 'p7');
        assert.deepEqual(p7, pred(7));
      }));

    test('concurrent appends: each gets its own exact counts; the same ids sent twice at once are stored once', () =>
      withStore(async ({ store }) => {
        const a = Array.from({ length: 100 }, (_, i) => pred(i));
        const b = Array.from({ length: 100 }, (_, i) => pred(100 + i));
        await store.appendPredictions({ model: FRAUD, records: b.slice(0, 30) });
        const results = await Promise.all([
          store.appendPredictions({ model: FRAUD, records: a }),
          store.appendPredictions({ model: FRAUD, records: a }),
          store.appendPredictions({ model: FRAUD, records: b }),
          store.appendPredictions({ model: FRAUD, records: Array.from({ length: 10 }, (_, i) => pred(500 + i)) }),
        ]);
        assert.equal(results[0]!.inserted + results[1]!.inserted, 100);
        assert.equal(results[0]!.duplicates + results[1]!.duplicates, 100);
        assert.deepEqual(results[2], { inserted: 70, duplicates: 30 });
        assert.deepEqual(results[3], { inserted: 10, duplicates: 0 });
        assert.equal((await store.listPredictions({ model: 'fraud', limit: 1000 })).length, 210);
      }));

    test('two clients retrying the same batches at once: counts add up to what was stored', () =>
      withStore(async ({ store }) => {
        const x = Array.from({ length: 10 }, (_, i) => pred(i));
        const y = Array.from({ length: 10 }, (_, i) => pred(100 + i));
        const results = await Promise.all([x, y, x, y, x].map((records) => store.appendPredictions({ model: FRAUD, records })));
        const stored = (await store.listPredictions({ model: 'fraud', limit: 1000 })).length;
        assert.equal(stored, 20);
        assert.equal(results.reduce((a, r) => a + r.inserted, 0), 20);
        assert.equal(results.reduce((a, r) => a + r.duplicates, 0), 30);
        // with another model object of the same schema in flight (a registry refresh)
        const again = await Promise.all([store.appendPredictions({ model: { ...FRAUD }, records: [pred(7), pred(300)] }), store.appendPredictions({ model: FRAUD, records: [pred(301), pred(8)] })]);
        assert.deepEqual(again.map((r) => r.inserted), [1, 1]);
      }));

    test('an id reused at a distant time is judged on its own time range, loaded alone or with others', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: [pred(1)] });
        const later = pred(1, { ts: T0 + 2 * HOUR });
        const results = await Promise.all([
          store.appendPredictions({ model: FRAUD, records: [pred(2)] }),
          store.appendPredictions({ model: FRAUD, records: [later] }),
        ]);
        assert.deepEqual(results.map((r) => r.inserted), [1, 1]);
      }));

    test('a raw JSON or NDJSON body loads the same as the records', () =>
      withStore(async ({ store }) => {
        const recs = Array.from({ length: 50 }, (_, i) => pred(i));
        const wire = recs.map((r) => ({ ...r, ts: new Date(r.ts).toISOString(), scores: undefined, feature_ts: undefined }));
        const json = new TextEncoder().encode(JSON.stringify(wire));
        assert.equal((await store.appendPredictions({ model: FRAUD, records: recs, raw: { bytes: json, format: 'json' } })).inserted, 50);
        const more = Array.from({ length: 50 }, (_, i) => pred(i + 50));
        const nd = new TextEncoder().encode(more.map((r) => JSON.stringify({ ...r, scores: undefined })).join('\n'));
        assert.equal((await store.appendPredictions({ model: FRAUD, records: more, raw: { bytes: nd, format: 'ndjson' } })).inserted, 50);
        const back = await store.listPredictions({ model: 'fraud', limit: 1000 });
        assert.equal(back.length, 100);
        assert.deepEqual(back.find((p) => p.id === 'p3'), pred(3));
        assert.deepEqual(back.find((p) => p.id === 'p53'), pred(53));
      }));

    test('rollups count predictions per bucket, latency quantiles within the sketch error, and survive rebuild', () =>
      withStore(async ({ store }) => {
        const recs = Array.from({ length: 600 }, (_, i) => pred(i));
        await store.appendPredictions({ model: FRAUD, records: recs.slice(0, 400) });
        await store.rollupStep();
        await store.appendPredictions({ model: FRAUD, records: recs.slice(400) });
        await store.rollupStep();
        const rows = await store.queryInference(query());
        assert.equal(rows.length, 10);
        assert.ok(rows.every((r) => r.count === 60 && r.bucket % MIN === 0));
        assert.equal(total(rows), 600);
        const bins = await store.queryBins('latency', query({ stepMs: HOUR }));
        const sketch = new Map<number, number>();
        for (const b of bins) sketch.set(b.bin, (sketch.get(b.bin) ?? 0) + b.count);
        const sorted = recs.map((r) => r.latency_ms as number).sort((a, b) => a - b);
        const exact = sorted[Math.floor(0.99 * (sorted.length - 1))] as number;
        const p99 = sketchQuantile(sketch, 0.99) as number;
        assert.ok(Math.abs(p99 - exact) / exact <= 0.01, `${p99} vs ${exact}`);
        // the store's quantile bins agree with the core's rule applied to the raw bins
        for (const qn of [0, 0.5, 0.9, 0.99, 1]) {
          const perMinute = await store.queryLatencyQuantile(qn, query({ groupBy: ['segment.region'] }));
          const binsM = await store.queryBins('latency', query({ groupBy: ['segment.region'] }));
          assert.ok(perMinute.length > 0);
          for (const row of perMinute) {
            const sk = new Map<number, number>();
            for (const b of binsM) if (b.bucket === row.bucket && b.group['segment.region'] === row.group['segment.region']) sk.set(b.bin, (sk.get(b.bin) ?? 0) + b.count);
            assert.equal(binValue(row.bin), sketchQuantile(sk, qn), `q=${qn} ${JSON.stringify(row)}`);
          }
        }
        const before = await store.queryInference(query({ stepMs: HOUR }));
        await store.rebuildRollups();
        assert.deepEqual(await store.queryInference(query({ stepMs: HOUR })), before);
      }));

    test('feature age: DDSketch bins of ts − feature_ts for the predictions that send it (features stamped later count 0), kept apart from latency, quantiles within 1%', () =>
      withStore(async ({ store }) => {
        // ages from 1 ms to about an hour; every fourth without feature_ts; every 50th stamped 5 s after its prediction
        const age = (i: number) => (i % 4 === 3 ? null : i % 50 === 0 ? -5_000 : 1 + ((i * 7919) % 3_600_000));
        const recs = Array.from({ length: 600 }, (_, i) => {
          const a = age(i);
          return pred(i, { feature_ts: a === null ? null : T0 + i * 1000 - a });
        });
        await store.appendPredictions({ model: FRAUD, records: recs.slice(0, 250) });
        await store.rollupStep();
        await store.appendPredictions({ model: FRAUD, records: recs.slice(250) });
        await store.rollupStep();
        const ages = recs.map((_, i) => age(i)).filter((a): a is number => a !== null).map((a) => Math.max(a, 0)).sort((a, b) => a - b);
        const bins = await store.queryBins('feature_age', query({ stepMs: HOUR }));
        assert.equal(total(bins), ages.length);
        assert.equal(total(await store.queryBins('latency', query({ stepMs: HOUR }))), 600);
        const sketch = new Map<number, number>();
        for (const b of bins) sketch.set(b.bin, (sketch.get(b.bin) ?? 0) + b.count);
        for (const qn of [0, 0.05, 0.5, 0.9, 0.99, 1]) {
          const exact = ages[Math.floor(qn * (ages.length - 1))] as number;
          const got = sketchQuantile(sketch, qn) as number;
          assert.ok(exact === 0 ? got === 0 : Math.abs(got - exact) / exact <= 0.01, `q=${qn}: ${got} vs ${exact}`);
          // the store's quantile bins of the kind agree with the core's rule over its bins
          const picked = await store.queryLatencyQuantile(qn, query({ groupBy: ['segment.region'] }), 'feature_age');
          const binsM = await store.queryBins('feature_age', query({ groupBy: ['segment.region'] }));
          assert.ok(picked.length > 0);
          for (const row of picked) {
            const sk = new Map<number, number>();
            for (const b of binsM) if (b.bucket === row.bucket && b.group['segment.region'] === row.group['segment.region']) sk.set(b.bin, (sk.get(b.bin) ?? 0) + b.count);
            assert.equal(binValue(row.bin), sketchQuantile(sk, qn), `q=${qn} ${JSON.stringify(row)}`);
          }
        }
        const rows = async () => (await store.queryBins('feature_age', query({ stepMs: HOUR, groupBy: ['version', 'segment.region'] }))).map((r) => JSON.stringify(r)).sort();
        const before = await rows();
        await store.rebuildRollups();
        assert.deepEqual(await rows(), before);
      }));

    test('labels count once whether they arrive before or after their prediction', () =>
      withStore(async ({ store }) => {
        await store.appendLabels([{ model: 'fraud', prediction_id: 'p1', label: '1', ts: T0 + 5000 }]);
        await store.rollupStep();
        await store.appendPredictions({ model: FRAUD, records: [pred(1), pred(2), pred(3)] });
        await store.rollupStep();
        await store.appendLabels([
          { model: 'fraud', prediction_id: 'p2', label: '0', ts: T0 + 9000 },
          { model: 'fraud', prediction_id: 'p1', label: '1', ts: T0 + 9500 },
        ]);
        assert.deepEqual(await store.appendLabels([{ model: 'fraud', prediction_id: 'p2', label: '0', ts: T0 + 9000 }]), { inserted: 0, duplicates: 1 });
        await store.rollupStep();
        const rows = await store.queryInference(query({ stepMs: HOUR }));
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.count, 3);
        assert.equal(rows[0]?.labelled, 2);
      }));

    test('folding with nothing new changes nothing and does not move the head', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: [pred(1)] });
        const a = await store.rollupStep();
        const b = await store.rollupStep();
        const c = await store.rollupStep();
        assert.equal(b.rows, 0);
        assert.equal(c.head, a.head);
        assert.equal(total(await store.queryInference(query())), 1);
      }));

    test('late data folds into its own old bucket and nothing else', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: [pred(0), pred(3600)] });
        await store.rollupStep();
        await store.appendPredictions({ model: FRAUD, records: [pred(1)] });
        await store.rollupStep();
        const rows = await store.queryInference(query({ stepMs: HOUR }));
        assert.deepEqual(rows.map((r) => [r.bucket, r.count]), [[T0, 2], [T0 + HOUR, 1]]);
      }));

    test('compaction keeps answers identical', () =>
      withStore(async ({ store }) => {
        for (let k = 0; k < 15; k++) {
          await store.appendPredictions({ model: FRAUD, records: Array.from({ length: 10 }, (_, i) => pred(k * 10 + i)) });
          await store.rollupStep();
        }
        const rows = await store.queryInference(query());
        assert.equal(total(rows), 150);
        const seg = await store.queryInference(query({ stepMs: HOUR, groupBy: ['segment.region'] }));
        assert.deepEqual(seg.map((r) => [r.group['segment.region'], r.count]).sort(), [['eu', 75], ['us', 75]]);
      }));

    test('filters by segment and groups by version', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: Array.from({ length: 40 }, (_, i) => pred(i, { version: i < 10 ? 'v2' : 'v1' })) });
        await store.rollupStep();
        const eu = await store.queryInference(query({ stepMs: HOUR, segments: { region: 'eu' } }));
        assert.equal(total(eu), 20);
        const byVersion = await store.queryInference(query({ stepMs: HOUR, groupBy: ['version'] }));
        assert.deepEqual(byVersion.map((r) => [r.group.version, r.count]).sort(), [['v1', 30], ['v2', 10]]);
      }));

    test('feature rollups give null counts and numeric sums per hour', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: Array.from({ length: 100 }, (_, i) => pred(i)) });
        await store.rollupStep();
        const rows = await store.queryFeatures(query({ stepMs: HOUR }));
        const amount = rows.find((r) => r.feature === 'amount');
        assert.equal(amount?.count, 100);
        assert.equal(amount?.nulls, 10);
        assert.equal(amount?.sum, Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 0 : i)).reduce((a, b) => a + b, 0));
        assert.equal(rows.find((r) => r.feature === 'country')?.nulls, 0);
      }));

    test('a schema change adds a feature; older rows read it as null', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: FRAUD, records: [pred(1)] });
        const m2 = contractModel();
        m2.schema.features.push({ name: 'channel', type: 'categorical', nullable: true });
        m2.schema_version = 2;
        await store.applyModel(m2);
        await store.appendPredictions({ model: m2, records: [pred(2, { features: { ...pred(2).features, channel: 'web' } })] });
        const back = await store.listPredictions({ model: 'fraud', limit: 10 });
        assert.equal(back.find((p) => p.id === 'p1')?.features.channel, null);
        assert.equal(back.find((p) => p.id === 'p2')?.features.channel, 'web');
      }));

    test('metric samples aggregate per step, filter by label, dedupe by series and time', () =>
      withStore(async ({ store }) => {
        const s = (host: string, i: number, value: number) => ({ name: 'cpu', labels: { host }, ts: T0 + i * 10_000, value });
        const samples = [s('a', 0, 10), s('a', 1, 20), s('a', 2, 30), s('b', 0, 100)];
        assert.equal((await store.appendMetricSamples(samples)).inserted, 4);
        assert.equal((await store.appendMetricSamples(samples)).duplicates, 4);
        const base = { name: 'cpu', from: T0, to: T0 + MIN, stepMs: MIN, labels: {}, groupBy: [] };
        assert.deepEqual((await store.querySamples({ ...base, agg: 'avg', labels: { host: 'a' } })).map((r) => r.value), [20]);
        assert.deepEqual((await store.querySamples({ ...base, agg: 'sum' })).map((r) => r.value), [160]);
        const last = await store.querySamples({ ...base, agg: 'last', groupBy: ['host'] });
        assert.deepEqual(last.map((r) => [r.group.host, r.value]).sort(), [['a', 30], ['b', 100]]);
      }));

    test('logs, quality counts, pipeline and training runs round-trip', () =>
      withStore(async ({ store }) => {
        await store.appendLogs([
          { id: 'l1', ts: T0, model: 'fraud', level: 'error', message: 'boom', error_class: 'Timeout', attributes: { a: 1 } },
          { id: 'l2', ts: T0 + 1000, model: 'fraud', level: 'info', message: 'ok', error_class: null, attributes: {} },
        ]);
        const errs = await store.queryLogs(query({ filters: { level: 'error' } }));
        assert.equal(total(errs), 1);
        const grouped = await store.queryLogs(query({ groupBy: ['model', 'level', 'error_class'] }));
        assert.deepEqual(grouped.map((r) => [r.group, r.count]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
          [{ model: 'fraud', level: 'error', error_class: 'Timeout' }, 1],
          [{ model: 'fraud', level: 'info', error_class: '' }, 1],
        ]);
        assert.equal((await store.listLogs({ model: 'fraud', limit: 10 }))[1]?.attributes.a, 1);
        await store.appendPredictions({ model: FRAUD, records: [], quality: [{ model: 'fraud', minute: T0, feature: 'amount', kind: 'out_of_range', count: 3 }] });
        await store.appendPredictions({ model: FRAUD, records: [pred(900)], quality: [{ model: 'fraud', minute: T0, feature: 'amount', kind: 'out_of_range', count: 2 }] });
        assert.equal(total(await store.queryQuality(query({ groupBy: ['feature', 'kind'] }))), 5);
        const run = { pipeline: 'features', run_id: 'r1', stage: 'load', status: 'succeeded' as const, started_at: T0, ended_at: T0 + 5000, model: 'fraud', rows_in: 10, rows_out: 9, bytes: 100, quality: { nulls: 0 }, schema_checks: null };
        await store.appendPipelineRuns([run, run]);
        assert.deepEqual(await store.listPipelineRuns({ limit: 10 }), [run]);
        const tr = { run_id: 't1', model: 'fraud', version: 'v1', status: 'succeeded' as const, started_at: T0, ended_at: T0 + 1000, params: { lr: 0.1 }, metrics: { loss: [[0, 1], [1, 0.5]] as [number, number][] }, dataset_sizes: { train: 100 } };
        await store.appendTrainingRuns([tr]);
        assert.deepEqual(await store.listTrainingRuns({ model: 'fraud', limit: 10 }), [tr]);
      }));

    test('whole-record quality facts (feature "") sit beside violations, filtered and grouped by kind', () =>
      withStore(async ({ store }) => {
        await store.applyModel(contractModel('churn'));
        await store.appendPredictions({ model: FRAUD, records: [pred(1)], quality: [
          { model: 'fraud', minute: T0, feature: 'amount', kind: 'out_of_range', count: 2 },
          { model: 'fraud', minute: T0, feature: '', kind: 'refused', count: 2 },
          { model: 'fraud', minute: T0 + MIN, feature: '', kind: 'duplicate', count: 1 },
        ] });
        // duplicates known only after an append are recorded by a quality-only one
        await store.appendPredictions({ model: FRAUD, records: [], quality: [{ model: 'fraud', minute: T0 + MIN, feature: '', kind: 'duplicate', count: 4 }] });
        await store.appendPredictions({ model: contractModel('churn'), records: [], quality: [{ model: 'churn', minute: T0, feature: '', kind: 'duplicate', count: 9 }] });
        const dup = await store.queryQuality(query({ filters: { kind: 'duplicate' } }));
        assert.deepEqual(dup.map((r) => [r.bucket, r.count]), [[T0 + MIN, 5]]);
        const byKind = await store.queryQuality(query({ stepMs: HOUR, groupBy: ['feature', 'kind'] }));
        assert.deepEqual(byKind.map((r) => [r.group.feature, r.group.kind, r.bucket, r.count]).sort(), [['', 'duplicate', T0, 5], ['', 'refused', T0, 2], ['amount', 'out_of_range', T0, 2]]);
        const runs = [0, 1, 2].map((i) => ({ pipeline: 'p', run_id: `r${i}`, stage: 'load', status: 'succeeded' as const, started_at: T0 + i * HOUR, ended_at: null, model: i === 1 ? 'churn' : 'fraud', rows_in: null, rows_out: null, bytes: null, quality: { ok: true }, schema_checks: null }));
        await store.appendPipelineRuns(runs);
        assert.deepEqual((await store.listPipelineRuns({ model: 'fraud', from: T0, to: T0 + 2 * HOUR, limit: 10 })).map((r) => r.run_id), ['r0']);
        assert.deepEqual((await store.listPipelineRuns({ model: 'fraud', from: T0, to: T0 + 2 * HOUR + 1, limit: 10 })).map((r) => r.run_id), ['r2', 'r0']);
      }));

    test('overview sums per model with a latency sketch', () =>
      withStore(async ({ store }) => {
        await store.applyModel(contractModel('churn'));
        await store.appendPredictions({ model: FRAUD, records: Array.from({ length: 30 }, (_, i) => pred(i)) });
        await store.appendPredictions({ model: contractModel('churn'), records: Array.from({ length: 12 }, (_, i) => pred(i, { model: 'churn' })) });
        await store.rollupStep();
        const ov = await store.overview(T0 - HOUR, T0 + HOUR);
        assert.deepEqual(ov.map((r) => [r.model, r.count]).sort(), [['churn', 12], ['fraud', 30]]);
        // an unaligned range counts only the minutes it covers: pred(i) is at T0 + i s
        const part = await store.overview(T0 + 10 * MIN, T0 + 2 * HOUR);
        assert.deepEqual(part.map((r) => [r.model, r.count]), []);
        await store.appendPredictions({ model: FRAUD, records: Array.from({ length: 120 }, (_, i) => pred(1000 + i * 60)) });
        await store.rollupStep();
        const edge = await store.overview(T0 + 30 * MIN, T0 + HOUR + 5 * MIN);
        // pred(1000 + 60k) sits at T0 + 1000 s + k min: minutes 30..64 hold k = 14..48
        assert.equal(edge.find((r) => r.model === 'fraud')?.count, 35);
        assert.ok((ov.find((r) => r.model === 'fraud')?.latency_bins.size ?? 0) > 0);
      }));

    test('values stored as text read the same whichever path loaded them', () =>
      withStore(async ({ store }) => {
        const model = contractModel('typed', { features: [{ name: 'plan', type: 'categorical', nullable: true }], segments: ['tier'] });
        await store.applyModel(model);
        const rec = (id: string, v: unknown) => ({ id, model: 'typed', version: 'v1', ts: T0, features: { plan: v }, prediction: v, segment: { tier: v } });
        const wire = [rec('a', 1), rec('b', true), rec('c', 'x'), rec('d', -12)];
        const norm = (id: string, v: string): NormalizedPrediction => ({ ...pred(0), id, model: 'typed', features: { plan: v }, prediction: v, segment: { tier: v }, score: null, latency_ms: null, batch_size: null });
        const records = [norm('a', '1'), norm('b', 'true'), norm('c', 'x'), norm('d', '-12')];
        await store.appendPredictions({ model, records, raw: { bytes: new TextEncoder().encode(JSON.stringify(wire)), format: 'json' } });
        await store.appendPredictions({ model, records: records.map((r) => ({ ...r, id: `${r.id}2` })) });
        const back = await store.listPredictions({ model: 'typed', limit: 10 });
        for (const [id, v] of [['a', '1'], ['b', 'true'], ['c', 'x'], ['d', '-12']]) {
          for (const key of [id, `${id}2`]) {
            const p = back.find((x) => x.id === key);
            assert.deepEqual([p?.prediction, p?.features.plan, p?.segment.tier], [v, v, v], key);
          }
        }
      }));

    test('regression predictions keep their numeric value on both paths', () =>
      withStore(async ({ store }) => {
        const model: Model = { ...contractModel('eta', { features: [], segments: [] }), task: 'regression' };
        await store.applyModel(model);
        const r = (id: string, v: number): NormalizedPrediction => ({ ...pred(0), id, model: 'eta', features: {}, segment: {}, prediction: String(v) });
        const wire = [{ id: 'r1', model: 'eta', version: 'v1', ts: T0, features: {}, prediction: 12.5 }];
        await store.appendPredictions({ model, records: [r('r1', 12.5)], raw: { bytes: new TextEncoder().encode(JSON.stringify(wire)), format: 'json' } });
        await store.appendPredictions({ model, records: [r('r2', 0.1), r('r3', 1e-7)] });
        const back = new Map((await store.listPredictions({ model: 'eta', limit: 10 })).map((p) => [p.id, p.prediction]));
        assert.deepEqual([back.get('r1'), back.get('r2'), back.get('r3')], ['12.5', '0.1', '1e-7']);
      }));

    test('committed data survives a reopen', async () => {
      const h = await make();
      try {
        if (!h.reopen) return;
        await h.store.applyModel(contractModel());
        await h.store.appendPredictions({ model: FRAUD, records: [pred(1), pred(2)] });
        await h.store.rollupStep();
        await h.store.close();
        const again = await h.reopen();
        await again.applyModel(contractModel());
        assert.equal((await again.listPredictions({ model: 'fraud', limit: 10 })).length, 2);
        assert.equal(total(await again.queryInference(query())), 2);
        assert.equal((await again.appendPredictions({ model: FRAUD, records: [pred(1)] })).duplicates, 1);
        await again.close();
      } finally {
        await h.cleanup();
      }
    });
  });
}
