import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accuracy,
  approximateRocAuc,
  binaryLogLossState,
  calibrationState,
  confusionFromCells,
  confusionFromLabels,
  DEFAULT_AUC_SCORE_BINS,
  emptyCalibration,
  emptyLogLoss,
  emptyScoreHistogram,
  mergeLogLoss,
  mergeRegression,
  multiclassLogLossState,
  precisionRecallFscore,
  regressionMetrics,
  regressionState,
  scoreHistogram,
  scoreRow,
  seededRng,
  type CalibrationState,
  type LogLossState,
  type Model,
  type NormalizedLabel,
  type NormalizedPrediction,
  type RegressionState,
  type ScoreHistogram,
} from '@vigil/core';
import type { EventStoreHarness } from './event-store.contract.ts';
import type { EventStore, PerformanceRows, RollupQuery } from './event-store.ts';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const model = (id: string, task: Model['task'], classes?: string[]): Model => ({
  id, name: id, task, owner_team: null, tags: [], description: null,
  schema: { features: [{ name: 'x', type: 'numeric', nullable: true }], segments: ['region'], ...(classes ? { classes } : {}) },
  schema_version: 1, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(),
});

const BINARY = model('churn', 'binary'); // no classes: '1' or 'true' is positive
const SPAM = model('spam', 'binary', ['ham', 'spam']); // positive: 'spam'
const TRIAGE = model('triage', 'multiclass', ['a', 'b', 'c']);
const PRICE = model('price', 'regression');

const window = (over: Partial<RollupQuery> = {}): RollupQuery => ({
  from: T0 - DAY, to: T0 + 2 * DAY, stepMs: 3 * DAY, models: null, versions: null, segments: {}, groupBy: [], filters: {}, ...over,
});

function prediction(m: Model, i: number, over: Partial<NormalizedPrediction>): NormalizedPrediction {
  return {
    id: `p${i}`, model: m.id, version: i % 3 ? 'v1' : 'v2', ts: T0 + i * 97_000, features: { x: i }, prediction: '0', score: null, scores: null,
    latency_ms: null, batch_size: null, segment: { region: i % 2 ? 'eu' : 'us' }, feature_ts: null, ...over,
  };
}
const label = (m: Model, i: number, value: string, ts: number): NormalizedLabel => ({ model: m.id, prediction_id: `p${i}`, label: value, ts });

/** Scores that sit on AUC and calibration bin edges as often as inside them. */
const EDGES = [0, 1, 0.2, 0.4, 0.6000000000000001, 0.6, 0.30000000000000004, 0.7000000000000001, 0.5, 0.01, 0.99];
function score(rng: () => number): number {
  const r = rng();
  if (r < 0.2) return EDGES[Math.floor(rng() * EDGES.length)] as number;
  if (r < 0.6) return Math.round(rng() * 100) / 100;
  return rng();
}

/**
 * Predictions and labels of one model: some labelled before, some after, some corrected, some
 * never. `labels` arrive in ts order; `late` ones arrive after all of them: corrections of labels
 * folded long before, and labels older than the one they would correct (which must change nothing).
 */
