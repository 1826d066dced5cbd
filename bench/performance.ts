/**
 * Performance-page benchmark (issue 6): one binary model with 10 million predictions over 30 days,
 * every one of them labelled, and the time to compute the full performance page — every request
 * the web app's performance tab makes for 30 days, concurrently: the realized performance, the
 * label-free estimate (CBPE), concept drift, the worst segments, and the catalogue series it charts
 * (accuracy, error rate, FPR, FNR, label coverage by version, labelled count, label delay) — target
 * p95 under 300 ms. The data set holds no traffic before the 30 days, so the estimate is given an
 * explicit reference (the first 7 days) and the worst segments an explicit baseline (the first 15
 * days): the tab's defaults (the 30 days before) would find nothing there and answer at once,
 * which would be easier work than a real model's page. The data set is written in-process through the stores'
 * write path (predictions, then the labels that have arrived by then, a fold after each), then a
 * real `vigil serve` child process answers over HTTP. Prints figures; asserts no time.
 *
 *   npm run bench:performance -- [--predictions 10000000] [--batch 100000] [--repeat 30] [--exact-repeat 8]
 *                                [--dir bench/.data/performance-10m] [--reuse] [--server-memory-limit 192MB (VIGIL_DUCKDB_MEMORY_LIMIT)]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DeploymentCreateSchema, ModelCreateSchema, VersionCreateSchema, type NormalizedLabel, type NormalizedPrediction } from '@vigil/core';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import { SqliteMetaStore } from '@vigil/storage-sqlite';
import { exited, spawnServer } from '../packages/server/src/testing/child-server.ts';
import { get, machine, percentile, rssOf } from './lib.ts';
import { prng } from './query-data.ts';

const { values } = parseArgs({
  options: {
    predictions: { type: 'string', default: '10000000' },
    batch: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '30' },
    'exact-repeat': { type: 'string', default: '8' },
    dir: { type: 'string', default: 'bench/.data/performance-10m' },
    reuse: { type: 'boolean', default: false },
    'server-memory-limit': { type: 'string' },
  },
});
const REPEAT = Number(values.repeat);
const EXACT_REPEAT = Number(values['exact-repeat']);
const TOKEN = 'bench-token-0123456789abcdef';
const TARGET_MS = 300;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_DELAY = 3 * DAY;
const MODEL = 'perf-bench';
const MANIFEST = 'bench-performance.json';
const REGIONS = ['eu', 'us', 'apac', 'latam'];

interface Manifest { model: string; total: number; labelled: number; positives: number; correct: number; from: number; to: number }

const secs = (ms: number) => (ms / 1000).toFixed(1);
const foldSummary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${ms.length} folds, ${secs(ms.reduce((a, b) => a + b, 0))} s in all, median ${(percentile(sorted, 0.5) ?? 0).toFixed(0)} ms, p95 ${(percentile(sorted, 0.95) ?? 0).toFixed(0)} ms, slowest ${(sorted[sorted.length - 1] ?? 0).toFixed(0)} ms`;
};

/**
 * Predictions in time slices of `batch`, each slice followed by a fold, then the labels whose
 * time has come by the slice's end (1 min – 3 days after their prediction, median about 6 h),
 * then another fold. Labels still due after the last slice arrive in later slices of their own.
 */
