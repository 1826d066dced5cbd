import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Model, NormalizedPrediction } from '@vigil/core';
import type { EventStoreHarness } from './event-store.contract.ts';
import type { EventStore, ScoredRows, WindowFilter } from './event-store.ts';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const model = (id: string, task: Model['task'], classes?: string[]): Model => ({
  id, name: id, task, owner_team: null, tags: [], description: null,
  schema: { features: [{ name: 'x', type: 'numeric', nullable: true }], segments: ['region'], ...(classes ? { classes } : {}) },
  schema_version: 1, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(),
});

const CHURN = model('churn', 'binary'); // no classes: scores['1'] or scores['true'] stand in for score
const SPAM = model('spam', 'binary', ['ham', 'spam']);
const TRIAGE = model('triage', 'multiclass', ['a', 'b', 'c']);
const PRICE = model('price', 'regression');

function prediction(m: Model, i: number, over: Partial<NormalizedPrediction>): NormalizedPrediction {
  return {
    id: `p${i}`, model: m.id, version: i % 3 ? 'v1' : 'v2', ts: T0 + i * 61_000, features: { x: i }, prediction: '0', score: null, scores: null,
    latency_ms: null, batch_size: null, segment: { region: i % 2 ? 'eu' : 'us' }, feature_ts: null, ...over,
  };
}

/** n predictions of a model, scored as the task allows: some by `score`, some by `scores` only, some not at all. */
function predictions(m: Model, n: number): NormalizedPrediction[] {
  return Array.from({ length: n }, (_, i) => {
    const s = ((i * 37) % 101) / 100;
    if (m.task === 'multiclass') {
      const a = s / 2, b = (1 - a) / 3;
      return prediction(m, i, { prediction: ['a', 'b', 'c'][i % 3] as string, scores: i % 7 === 0 ? null : { a, b, c: 1 - a - b }, score: i % 5 === 0 ? 0.5 : null });
    }
    if (m.task === 'regression') return prediction(m, i, { prediction: String(i / 4), score: i % 6 === 0 ? null : s });
    const positive = m === SPAM ? 'spam' : i % 2 ? 'true' : '1';
    if (i % 7 === 0) return prediction(m, i, { prediction: positive, scores: { [positive]: s } }); // scores only
    if (i % 11 === 0) return prediction(m, i, { prediction: positive, scores: { other: s } }); // no P(positive): not scored
    return prediction(m, i, { prediction: i % 2 ? positive : 'no', score: s });
  });
}

/** What scoredRows must return: the scored predictions of the window, in time order. */
function expected(m: Model, preds: NormalizedPrediction[], w: WindowFilter) {
  const positive = (p: NormalizedPrediction) => p.score ?? (m === SPAM ? p.scores?.spam : p.scores?.['1'] ?? p.scores?.true) ?? null;
  return preds
    .filter((p) => p.ts >= w.from && p.ts < w.to && (w.versions === null || w.versions.includes(p.version)) && Object.entries(w.segments).every(([k, v]) => p.segment[k] === v))
    .filter((p) => (m.task === 'multiclass' ? p.scores !== null : m.task === 'binary' ? positive(p) !== null : p.score !== null))
    .sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1))
    .map((p) => ({ ts: p.ts, prediction: m.task === 'regression' ? null : p.prediction, score: m.task === 'binary' ? positive(p) : p.score, scores: m.task === 'multiclass' ? p.scores : null }));
}

const asRows = (r: ScoredRows) => [...r.ts].map((ts, i) => ({
  ts, prediction: r.prediction[i] ?? null, score: Number.isNaN(r.score[i]) ? null : (r.score[i] as number),
  scores: r.scores[i] === null ? null : (JSON.parse(r.scores[i] as string) as Record<string, number>),
}));

const ALL: WindowFilter = { from: T0 - DAY, to: T0 + DAY, versions: null, segments: {} };