function dataset(m: Model, n: number, seed: number): { preds: NormalizedPrediction[]; labels: NormalizedLabel[]; late: NormalizedLabel[] } {
  const rng = seededRng(seed);
  const classes = m.task === 'multiclass' ? ['a', 'b', 'c'] : m === SPAM ? ['ham', 'spam'] : ['0', '1'];
  const preds: NormalizedPrediction[] = [], labels: NormalizedLabel[] = [], late: NormalizedLabel[] = [];
  for (let i = 0; i < n; i++) {
    let p: NormalizedPrediction;
    if (m.task === 'regression') {
      const y = 1e6 + Math.round(rng() * 1000) / 100; // large labels, small spread: R² needs the shift
      p = prediction(m, i, { prediction: String(y + (rng() - 0.5) * 3) });
      if (rng() < 0.8) labels.push(label(m, i, i % 37 === 0 ? 'n/a' : String(y), p.ts + Math.floor(rng() * DAY)));
    } else {
      const s = score(rng);
      const predicted = classes[Math.floor(rng() * classes.length)] as string;
      if (m.task === 'multiclass') {
        const a = rng(), b = rng() * (1 - a);
        const scores: Record<string, number> = i % 5 === 0 ? { a, b } : { a, b, c: 1 - a - b };
        p = prediction(m, i, { prediction: predicted, scores: i % 11 === 0 ? null : scores });
      } else {
        // binary: mostly `score`, sometimes only `scores`, sometimes neither
        const useScores = i % 7 === 0, none = i % 13 === 0;
        p = prediction(m, i, { prediction: predicted, score: useScores || none ? null : s, scores: useScores ? { [classes[1] as string]: s } : null });
      }
      if (rng() < 0.8) {
        const truth = rng() < s ? (classes[classes.length - 1] as string) : (classes[Math.floor(rng() * classes.length)] as string);
        const odd = m === SPAM && i % 17 === 0 ? 'eggs' : m === BINARY && i % 19 === 0 ? 'true' : truth;
        labels.push(label(m, i, odd, p.ts + Math.floor(rng() * DAY)));
      }
    }
    preds.push(p);
    const last = labels.at(-1);
    if (last?.prediction_id === p.id) {
      const other = (k: number) => (m.task === 'regression' ? String(Number(p.prediction) + k) : (classes[k % classes.length] as string));
      if (i % 9 === 0) labels.push({ ...last, label: other(1), ts: last.ts + HOUR });
      if (i % 4 === 0) late.push({ ...last, label: other(2), ts: last.ts + 3 * DAY });
      if (i % 6 === 0) late.push({ ...last, label: other(3), ts: last.ts - 1 });
    }
  }
  return { preds, labels: labels.sort((a, b) => a.ts - b.ts), late };
}

/** Each prediction with its latest label: what every metric must be computed from. */
function joined(preds: NormalizedPrediction[], labels: NormalizedLabel[]) {
  const latest = new Map<string, NormalizedLabel>();
  for (const l of labels) if ((latest.get(l.prediction_id)?.ts ?? -Infinity) < l.ts) latest.set(l.prediction_id, l);
  return preds.filter((p) => latest.has(p.id)).map((p) => ({ p, l: latest.get(p.id) as NormalizedLabel }));
}

interface States {
  labelled: number;
  delay: number;
  cells: { truth: string; predicted: string; count: number }[];
  logLoss: LogLossState;
  regression: RegressionState | null;
  regressionSkipped: number;
  histograms: Map<string, ScoreHistogram>;
  calibration: Map<string, CalibrationState>;
}

/** The core's states computed directly from the joined rows (the reference). */
function expected(m: Model, rows: ReturnType<typeof joined>): States {
  const out: States = {
    labelled: rows.length, delay: rows.reduce((a, r) => a + (r.l.ts - r.p.ts), 0), cells: [], logLoss: emptyLogLoss(), regression: null,
    regressionSkipped: 0, histograms: new Map(), calibration: new Map(),
  };
  const addScored = (cls: string, s: number[], pos: boolean[]) => {
    if (s.length === 0) return;
    out.histograms.set(cls, scoreHistogram(s, pos));
    for (const bins of [5, 10]) out.calibration.set(`${cls}/${bins}`, calibrationState(s, pos, bins));
  };
  if (m.task === 'regression') {
    const ok = rows.filter((r) => Number.isFinite(Number(r.l.label)) && r.l.label.trim() !== '');
    out.regressionSkipped = rows.length - ok.length;
    out.regression = regressionState(ok.map((r) => Number(r.l.label)), ok.map((r) => Number(r.p.prediction)));
    return out;
  }
  out.cells = [...confusionCellsOf(rows.map((r) => r.l.label), rows.map((r) => r.p.prediction))];
  if (m.task === 'binary') {
    const classes = m.schema.classes, positive = classes ? [classes[1]] : ['1', 'true'];
    const scored = rows.flatMap((r) => {
      const s = r.p.score ?? r.p.scores?.[positive[0] as string] ?? null;
      return s === null ? [] : [{ s, label: r.l.label }];
    });
    const inClasses = scored.filter((r) => !classes || classes.includes(r.label));
    const s = inClasses.map((r) => r.s), pos = inClasses.map((r) => positive.includes(r.label));
    out.logLoss = { ...binaryLogLossState(s, pos), skipped: scored.length - inClasses.length };
    addScored(positive[0] as string, s, pos);
  } else {
    const classes = m.schema.classes as string[];
    const scored = rows.filter((r) => r.p.scores !== null);
    out.logLoss = multiclassLogLossState(scored.map((r) => r.l.label), scored.map((r) => scoreRow(r.p.scores as Record<string, number>, classes)), classes);
    const inClasses = scored.filter((r) => classes.includes(r.l.label));
    for (const c of classes) addScored(c, inClasses.map((r) => r.p.scores?.[c] ?? 0), inClasses.map((r) => r.l.label === c));
  }
  return out;
}