async function generate(dir: string, n: number, batch: number): Promise<Manifest> {
  fs.mkdirSync(dir, { recursive: true });
  const meta = new SqliteMetaStore(path.join(dir, 'meta.sqlite'));
  await meta.init();
  const events = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool') });
  await events.init();
  // every label lands before now: predictions end MAX_DELAY ago
  const to = Date.now() - MAX_DELAY;
  const from = to - 30 * DAY;
  const deployedAt = new Date(from - DAY).toISOString();
  const model = await meta.createModel(ModelCreateSchema.parse({
    id: MODEL, name: 'Performance bench', task: 'binary', owner_team: 'bench', tags: ['bench'],
    schema: { features: ['a', 'b', 'c'].map((name) => ({ name, type: 'numeric' })), segments: ['region'], classes: ['0', '1'] },
  }), deployedAt);
  await meta.createVersion(model.id, VersionCreateSchema.parse({ version: 'v1', validation_metrics: { accuracy: 0.8, roc_auc: 0.85 }, created_at: deployedAt }), deployedAt);
  await meta.createDeployment(model.id, DeploymentCreateSchema.parse({ version: 'v1', environment: 'production', started_at: deployedAt, outcome: 'succeeded' }), deployedAt);
  await events.applyModel(model);

  const rnd = prng(6);
  const slices = Math.ceil(n / batch);
  const sliceMs = (30 * DAY) / slices;
  const labelTs = new Float64Array(n);
  const labelOf = new Uint8Array(n);
  const due: number[][] = []; // prediction indexes by the slice their label arrives in
  const predFolds: number[] = [], labelFolds: number[] = [], lateFolds: number[] = [];
  let appendPredMs = 0, appendLabelMs = 0, labelled = 0, positives = 0, correct = 0;
  const fold = async (into: number[]) => {
    const t = performance.now();
    await events.rollupStep();
    into.push(performance.now() - t);
  };
  const sendLabels = async (k: number) => {
    const idx = due[k] ?? [];
    due[k] = [];
    for (let i = 0; i < idx.length; i += 50_000) {
      const part = idx.slice(i, i + 50_000).sort((x, y) => (labelTs[x] as number) - (labelTs[y] as number));
      const labels: NormalizedLabel[] = part.map((j) => ({ model: MODEL, prediction_id: `p${j}`, label: String(labelOf[j]), ts: labelTs[j] as number }));
      const t = performance.now();
      const r = await events.appendLabels(labels);
      appendLabelMs += performance.now() - t;
      if (r.inserted !== labels.length) throw new Error(`labels: inserted ${r.inserted} of ${labels.length}`);
      labelled += labels.length;
    }
    return idx.length;
  };

  console.log(`writing ${n.toLocaleString()} predictions over 30 days in ${slices} slices of ${batch.toLocaleString()}, each followed by a fold, the labels due by then, and a fold`);
  const t0 = performance.now();
  let lastLog = t0;
  for (let k = 0; k < slices; k++) {
    const start = Math.floor((k * n) / slices), end = Math.floor(((k + 1) * n) / slices);
    const records: NormalizedPrediction[] = [];
    for (let j = start; j < end; j++) {
      const ts = from + Math.floor(((j + rnd()) * 30 * DAY) / n);
      const score = Math.round(rnd() * 1000) / 1000;
      const truth = rnd() < 0.1 + 0.8 * score ? 1 : 0; // informative but imperfect: accuracy about 0.73
      const delay = Math.min(MAX_DELAY - 1, 60_000 + 6 * HOUR * Math.exp(1.1 * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())));
      labelTs[j] = ts + delay;
      labelOf[j] = truth;
      positives += truth;
      if ((score >= 0.5 ? 1 : 0) === truth) correct++;
      const arrives = Math.floor((ts + delay - from) / sliceMs);
      (due[arrives] ??= []).push(j);
      records.push({
        id: `p${j}`, model: MODEL, version: 'v1', ts, features: { a: rnd(), b: Math.round(rnd() * 10_000) / 100, c: score + rnd() * 0.1 },
        prediction: score >= 0.5 ? '1' : '0', score, scores: null, latency_ms: Math.round((5 + rnd() * 20) * 100) / 100, batch_size: 1,
        segment: { region: REGIONS[Math.floor(rnd() * REGIONS.length)] as string }, feature_ts: null,
      });
    }
    let t = performance.now();
    const r = await events.appendPredictions({ model, records });
    appendPredMs += performance.now() - t;
    if (r.inserted !== records.length) throw new Error(`predictions: inserted ${r.inserted} of ${records.length}`);
    await fold(predFolds);
    if (await sendLabels(k)) await fold(labelFolds);
    if (performance.now() - lastLog > 10_000 || k === slices - 1) {
      lastLog = performance.now();
      t = (lastLog - t0) / 1000;
      console.log(`  slice ${k + 1}/${slices}: ${end.toLocaleString()} predictions, ${labelled.toLocaleString()} labels, ${t.toFixed(0)} s`);
    }
  }
  const late = labelled;
  for (let k = slices; k < due.length; k++) if (await sendLabels(k)) await fold(lateFolds);
  console.log(`  ${(labelled - late).toLocaleString()} labels arrived after the last prediction, in ${lateFolds.length} later folds`);
  console.log(`wrote ${n.toLocaleString()} predictions and ${labelled.toLocaleString()} labels in ${secs(performance.now() - t0)} s`);
  console.log(`  appends: predictions ${secs(appendPredMs)} s, labels ${secs(appendLabelMs)} s`);
  console.log(`  prediction folds: ${foldSummary(predFolds)}`);
  console.log(`  label folds (labels of one slice each): ${foldSummary(labelFolds)}`);
  if (lateFolds.length) console.log(`  later label folds (after the last prediction): ${foldSummary(lateFolds)}`);
  const t = performance.now();
  await events.close();
  await meta.close();
  console.log(`closing the stores took ${secs(performance.now() - t)} s; events.duckdb is ${(fs.statSync(path.join(dir, 'events.duckdb')).size / 2 ** 20).toFixed(0)} MiB`);
  const manifest: Manifest = { model: MODEL, total: n, labelled, positives, correct, from, to };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest));
  return manifest;
}