/** The scored predictions of a window, labelled or not: what label-free performance estimation reads. */
export function runScoredRowsContract(name: string, make: () => Promise<EventStoreHarness>): void {
  async function withStore(fn: (store: EventStore) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      for (const m of [CHURN, SPAM, TRIAGE, PRICE]) await h.store.applyModel(m);
      await fn(h.store);
    } finally {
      await h.cleanup();
    }
  }

  describe(`EventStore scored-rows contract: ${name}`, () => {
    test('every task: the scored predictions of the window, labelled or not, folded or not, in time order', () =>
      withStore(async (store) => {
        for (const m of [CHURN, SPAM, TRIAGE, PRICE]) {
          const preds = predictions(m, 300);
          await store.appendPredictions({ model: m, records: preds });
          // a few labels: labelled predictions are scored rows like the others
          await store.appendLabels(preds.slice(0, 20).map((p) => ({ model: m.id, prediction_id: p.id, label: '1', ts: p.ts + HOUR })));
          const want = expected(m, preds, ALL);
          assert.ok(want.length > 200 && want.length < 300, `${m.id}: ${want.length}`);
          const got = await store.scoredRows(m, ALL, 10_000);
          assert.equal(got.total, want.length, m.id);
          assert.deepEqual(asRows(got), want, m.id);
          // the window's bounds, versions and segments
          const w: WindowFilter = { from: T0 + 40 * 61_000, to: T0 + 250 * 61_000, versions: ['v1'], segments: { region: 'eu' } };
          const part = await store.scoredRows(m, w, 10_000);
          assert.deepEqual(asRows(part), expected(m, preds, w), `${m.id} filtered`);
          assert.equal(part.total, expected(m, preds, w).length);
          // the same after a fold
          await store.rollupStep();
          assert.deepEqual(asRows(await store.scoredRows(m, ALL, 10_000)), want, `${m.id} folded`);
        }
      }));

    test('beyond the limit: a uniform sample without replacement, the same on every call, in time order; limit 0 counts only', () =>
      withStore(async (store) => {
        const preds = predictions(SPAM, 2000);
        await store.appendPredictions({ model: SPAM, records: preds });
        const want = expected(SPAM, preds, ALL);
        const key = (r: { ts: number; score: number | null }) => `${r.ts}:${r.score}`;
        const all = new Set(want.map(key));
        const a = await store.scoredRows(SPAM, ALL, 300), b = await store.scoredRows(SPAM, ALL, 300);
        assert.equal(a.total, want.length);
        assert.equal(a.ts.length, 300);
        assert.deepEqual(asRows(a), asRows(b));
        const rows = asRows(a);
        for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.ts >= rows[i - 1]!.ts);
        assert.equal(new Set(rows.map(key)).size, 300); // no row twice
        for (const r of rows) assert.ok(all.has(key(r)));
        // uniform over time: each quarter of the window holds about a quarter of the sample
        const first = want[0]!.ts, span = want.at(-1)!.ts - first + 1;
        const quarters = [0, 0, 0, 0];
        for (const r of rows) quarters[Math.floor(((r.ts - first) / span) * 4)]!++;
        for (const q of quarters) assert.ok(q > 45 && q < 105, `quarters ${quarters}`);
        // a larger limit keeps every row of the smaller sample (the same hash order)
        const bigger = new Set(asRows(await store.scoredRows(SPAM, ALL, 600)).map(key));
        for (const r of rows) assert.ok(bigger.has(key(r)));
        const none = await store.scoredRows(SPAM, ALL, 0);
        assert.deepEqual([none.total, none.ts.length, none.prediction.length, none.score.length, none.scores.length], [want.length, 0, 0, 0, 0]);
        const empty = await store.scoredRows(SPAM, { ...ALL, from: T0 + 10 * DAY, to: T0 + 11 * DAY }, 100);
        assert.deepEqual([empty.total, empty.ts.length], [0, 0]);
      }));
  });
}