function confusionCellsOf(truth: string[], predicted: string[]) {
  const s = confusionFromLabels(truth, predicted);
  return s.labels.flatMap((t, i) => s.labels.map((p, j) => ({ truth: t, predicted: p, count: s.matrix[i]?.[j] ?? 0 }))).filter((c) => c.count > 0);
}

/** The states rebuilt from a store's rows by summing them, as the server does. */
function fromRows(r: PerformanceRows): States {
  const hist = new Map<string, ScoreHistogram>(), cal = new Map<string, CalibrationState>();
  for (const s of r.scores) {
    const h = hist.get(s.class) ?? emptyScoreHistogram(DEFAULT_AUC_SCORE_BINS);
    h.positives[s.bin]! += s.positives;
    h.negatives[s.bin]! += s.negatives;
    hist.set(s.class, h);
  }
  for (const c of r.calibration) {
    const key = `${c.class}/${c.bins}`, st = cal.get(key) ?? emptyCalibration(c.bins);
    st.counts[c.bin]! += c.count;
    st.scoreSums[c.bin]! += c.score_sum;
    st.positives[c.bin]! += c.positives;
    cal.set(key, st);
  }
  const regs = r.totals.map((t) => t.regression).filter((s) => s.n > 0);
  return {
    labelled: r.totals.reduce((a, t) => a + t.labelled, 0), delay: r.totals.reduce((a, t) => a + t.delay_sum, 0), cells: r.confusion,
    logLoss: mergeLogLoss(...r.totals.map((t) => t.log_loss)), regression: regs.length ? mergeRegression(regs[0] as RegressionState, ...regs.slice(1)) : null,
    regressionSkipped: r.totals.reduce((a, t) => a + t.regression_skipped, 0), histograms: hist, calibration: cal,
  };
}

const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);

function assertSameMetrics(got: States, want: States) {
  assert.equal(got.labelled, want.labelled, 'labelled');
  assert.equal(got.delay, want.delay, 'label delay');
  const a = confusionFromCells(got.cells), b = confusionFromCells(want.cells);
  assert.deepEqual(a, b, 'confusion');
  assert.deepEqual(accuracy(a), accuracy(b));
  for (const average of ['macro', 'weighted', 'micro'] as const) assert.deepEqual(precisionRecallFscore(a, { average }), precisionRecallFscore(b, { average }));
  assert.equal(got.logLoss.n, want.logLoss.n, 'log-loss rows');
  assert.equal(got.logLoss.skipped, want.logLoss.skipped, 'log-loss skipped');
  close(got.logLoss.sum, want.logLoss.sum, 1e-12, 'log-loss sum');
  assert.equal(got.regressionSkipped, want.regressionSkipped);
  assert.equal(got.regression?.n ?? 0, want.regression?.n ?? 0, 'regression rows');
  if (want.regression && want.regression.n > 0) {
    const g = regressionMetrics(got.regression as RegressionState), w = regressionMetrics(want.regression);
    for (const k of ['mae', 'mse', 'rmse', 'mape', 'r2'] as const) {
      const gv = g[k], wv = w[k];
      assert.ok(gv.status === 'ok' && wv.status === 'ok', k);
      close(gv.value, wv.value, 1e-9, k);
    }
  }
  assert.deepEqual([...got.histograms.keys()].sort(), [...want.histograms.keys()].sort(), 'score histogram classes');
  for (const [cls, h] of want.histograms) {
    assert.deepEqual(got.histograms.get(cls), h, `score histogram of ${cls}`);
    assert.deepEqual(approximateRocAuc(got.histograms.get(cls) as ScoreHistogram), approximateRocAuc(h));
  }
  assert.deepEqual([...got.calibration.keys()].sort(), [...want.calibration.keys()].sort(), 'calibration classes');
  for (const [key, c] of want.calibration) {
    const g = got.calibration.get(key) as CalibrationState;
    assert.deepEqual([g.counts, g.positives], [c.counts, c.positives], `calibration bins of ${key}`);
    g.scoreSums.forEach((x, i) => close(x, c.scoreSums[i] as number, 1e-12, `calibration score sum ${key}#${i}`));
  }
}

