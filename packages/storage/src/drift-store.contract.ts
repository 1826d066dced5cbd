import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { VigilError } from '@vigil/core';
import { contractModel, pred, type EventStoreHarness } from './event-store.contract.ts';
import type { RollupQuery } from './event-store.ts';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;
const MODEL = contractModel();

const hourly = (over: Partial<RollupQuery> = {}): RollupQuery => ({
  from: T0 - HOUR, to: T0 + 3 * HOUR, stepMs: HOUR, models: ['fraud'], versions: null, segments: {}, groupBy: [], filters: {}, ...over,
});

/** Reference rows, histograms and value counts: what the drift monitor needs from an EventStore. */
export function runDriftStoreContract(name: string, make: () => Promise<EventStoreHarness>): void {
  async function withStore(fn: (h: EventStoreHarness, dir: string) => Promise<void>): Promise<void> {
    const h = await make();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ref-'));
    try {
      await h.store.applyModel(MODEL);
      await fn(h, dir);
    } finally {
      await h.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  describe(`EventStore drift contract: ${name}`, () => {
    test('a reference file loads by feature name (any case), replaces the version\'s earlier rows and reads back per feature', () =>
      withStore(async ({ store }, dir) => {
        const file = path.join(dir, 'ref.csv');
        fs.writeFileSync(file, 'AMOUNT,country,extra\n1.5,DE,x\n,FR,y\n3,DE,z\n');
        const load = await store.loadReferenceFile(MODEL, 'v1', file, 'csv');
        assert.deepEqual(load, { rows: 3, features: ['amount', 'country'], missing: ['is_new'], ignored: ['extra'] });
        const amount = await store.referenceValues(MODEL, 'v1', 'amount');
        assert.equal(amount.kind, 'numeric');
        assert.deepEqual([...(amount.values as Float64Array)].map((x) => (Number.isNaN(x) ? 'NaN' : x)), [1.5, 'NaN', 3]);
        assert.deepEqual((await store.referenceValues(MODEL, 'v1', 'country')).values, ['DE', 'FR', 'DE']);
        fs.writeFileSync(file, 'amount,country\n7,IT\n');
        assert.equal((await store.loadReferenceFile(MODEL, 'v1', file, 'csv')).rows, 1);
        assert.deepEqual([...(await store.referenceValues(MODEL, 'v1', 'amount')).values], [7]);
        // categories are kept as written, whatever type the column's values look like
        for (const values of [['2.50', '1.0'], ['007', '10']]) {
          fs.writeFileSync(file, `amount,country\n${values.map((v, i) => `${i},${v}`).join('\n')}\n`);
          await store.loadReferenceFile(MODEL, 'v1', file, 'csv');
          assert.deepEqual((await store.referenceValues(MODEL, 'v1', 'country')).values, values);
        }
        await store.deleteReference('fraud', 'v1');
        assert.equal((await store.referenceValues(MODEL, 'v1', 'amount')).values.length, 0);
      }));

    test('a value that does not fit its feature refuses the whole file, naming the column and the row', () =>
      withStore(async ({ store }, dir) => {
        const ok = path.join(dir, 'ok.csv');
        fs.writeFileSync(ok, 'amount\n1\n2\n');
        await store.loadReferenceFile(MODEL, 'v1', ok, 'csv');
        const bad = path.join(dir, 'bad.csv');
        fs.writeFileSync(bad, 'amount,country\n1,DE\nabc,FR\n2,DE\n');
        await assert.rejects(store.loadReferenceFile(MODEL, 'v1', bad, 'csv'), (e: unknown) => {
          assert.ok(e instanceof VigilError);
          assert.equal(e.code, 'validation_failed');
          assert.equal(e.details[0]?.field, 'amount');
          assert.match(e.details[0]?.message ?? '', /1 value is not numbers?, e\.g\. "abc" in data row 2/);
          return true;
        });
        // the earlier reference is untouched
        assert.deepEqual([...(await store.referenceValues(MODEL, 'v1', 'amount')).values], [1, 2]);
        const none = path.join(dir, 'none.csv');
        fs.writeFileSync(none, 'a,b\n1,2\n');
        await assert.rejects(store.loadReferenceFile(MODEL, 'v1', none, 'csv'), /no column named after a feature/);
        const garbage = path.join(dir, 'x.parquet');
        fs.writeFileSync(garbage, 'not parquet');
        await assert.rejects(store.loadReferenceFile(MODEL, 'v1', garbage, 'parquet'), (e: unknown) => {
          assert.ok(e instanceof VigilError && e.code === 'validation_failed');
          assert.ok(!e.message.includes(dir), `the server's path stays out of the message: ${e.message}`);
          return true;
        });
        // a header without rows, or a window without predictions, keeps the earlier rows too
        const empty = path.join(dir, 'empty.csv');
        fs.writeFileSync(empty, 'amount,country\n');
        await assert.rejects(store.loadReferenceFile(MODEL, 'v1', empty, 'csv'), /no data rows/);
        await assert.rejects(store.loadReferenceWindow(MODEL, 'v1', { from: T0, to: T0 + HOUR, versions: null, segments: {} }), /no predictions/);
        assert.deepEqual([...(await store.referenceValues(MODEL, 'v1', 'amount')).values], [1, 2]);
      }));

    test('a window of predictions becomes a reference; window values can be sampled', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: MODEL, records: Array.from({ length: 200 }, (_, i) => pred(i)) });
        const w = { from: T0, to: T0 + 100_000, versions: ['v1'], segments: { region: 'eu' } };
        const load = await store.loadReferenceWindow(MODEL, 'v0', w);
        assert.equal(load.rows, 50); // ids 1, 3, …, 99
        const values = await store.windowValues(MODEL, 'amount', w);
        assert.equal(values.total, 50);
        assert.equal(values.values.length, 50);
        const sample = await store.windowValues(MODEL, 'country', { ...w, segments: {} }, 10);
        assert.deepEqual([sample.total, sample.values.length], [100, 10]);
        const rows = await store.windowRows(MODEL, ['amount', 'country'], w, 20);
        assert.equal(rows.total, 50);
        assert.equal(rows.ts.length, 20);
        for (let i = 1; i < rows.ts.length; i++) assert.ok(rows.ts[i]! >= rows.ts[i - 1]!);
        // row-aligned: an odd id's amount is its index, its country DE (pred())
        for (let i = 0; i < rows.ts.length; i++) {
          assert.equal(rows.columns[0]!.values[i], (rows.ts[i]! - T0) / 1000);
          assert.equal(rows.columns[1]!.values[i], 'DE');
        }
        const sorted = (v: ArrayLike<unknown>) => Array.from(v as ArrayLike<number>).sort((a, b) => a - b);
        assert.deepEqual(sorted((await store.referenceValues(MODEL, 'v0', 'amount')).values), sorted(values.values));
      }));

    test('value counts are kept per hour for categorical features; numeric histograms follow the specs, recounted when they change', () =>
      withStore(async ({ store }) => {
        await store.appendPredictions({ model: MODEL, records: Array.from({ length: 100 }, (_, i) => pred(i)) });
        await store.rollupStep();
        const counts = await store.queryValueCounts(hourly());
        const country = counts.filter((r) => r.feature === 'country');
        assert.deepEqual(Object.fromEntries(country.map((r) => [r.value, r.count])), { DE: 50, FR: 50 });
        assert.deepEqual(Object.fromEntries(counts.filter((r) => r.feature === 'is_new').map((r) => [r.value, r.count])), { true: 34, false: 66 });
        assert.deepEqual(await store.queryHistograms(hourly()), []);
        // amount: i, null when i % 10 == 0 → 90 values 1..99
        await store.setHistogramSpecs(MODEL, { amount: { kind: 'edges', edges: [10, 50] } });
        assert.deepEqual(await store.getHistogramSpecs('fraud'), { amount: { kind: 'edges', edges: [10, 50] } });
        const bins = (await store.queryHistograms(hourly())).sort((a, b) => a.bin - b.bin);
        assert.deepEqual(bins.map((b) => [b.bin, b.count, b.min, b.max]), [[0, 9, 1, null], [1, 36, null, null], [2, 45, null, 99]]);
        // specs and the rows counted on them, in one snapshot
        const snap = await store.readDriftCounts('fraud', hourly());
        assert.deepEqual(snap.specs, { amount: { kind: 'edges', edges: [10, 50] } });
        assert.deepEqual(snap.histograms.map((b) => [b.bin, b.count]).sort((a, b) => a[0]! - b[0]!), bins.map((b) => [b.bin, b.count]));
        assert.deepEqual(snap.values.filter((r) => r.feature === 'country').map((r) => r.count).sort(), [50, 50]);
        // later folds use the specs too
        await store.appendPredictions({ model: MODEL, records: [pred(1000, { features: { amount: 10, country: 'IT', is_new: true }, ts: T0 + 5000 })] });
        await store.rollupStep();
        const after = (await store.queryHistograms(hourly())).find((b) => b.bin === 1);
        assert.equal(after?.count, 37); // 10 is the first edge: bin 1 holds it
        // by value, grouped by segment
        await store.setHistogramSpecs(MODEL, { amount: { kind: 'values' } });
        assert.deepEqual(await store.queryHistograms(hourly()), []);
        const bySeg = await store.queryValueCounts(hourly({ groupBy: ['segment.region'], filters: { feature: 'amount' } }));
        assert.equal(bySeg.filter((r) => r.group['segment.region'] === 'eu').reduce((a, r) => a + r.count, 0), 50); // odd ids 1..99, never null
        assert.equal(bySeg.every((r) => r.feature === 'amount'), true);
      }));

    test('a value equal to an edge is counted in the bin that edge starts, for any double', () =>
      withStore(async ({ store }) => {
        // edges of 17 significant digits: a store that rounds them moves the values lying on them
        const edges = [-0.9680594898873315, 0.013832575231790543, 0.10221394836902617, 99999999958755500000];
        const values = [...edges, -0.9680594898873316, 0.013832575231790541, 0.10221394836902616, 99999999958755480000, -0, 5e-324, -1e308, 1e308];
        await store.appendPredictions({ model: MODEL, records: values.map((x, i) => pred(i + 1, { features: { amount: x, country: 'DE', is_new: false } })) });
        await store.rollupStep();
        await store.setHistogramSpecs(MODEL, { amount: { kind: 'edges', edges } });
        const expected = new Map<number, number>();
        for (const x of values) { const bin = edges.filter((e) => e <= x).length; expected.set(bin, (expected.get(bin) ?? 0) + 1); }
        const got = new Map((await store.queryHistograms(hourly())).map((b) => [b.bin, b.count]));
        assert.deepEqual([...got].sort((a, b) => a[0] - b[0]), [...expected].sort((a, b) => a[0] - b[0]));
      }));
  });
}
