/**
 * What the realized-performance rollups (ADR 8) cost a fold: a store is filled with predictions
 * over 30 days, most of them labelled in arrival order, then each scenario appends one batch and
 * times the rollup step that folds it (median of --repeat runs). Prints figures; asserts nothing.
 *
 *   node --import tsx bench/performance-fold.ts [--predictions 2000000] [--days 30] [--repeat 5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Model, NormalizedLabel, NormalizedPrediction } from '@vigil/core';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { predictions: { type: 'string', default: '2000000' }, days: { type: 'string', default: '30' }, repeat: { type: 'string', default: '5' } } });
const N = Number(values.predictions), DAYS = Number(values.days), REPEAT = Number(values.repeat);
const HOUR = 3_600_000, DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 9, 1);
const REGIONS = ['eu', 'us', 'apac', 'latam'];

const model = (id: string): Model => ({
  id, name: id, task: 'binary', owner_team: null, tags: [], description: null,
  schema: { features: ['a', 'b', 'c'].map((name) => ({ name, type: 'numeric' as const, nullable: false })), segments: ['region'] },
  schema_version: 1, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(),
});

let seed = 7;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

let nextId = 0;
function predictions(m: Model, n: number, from: number, span: number): NormalizedPrediction[] {
  return Array.from({ length: n }, () => {
    const s = rnd();
    return {
      id: `p${nextId++}`, model: m.id, version: rnd() < 0.7 ? 'v2' : 'v1', ts: Math.floor(from + rnd() * span), features: { a: rnd(), b: rnd() * 100, c: rnd() },
      prediction: s > 0.5 ? '1' : '0', score: s, scores: null, latency_ms: 5 + rnd() * 20, batch_size: 1,
      segment: { region: REGIONS[Math.floor(rnd() * REGIONS.length)] as string }, feature_ts: null,
    };
  });
}
const labelOf = (p: NormalizedPrediction, ts: number): NormalizedLabel => ({ model: p.model, prediction_id: p.id, label: rnd() < (p.score ?? 0.5) ? '1' : '0', ts });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-perf-bench-'));
const store = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool') });
try {
  await store.init();
  const m = model('labelled'), quiet = model('unlabelled');
  await store.applyModel(m);
  await store.applyModel(quiet);
  console.log(`machine: ${machine()}`);
  console.log(`filling: ${N.toLocaleString('en')} predictions over ${DAYS} days, 80% labelled 1 h – 7 days later, in label order`);
  const end = T0 + DAYS * DAY;
  const all: NormalizedPrediction[] = [];
  const fill = performance.now();
  for (let done = 0; done < N; done += 50_000) {
    const batch = predictions(m, Math.min(50_000, N - done), T0, DAYS * DAY);
    await store.appendPredictions({ model: m, records: batch });
    await store.appendPredictions({ model: quiet, records: batch.map((p) => ({ ...p, model: quiet.id })) });
    for (const p of batch) all.push(p);
  }
  const unlabelled: NormalizedPrediction[] = [];
  const labels = all.filter((p) => rnd() < 0.8 || (unlabelled.push(p), false)).map((p) => labelOf(p, p.ts + HOUR + Math.floor(rnd() * 6 * DAY))).sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < labels.length; i += 50_000) await store.appendLabels(labels.slice(i, i + 50_000));
  const firstFold = await timed(() => store.rollupStep());
  console.log(`filled in ${((performance.now() - fill) / 1000).toFixed(1)} s; first fold of everything (both models): ${(firstFold / 1000).toFixed(1)} s`);

  const byHour = (ps: NormalizedPrediction[]) => {
    const out = new Map<number, NormalizedPrediction[]>();
    for (const p of ps) {
      const h = Math.floor(p.ts / HOUR) * HOUR;
      (out.get(h) ?? out.set(h, []).get(h) as NormalizedPrediction[]).push(p);
    }
    return out;
  };
  const labelledByHour = byHour(all), freshByHour = byHour(unlabelled);
  const hours = [...labelledByHour.keys()].sort((a, b) => a - b);
  // first labels come from the never-labelled predictions (each used once); corrections from any
  const pick = (k: number, within: number[], from: Map<number, NormalizedPrediction[]>, once: boolean) => Array.from({ length: k }, () => {
    const ps = from.get(within[Math.floor(rnd() * within.length)] as number) ?? [];
    const i = Math.floor(rnd() * ps.length);
    const p = ps[i] as NormalizedPrediction | undefined;
    if (once && p) ps.splice(i, 1);
    return p;
  }).filter((p): p is NormalizedPrediction => p !== undefined);
  let labelTs = end + DAY;
  const send = async (ps: NormalizedPrediction[]) => { await store.appendLabels(ps.map((p) => labelOf(p, labelTs++))); };
  const last7 = hours.slice(-168);
  const scenarios: [string, () => Promise<void>][] = [
    ['10,000 predictions, model never labelled', async () => { await store.appendPredictions({ model: quiet, records: predictions(quiet, 10_000, end - HOUR, HOUR) }); }],
    ['10,000 predictions, labelled model (no label yet for them)', async () => { await store.appendPredictions({ model: m, records: predictions(m, 10_000, end - HOUR, HOUR) }); }],
    ['1,000 first labels, spread over the last 7 days', () => send(pick(1_000, last7, freshByHour, true))],
    [`5,000 first labels, spread over all ${DAYS} days`, () => send(pick(5_000, hours, freshByHour, true))],
    ['50 corrections in one hour', () => send(pick(50, [hours[hours.length - 48] as number], labelledByHour, false))],
    ['500 corrections spread over the last 7 days', () => send(pick(500, last7, labelledByHour, false))],
    [`5,000 corrections spread over all ${DAYS} days`, () => send(pick(5_000, hours, labelledByHour, false))],
  ];
  console.log(`\nrollup step after one batch (median of ${REPEAT}, ms):`);
  for (const [name, append] of scenarios) {
    const times: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      await append();
      times.push(await timed(() => store.rollupStep()));
    }
    console.log(`  ${name.padEnd(64)} ${median(times).toFixed(0).padStart(7)}   (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
  }
  const rebuild = await timed(() => store.rebuildRollups());
  console.log(`\nrebuild of all rollups, both models: ${(rebuild / 1000).toFixed(1)} s`);
  const q = { from: T0, to: end, stepMs: DAY, models: [m.id], versions: null, segments: {}, groupBy: [], filters: {} };
  // a read that fails (DuckDB's memory limit) is reported, not thrown: the figure says so
  const attempt = async (fn: () => Promise<unknown>) => { try { return await timed(fn); } catch (e) { console.log(`  failed: ${String(e).split('\n')[0]}`); return NaN; } };
  const reads: number[] = [], raws: number[] = [];
  for (let r = 0; r < REPEAT; r++) reads.push(await attempt(() => store.queryPerformance(q)));
  for (let r = 0; r < REPEAT; r++) raws.push(await attempt(() => store.labelledRows(m, { from: T0, to: end, versions: null, segments: {} }, 2_000_000)));
  console.log(`queryPerformance, ${DAYS} days by day: ${median(reads).toFixed(0)} ms; labelledRows of the whole window (≤ 2,000,000 rows): ${median(raws).toFixed(0)} ms`);
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