/**
 * Appends in several batches with a fold after each: labels before, with and after their
 * predictions, then the late ones. Many folds: backends that merge partial rows do so meanwhile.
 * `check` runs after every fold with what was appended so far.
 */
async function load(store: EventStore, m: Model, data: ReturnType<typeof dataset>, parts = 4, check?: (preds: NormalizedPrediction[], labels: NormalizedLabel[]) => Promise<void>) {
  const { preds, labels, late } = data;
  const cut = <T>(xs: T[], k: number) => xs.slice(Math.floor((xs.length * k) / parts), Math.floor((xs.length * (k + 1)) / parts));
  const sentP: NormalizedPrediction[] = [], sentL: NormalizedLabel[] = [];
  const sendP = (xs: NormalizedPrediction[]) => { sentP.push(...xs); return store.appendPredictions({ model: m, records: xs }); };
  const sendL = (xs: NormalizedLabel[]) => { sentL.push(...xs); return store.appendLabels(xs); };
  const fold = async () => { await store.rollupStep(); await check?.(sentP, sentL); };
  // the first part of the labels comes before any prediction; the rest interleaves
  await sendL(cut(labels, 0));
  await fold();
  for (let k = 0; k < parts; k++) {
    await sendP(cut(preds, k));
    await fold();
    if (k + 1 < parts) await sendL(cut(labels, k + 1));
  }
  await fold();
  await sendL(late.slice(0, late.length >> 1));
  await fold();
  await sendL(late.slice(late.length >> 1));
  await fold();
}

const perHour = async (store: EventStore, m: Model) => {
  const r = await store.queryPerformance(window({ models: [m.id], stepMs: HOUR }));
  return (bucket: number) => ({
    totals: r.totals.filter((t) => t.bucket === bucket), confusion: r.confusion.filter((t) => t.bucket === bucket),
    scores: r.scores.filter((t) => t.bucket === bucket), calibration: r.calibration.filter((t) => t.bucket === bucket),
  });
};