interface Perf { predictions: number; labelled: number; label_coverage: number | null; metrics: Record<string, { value?: number; status?: string; path?: string }>; series: unknown[] }
interface QueryAnswer { step_ms: number; series: { labels: Record<string, string>; points: [number, number | null][] }[] }

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
};

interface Case { name: string; urls: string[]; repeat: number }

/** A run with an answer other than 200 is counted as failed and left out of the times. */
async function measure(cases: Case[]): Promise<{ p50: number; p95: number; max: number; bytes: number; failed: number }[]> {
  const stats = cases.map(() => ({ times: [] as number[], bytes: 0, failed: 0 }));
  const rounds = Math.max(...cases.map((c) => c.repeat));
  for (let i = 0; i < rounds; i++) {
    for (const [k, c] of cases.entries()) {
      if (i >= c.repeat) continue;
      const t = performance.now();
      const rs = await Promise.all(c.urls.map((u) => get(u, TOKEN)));
      const ms = performance.now() - t;
      const bad = rs.find((r) => r.status !== 200);
      if (bad) {
        if (stats[k]!.failed++ === 0) problems.push(`${c.name} answered ${bad.status}: ${bad.text.slice(0, 200)}`);
        continue;
      }
      stats[k]!.times.push(ms);
      stats[k]!.bytes = rs.reduce((s, r) => s + Buffer.byteLength(r.text), 0);
    }
  }
  return stats.map(({ times, bytes, failed }) => {
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5) ?? NaN, p95: percentile(times, 0.95) ?? NaN, max: times[times.length - 1] ?? NaN, bytes, failed };
  });
}