/** Realized-performance rollups: what the performance page needs from an EventStore (ADR 8). */
export function runPerformanceStoreContract(name: string, make: () => Promise<EventStoreHarness>): void {
  async function withStore(fn: (store: EventStore) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      for (const m of [BINARY, SPAM, TRIAGE, PRICE]) await h.store.applyModel(m);
      await fn(h.store);
    } finally {
      await h.cleanup();
    }
  }

  describe(`EventStore performance contract: ${name}`, () => {
    for (const [m, seed] of [[BINARY, 1], [SPAM, 2], [TRIAGE, 3], [PRICE, 4]] as const) {
      test(`${m.id} (${m.task}): rows summed over any buckets give the core's metrics on the raw joined rows, also after a rebuild`, () =>
        withStore(async (store) => {
          const data = dataset(m, 600, seed), { preds } = data, labels = [...data.labels, ...data.late];
          await load(store, m, data, 4, async (p, l) => assertSameMetrics(fromRows(await store.queryPerformance(window({ models: [m.id] }))), expected(m, joined(p, l))));
          const want = expected(m, joined(preds, labels));
          assert.ok(want.labelled > 300);
          assertSameMetrics(fromRows(await store.queryPerformance(window({ models: [m.id] }))), want);
          // hour by hour, by version and segment: the same once summed
          assertSameMetrics(fromRows(await store.queryPerformance(window({ models: [m.id], stepMs: HOUR, groupBy: ['version', 'segment.region'] }))), want);
          // the raw join the exact path reads
          const raw = await store.labelledRows(m, { from: T0 - DAY, to: T0 + 2 * DAY, versions: null, segments: {} }, 10_000);
          const ref = joined(preds, labels);
          assert.equal(raw.total, ref.length);
          assert.deepEqual(raw.label, ref.map((r) => r.l.label));
          assert.deepEqual([...raw.labelTs], ref.map((r) => r.l.ts));
          assert.deepEqual([...raw.ts], ref.map((r) => r.p.ts));
          if (m.task === 'regression') assert.deepEqual([...raw.predictionNum], ref.map((r) => Number(r.p.prediction)));
          else assert.deepEqual(raw.prediction, ref.map((r) => r.p.prediction));
          if (m.task === 'binary') assert.deepEqual([...raw.score].map((x) => (Number.isNaN(x) ? null : x)), ref.map((r) => r.p.score ?? r.p.scores?.[m === SPAM ? 'spam' : '1'] ?? null));
          const before = await store.queryPerformance(window({ models: [m.id], stepMs: HOUR, groupBy: ['version', 'segment.region'] }));
          await store.rebuildRollups();
          assertRowsEqual(await store.queryPerformance(window({ models: [m.id], stepMs: HOUR, groupBy: ['version', 'segment.region'] })), before);
        }));
    }

    test('a late label changes only its prediction\'s hour; a later correction replaces it, an older one does not', () =>
      withStore(async (store) => {
        const preds = [0, 1, 2, 40, 41, 80].map((i) => prediction(SPAM, i, { ts: T0 + Math.floor(i / 40) * HOUR + i * 1000, prediction: 'spam', score: 0.9 }));
        await store.appendPredictions({ model: SPAM, records: preds });
        await store.appendLabels([label(SPAM, 0, 'spam', T0 + DAY), label(SPAM, 40, 'ham', T0 + DAY), label(SPAM, 80, 'spam', T0 + DAY)]);
        await store.rollupStep();
        const h0 = await perHour(store, SPAM);
        // a label for p41 (hour 1), weeks late
        await store.appendLabels([label(SPAM, 41, 'spam', T0 + 20 * DAY)]);
        await store.rollupStep();
        const h1 = await perHour(store, SPAM);
        assertRowsEqual(h1(T0), h0(T0));
        assertRowsEqual(h1(T0 + 2 * HOUR), h0(T0 + 2 * HOUR));
        assert.equal(h1(T0 + HOUR).totals[0]?.labelled, 2);
        assert.equal(h1(T0 + HOUR).totals[0]?.delay_sum, (DAY - HOUR - 40_000) + (20 * DAY - HOUR - 41_000));
        // p41 corrected right after its label was folded, and back again
        await store.appendLabels([label(SPAM, 41, 'ham', T0 + 21 * DAY)]);
        await store.rollupStep();
        const h1b = await perHour(store, SPAM);
        assert.equal(h1b(T0 + HOUR).totals[0]?.labelled, 2);
        assert.deepEqual(h1b(T0 + HOUR).confusion.map((c) => [c.truth, c.predicted, c.count]), [['ham', 'spam', 2]]);
        await store.appendLabels([label(SPAM, 41, 'spam', T0 + 22 * DAY)]);
        await store.rollupStep();
        assert.equal((await perHour(store, SPAM))(T0 + HOUR).totals[0]?.labelled, 2);
        // p40 corrected to spam: hour 1 only; then a correction older than the latest: no change
        await store.appendLabels([label(SPAM, 40, 'spam', T0 + 2 * DAY)]);
        await store.rollupStep();
        const h2 = await perHour(store, SPAM);
        assertRowsEqual(h2(T0), h0(T0));
        assert.deepEqual(h2(T0 + HOUR).confusion.map((c) => [c.truth, c.predicted, c.count]), [['spam', 'spam', 2]]);
        assert.equal(h2(T0 + HOUR).totals[0]?.labelled, 2);
        await store.appendLabels([label(SPAM, 40, 'ham', T0 + DAY + 1)]);
        await store.rollupStep();
        assertRowsEqual((await perHour(store, SPAM))(T0 + HOUR), h2(T0 + HOUR));
        const raw = await store.labelledRows(SPAM, { from: T0 + HOUR, to: T0 + 2 * HOUR, versions: null, segments: {} }, 10);
        assert.deepEqual([raw.label, [...raw.labelTs]], [['spam', 'spam'], [T0 + 2 * DAY, T0 + 22 * DAY]]);
      }));

    test('labels stored before their predictions count when the predictions come; unlabelled predictions never count', () =>
      withStore(async (store) => {
        await store.appendLabels([label(BINARY, 1, '1', T0), label(BINARY, 2, '0', T0)]);
        await store.rollupStep();
        assert.deepEqual((await store.queryPerformance(window({ models: [BINARY.id] }))).totals, []);
        await store.appendPredictions({ model: BINARY, records: [1, 2, 3, 4].map((i) => prediction(BINARY, i, { prediction: '1', score: 0.75 })) });
        await store.rollupStep();
        const r = await store.queryPerformance(window({ models: [BINARY.id] }));
        assert.equal(r.totals[0]?.labelled, 2);
        assert.deepEqual(r.confusion.map((c) => [c.truth, c.predicted, c.count]).sort(), [['0', '1', 1], ['1', '1', 1]]);
        assert.deepEqual(r.scores.map((s) => [s.class, s.bin, s.positives, s.negatives]), [['1', 75, 1, 1]]);
        assert.deepEqual(r.calibration.filter((c) => c.bins === 5).map((c) => [c.bin, c.count, c.score_sum, c.positives]), [[3, 2, 1.5, 1]]);
        const raw = await store.labelledRows(BINARY, { from: T0, to: T0 + DAY, versions: null, segments: {} }, 0);
        assert.equal(raw.total, 2);
        assert.equal(raw.label.length, 0);
      }));

    test('regression: a label of 0 divides by eps as sklearn does, a label that is not a number is left out; a multiclass model without classes keeps confusion counts only', () =>
      withStore(async (store) => {
        await store.appendPredictions({ model: PRICE, records: [1, 2, 3].map((i) => prediction(PRICE, i, { prediction: String(i / 2) })) });
        await store.appendLabels([label(PRICE, 1, '0', T0 + DAY), label(PRICE, 2, 'unknown', T0 + DAY), label(PRICE, 3, '2.5', T0 + DAY)]);
        const loose = model('loose', 'multiclass');
        await store.applyModel(loose);
        await store.appendPredictions({ model: loose, records: [prediction(loose, 1, { prediction: 'x', scores: { x: 0.9, y: 0.1 } })] });
        await store.appendLabels([label(loose, 1, 'y', T0 + DAY)]);
        await store.rollupStep();
        const [t] = (await store.queryPerformance(window({ models: [PRICE.id] }))).totals;
        assert.equal(t?.labelled, 3);
        assert.equal(t?.regression_skipped, 1);
        const want = regressionState([0, 2.5], [0.5, 1.5]);
        const got = t?.regression as RegressionState;
        assert.equal(got.n, 2);
        close(got.sumAbsPercentageError, want.sumAbsPercentageError, 1e-15, 'MAPE sum');
        assert.ok(got.sumAbsPercentageError > 1e15);
        assert.deepEqual(regressionMetrics(got).r2, regressionMetrics(want).r2);
        const r = await store.queryPerformance(window({ models: ['loose'] }));
        assert.deepEqual(r.confusion.map((c) => [c.truth, c.predicted, c.count]), [['y', 'x', 1]]);
        assert.deepEqual([r.scores, r.calibration, r.totals[0]?.log_loss], [[], [], { n: 0, sum: 0, skipped: 0 }]);
      }));

    test('groups and steps: by model, version and segment, over steps of whole hours; other steps are refused', () =>
      withStore(async (store) => {
        const data = dataset(SPAM, 300, 9);
        await load(store, SPAM, data, 2);
        const ref = joined(data.preds, [...data.labels, ...data.late]);
        const r = await store.queryPerformance(window({ models: [SPAM.id, PRICE.id], stepMs: 2 * HOUR, groupBy: ['model', 'version', 'segment.region'], segments: { region: 'eu' }, versions: ['v1'] }));
        const want = ref.filter((x) => x.p.version === 'v1' && x.p.segment.region === 'eu');
        assert.equal(r.totals.reduce((a, t) => a + t.labelled, 0), want.length);
        for (const t of r.totals) {
          assert.deepEqual(t.group, { model: 'spam', version: 'v1', 'segment.region': 'eu' });
          assert.equal(t.bucket % (2 * HOUR), 0);
          assert.equal(t.labelled, want.filter((x) => Math.floor(x.p.ts / (2 * HOUR)) * 2 * HOUR === t.bucket).length);
        }
        await assert.rejects(store.queryPerformance(window({ stepMs: 60_000 })), /whole number of hours/);
        const sample = await store.labelledRows(SPAM, { from: T0 - DAY, to: T0 + 2 * DAY, versions: ['v1'], segments: { region: 'eu' } }, 20);
        assert.equal(sample.total, want.length);
        assert.equal(sample.label.length, 20);
        for (let i = 1; i < 20; i++) assert.ok((sample.ts[i] as number) >= (sample.ts[i - 1] as number));
      }));

    test('labelledRows beyond the limit: exactly min(limit, total) rows, the true total, each with its latest label, the same on every call, a smaller sample inside a larger one, spread over the window like its labelled predictions', () =>
      withStore(async (store) => {
        const { preds, labels } = sampleData();
        await loadSample(store, preds, labels);
        const whole = { from: T0, to: T0 + 31 * HOUR, versions: null, segments: {} };
        // not on whole hours, with filters; and inside one hour
        const edges = { from: T0 + 17 * MIN + 5_000, to: T0 + 20 * HOUR + 13 * MIN, versions: ['v1'], segments: { region: 'eu' } };
        const inHour = { from: T0 + 5 * HOUR + 10 * MIN, to: T0 + 5 * HOUR + 50 * MIN, versions: null, segments: {} };
        for (const w of [whole, edges, inHour]) {
          const ref = joinedIn(preds, labels, w);
          assert.ok(ref.size > 20, `${ref.size} labelled in ${JSON.stringify(w)}`);
          const samples = new Map<number, number[]>();
          for (const limit of [0, 1, 20, 150, 400, ref.size, ref.size + 10]) {
            const r = await store.labelledRows(BINARY, w, limit);
            const what = `limit ${limit} of ${ref.size} in ${JSON.stringify(w)}`;
            assert.equal(r.total, ref.size, what);
            assert.equal(r.label.length, Math.min(limit, ref.size), what);
            assert.equal(new Set(r.ts).size, r.ts.length, `${what}: a prediction twice`);
            for (let i = 0; i < r.ts.length; i++) {
              const x = ref.get(r.ts[i] as number);
              assert.ok(x, `${what}: a row that is not a labelled prediction of the window`);
              assert.deepEqual([r.label[i], r.labelTs[i], r.prediction[i], r.score[i]], [x.l.label, x.l.ts, x.p.prediction, x.p.score], what);
              if (i > 0) assert.ok((r.ts[i] as number) > (r.ts[i - 1] as number), `${what}: not in time order`);
            }
            assert.deepEqual(await store.labelledRows(BINARY, w, limit), r, `${what}: another call, another sample`);
            samples.set(limit, [...r.ts]);
          }
          for (const [small, large] of [[1, 20], [20, 150], [150, 400]] as const) {
            const big = new Set(samples.get(large));
            assert.ok((samples.get(small) ?? []).every((t) => big.has(t)), `the sample of ${small} is not inside the one of ${large}`);
          }
        }
        // uniform: each fifth of the window holds its share of the sample, within 4 standard deviations
        const ref = joinedIn(preds, labels, whole), k = 400;
        const r = await store.labelledRows(BINARY, whole, k);
        const part = (ts: number) => Math.min(4, Math.floor((ts - T0) / (6 * HOUR)));
        for (let i = 0; i < 5; i++) {
          const expected = (k * [...ref.keys()].filter((t) => part(t) === i).length) / ref.size;
          const got = [...r.ts].filter((t) => part(t) === i).length;
          assert.ok(Math.abs(got - expected) <= 4 * Math.sqrt(expected), `fifth ${i}: ${got} sampled, ${expected.toFixed(1)} expected`);
        }
      }));

    test('labelledRows reads what the performance rollups were folded from: the rows and the total move together, at the next fold', () =>
      withStore(async (store) => {
        const { preds, labels } = sampleData();
        await loadSample(store, preds, labels);
        const w = { from: T0, to: T0 + 31 * HOUR, versions: null, segments: {} };
        const before = await store.labelledRows(BINARY, w, 100_000);
        const folded = (await store.queryPerformance(window({ models: [BINARY.id], from: w.from, to: w.to, stepMs: HOUR }))).totals;
        assert.equal(before.total, folded.reduce((a, t) => a + t.labelled, 0));
        const unlabelled = preds.filter((p) => !labels.some((l) => l.prediction_id === p.id)).slice(0, 5);
        assert.equal(unlabelled.length, 5);
        const late = unlabelled.map((p) => ({ model: BINARY.id, prediction_id: p.id, label: '1', ts: p.ts + DAY }));
        const fresh = prediction(BINARY, 9_999, { ts: T0 + 30 * HOUR, prediction: '1', score: 0.5 });
        await store.appendLabels([...late, label(BINARY, 9_999, '0', T0 + 30 * HOUR + 1)]);
        await store.appendPredictions({ model: BINARY, records: [fresh] });
        assert.deepEqual(await store.labelledRows(BINARY, w, 100_000), before);
        await store.rollupStep();
        const after = await store.labelledRows(BINARY, w, 100_000);
        assert.equal(after.total, before.total + 6);
        assert.equal(after.label.length, before.label.length + 6);
        assert.deepEqual(after, await store.labelledRows(BINARY, w, 100_000));
      }));
  });
}

const MIN = 60_000;

/**
 * 4,000 predictions of BINARY, one every 27 s over 30 hours from T0, about 70% of them labelled
 * (one in ten of those corrected an hour later).
 */
function sampleData(): { preds: NormalizedPrediction[]; labels: NormalizedLabel[] } {
  const rng = seededRng(21);
  const preds: NormalizedPrediction[] = [], labels: NormalizedLabel[] = [];
  for (let i = 0; i < 4_000; i++) {
    const p = prediction(BINARY, i, { ts: T0 + i * 27_000, prediction: rng() < 0.5 ? '1' : '0', score: Math.round(rng() * 1000) / 1000 });
    preds.push(p);
    if (rng() < 0.7) {
      labels.push(label(BINARY, i, rng() < 0.5 ? '1' : '0', p.ts + HOUR));
      if (i % 10 === 0) labels.push(label(BINARY, i, '1', p.ts + 2 * HOUR));
    }
  }
  return { preds, labels };
}

/** In four parts, labels before and after their predictions, a fold after each part. */
async function loadSample(store: EventStore, preds: NormalizedPrediction[], labels: NormalizedLabel[]) {
  const parts = 4, cut = <T>(xs: T[], k: number) => xs.slice(Math.floor((xs.length * k) / parts), Math.floor((xs.length * (k + 1)) / parts));
  for (let k = 0; k < parts; k++) {
    await store.appendLabels(cut(labels, k));
    await store.appendPredictions({ model: BINARY, records: cut(preds, k) });
    await store.rollupStep();
  }
}