async function main() {
  console.log(`machine: ${machine()}`);
  const dir = path.resolve(values.dir!);
  let data: Manifest;
  if (values.reuse) {
    data = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    console.log(`reusing ${dir}: ${data.total.toLocaleString()} predictions, ${data.labelled.toLocaleString()} labels`);
  } else {
    if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
    data = await generate(dir, Number(values.predictions), Number(values.batch));
  }

  const t = performance.now();
  const env: Record<string, string> = { VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_LOG_LEVEL: 'warn', VIGIL_API_RATE_LIMIT: '0' };
  if (values['server-memory-limit']) env.VIGIL_DUCKDB_MEMORY_LIMIT = values['server-memory-limit'];
  const { child, url, output } = await spawnServer(env);
  console.log(`server up in ${secs(performance.now() - t)} s`);
  try {
    const range = `from=${data.from}&to=${data.to}`;
    const perf = `${url}/api/v1/models/${MODEL}/performance?${range}`;
    const accuracy = `${url}/api/v1/query?metric=performance.accuracy&model=${MODEL}&${range}`;
    const coverage = `${url}/api/v1/query?metric=labels.coverage&model=${MODEL}&group_by=version&${range}`;
    const estimate = `${url}/api/v1/models/${MODEL}/performance/estimate?${range}&reference_from=${data.from}&reference_to=${data.from + 7 * DAY}`;
    const conceptDrift = `${url}/api/v1/models/${MODEL}/performance/concept-drift?${range}`;
    const segments = `${url}/api/v1/models/${MODEL}/performance/segments?${range}&baseline_from=${data.from}&baseline_to=${data.from + 15 * DAY}`;
    const series = ['performance.error_rate', 'performance.fpr', 'performance.fnr', 'labels.count', 'labels.delay_mean'].map((m) => `${url}/api/v1/query?metric=${m}&model=${MODEL}&${range}`);
    const page = [perf, estimate, conceptDrift, segments, accuracy, coverage, ...series, `${url}/api/v1/metrics/catalog`];

    // correctness before timing: every prediction and label counted, the accuracy what was written
    const json = async <T>(u: string): Promise<T> => {
      const r = await get(u, TOKEN);
      if (r.status !== 200) throw new Error(`GET ${u} answered ${r.status}: ${r.text.slice(0, 500)}`);
      return JSON.parse(r.text) as T;
    };
    const expectedAccuracy = data.correct / data.total;
    for (const [name, u] of [['streaming', perf], ['exact', `${perf}&exact=true`]] as const) {
      let p: Perf;
      try {
        p = await json<Perf>(u);
      } catch (e) {
        check(false, `${name} answer failed: ${String(e).split('\n')[0]!.slice(0, 300)}`);
        console.log(`${name} answer FAILED: ${String(e).split('\n')[0]!.slice(0, 200)}`);
        continue;
      }
      const acc = p.metrics.accuracy?.value;
      console.log(`${name} answer: ${p.predictions.toLocaleString()} predictions, ${p.labelled.toLocaleString()} labelled, coverage ${p.label_coverage}, accuracy ${acc} (written: ${expectedAccuracy.toFixed(6)}), roc_auc ${p.metrics.roc_auc?.value} (${p.metrics.roc_auc?.path ?? p.metrics.roc_auc?.status}), ${p.series.length} points`);
      check(p.predictions === data.total, `${name}: ${p.predictions} predictions, expected ${data.total}`);
      check(p.labelled === data.labelled, `${name}: ${p.labelled} labelled, expected ${data.labelled}`);
      check(acc !== undefined && Math.abs(acc - expectedAccuracy) < 1e-9, `${name}: accuracy ${acc}, expected ${expectedAccuracy}`);
    }
    for (const [name, u] of [['performance.accuracy', accuracy], ['labels.coverage', coverage]] as const) {
      const a = await json<QueryAnswer>(u);
      const points = a.series.flatMap((s) => s.points).filter(([, v]) => v !== null);
      check(points.length > 0 && points.every(([, v]) => (v as number) >= 0 && (v as number) <= 1), `${name}: ${points.length} points, some outside [0, 1] or none`);
      console.log(`${name}: ${a.series.length} series, ${points.length} points, step ${a.step_ms / HOUR} h`);
    }

    // the first estimate fits CBPE on the reference (cached after): timed alone, before any warm-up
    {
      const t0 = performance.now();
      const e = await json<{ status: string; estimated_from: number; sampled: boolean; reference: { rows: number } | null; metrics: Record<string, { estimate: number | null; lower: number | null; upper: number | null; realized: number | null }> }>(estimate);
      const first = performance.now() - t0;
      const a = e.metrics.accuracy;
      console.log(`estimate, first call (fits CBPE on ${e.reference?.rows.toLocaleString()} reference rows): ${first.toFixed(0)} ms; ${e.status}, from ${e.estimated_from.toLocaleString()} scored rows${e.sampled ? ' (sampled)' : ''}, accuracy ${a?.estimate?.toFixed(4)} [${a?.lower?.toFixed(4)}, ${a?.upper?.toFixed(4)}], realized ${a?.realized?.toFixed(4)}`);
      check(e.status === 'ok', `estimate: status ${e.status}`);
      // printed, not checked: over 10M rows the band (±3 sampling errors of a 200,000-row sample) is
      // narrower than the error of a calibration learnt from 100,000 reference rows, which CBPE's band leaves out
      console.log(`  realized accuracy inside the estimate's band: ${a && a.realized !== null && a.lower !== null && a.upper !== null ? (a.realized >= a.lower && a.realized <= a.upper ? 'yes' : `no (off by ${Math.min(Math.abs(a.realized - a.lower), Math.abs(a.realized - a.upper)).toFixed(4)})`) : 'n/a'}`);
      const cd = await json<{ rows: number; total: number; sampled: boolean; detections: { kind: string }[] }>(conceptDrift);
      console.log(`concept drift: ${cd.rows.toLocaleString()} of ${cd.total.toLocaleString()} labelled rows${cd.sampled ? ' (sampled)' : ''}, ${cd.detections.filter((d) => d.kind === 'drift').length} drift(s)`);
      const sg = await json<{ change: number | null; by: { segment: string; segments: unknown[] }[] }>(segments);
      check(sg.by.length === 1 && sg.by[0]!.segments.length === REGIONS.length, `segments: ${JSON.stringify(sg.by.map((g) => [g.segment, g.segments.length]))}`);
    }

    const cases: Case[] = [
      { name: `full page: ${page.length} requests, concurrent`, urls: page, repeat: REPEAT },
      { name: 'performance endpoint, 30 d (streaming)', urls: [perf], repeat: REPEAT },
      { name: 'performance.accuracy series, 30 d', urls: [accuracy], repeat: REPEAT },
      { name: 'labels.coverage series by version, 30 d', urls: [coverage], repeat: REPEAT },
      { name: 'performance endpoint, 30 d, exact=true', urls: [`${perf}&exact=true`], repeat: EXACT_REPEAT },
      { name: 'estimate (CBPE, fit cached), 30 d', urls: [estimate], repeat: REPEAT },
      { name: 'concept drift (DDM), 30 d', urls: [conceptDrift], repeat: REPEAT },
      { name: 'worst segments, 30 d against 15 d', urls: [segments], repeat: REPEAT },
      { name: 'the old page: performance + accuracy + coverage', urls: [perf, accuracy, coverage], repeat: REPEAT },
    ];
    for (const c of cases) for (let i = 0; i < (c.repeat < REPEAT ? 1 : 3); i++) await Promise.all(c.urls.map((u) => get(u, TOKEN)));
    console.log(`server DuckDB memory limit: ${env.VIGIL_DUCKDB_MEMORY_LIMIT ?? 'the default (192MB)'}`);
    console.log(`\n${REPEAT} rounds (exact: ${EXACT_REPEAT}), the cases interleaved, one request set at a time (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    console.log(`${'request'.padEnd(60)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'answer'.padStart(9)}`);
    const results = await measure(cases);
    for (const [k, r] of results.entries()) {
      console.log(`${cases[k]!.name.padEnd(60)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)} ${`${(r.bytes / 1024).toFixed(1)} KiB`.padStart(9)}${r.failed ? `  ${r.failed} of ${cases[k]!.repeat} FAILED` : ''}`);
    }
    console.log(`server RSS after the queries: ${(rssOf(child.pid!) / 2 ** 20).toFixed(0)} MiB`);
    const pageResult = results[0]!;
    console.log(`\ntarget (issue 6): the full performance page over 30 days of ${data.total.toLocaleString()} labelled predictions, p95 under ${TARGET_MS} ms — ${pageResult.p95 < TARGET_MS && !pageResult.failed ? 'MET' : 'MISSED'} (${pageResult.p95.toFixed(1)} ms)`);
    const exact = results[4]!;
    console.log(`exact path alone: p95 ${exact.p95.toFixed(1)} ms${exact.failed ? `; ${exact.failed} of ${EXACT_REPEAT} answered an error` : ''}`);
    console.log(`machine: ${machine()}`);
    const errors = output().split('\n').filter((l) => l.includes('"level":50'));
    if (errors.length) console.log(`server log: ${errors.length} error line(s), first: ${errors[0]!.slice(0, 400)}`);
  } catch (e) {
    console.error(`server output (last 3000 characters):\n${output().slice(-3000)}`);
    throw e;
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  if (problems.length) {
    console.error(`\nERROR: ${problems.length} answer(s) were wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