/** The window's labelled predictions with their latest label, by prediction ts (unique here). */
function joinedIn(preds: NormalizedPrediction[], labels: NormalizedLabel[], w: { from: number; to: number; versions: string[] | null; segments: Record<string, string> }) {
  const rows = joined(preds, labels).filter(({ p }) => p.ts >= w.from && p.ts < w.to && (w.versions === null || w.versions.includes(p.version))
    && Object.entries(w.segments).every(([k, v]) => p.segment[k] === v));
  return new Map(rows.map((r) => [r.p.ts, r]));
}

/**
 * Rows equal: counts exactly, floating sums to 12 digits (summation order may differ); a
 * regression state by its metrics (states around different shifts are equivalent).
 */
function assertRowsEqual(a: Partial<PerformanceRows>, b: Partial<PerformanceRows>) {
  const metrics = (s: RegressionState) => {
    const m = regressionMetrics(s);
    return { n: s.n, min: s.minTruth, max: s.maxTruth, ...Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.status === 'ok' ? Number(v.value.toPrecision(9)) : v.status])) };
  };
  const round = (k: string, v: unknown) => (k === 'regression' ? metrics(v as RegressionState) : typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v);
  const norm = (r: Partial<PerformanceRows>) => Object.fromEntries(Object.entries(r).map(([k, rows]) => [k, (rows as object[]).map((x) => JSON.stringify(x, round)).sort()]));
  assert.deepEqual(norm(a), norm(b));
}
