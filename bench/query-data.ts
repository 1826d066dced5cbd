/**
 * The query benchmark's data set, written through the real write path: models, versions and
 * production deployments in the MetaStore, predictions appended to the EventStore in
 * single-model batches (records plus the raw NDJSON bytes, as ingestion hands them over), then
 * one rollup fold. A manifest beside the stores says what was written, for --reuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeploymentCreateSchema, ModelCreateSchema, VersionCreateSchema, type Model, type NormalizedPrediction } from '@vigil/core';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import { SqliteMetaStore } from '@vigil/storage-sqlite';
import { percentile } from './lib.ts';

const DAY = 86_400_000;
const MANIFEST = 'bench-query.json';
const REGIONS = ['eu', 'us', 'apac', 'latam'];
const CATS: Record<string, string[]> = {
  device: ['ios', 'android', 'web', 'tv'],
  country: ['de', 'fr', 'us', 'br', 'in', 'jp', 'gb', 'es'],
  plan: ['free', 'pro', 'team', 'enterprise'],
  channel: ['organic', 'ads', 'email', 'partner', 'referral'],
};
const NUMS = ['age', 'tenure_days', 'sessions_7d', 'basket_value', 'discount', 'risk_index'];

export interface Manifest {
  models: string[];
  /** predictions written per model, same order as models */
  counts: number[];
  total: number;
  /** [from, to) of the prediction timestamps, epoch ms */
  from: number;
  to: number;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
}

/** A seeded generator (mulberry32): the same data set on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function modelInput(i: number) {
  return ModelCreateSchema.parse({
    id: `m${String(i).padStart(3, '0')}`,
    name: `Model ${i}`,
    task: 'binary',
    owner_team: `team-${i % 7}`,
    tags: ['bench'],
    schema: {
      features: [...NUMS.map((name) => ({ name, type: 'numeric' })), ...Object.entries(CATS).map(([name, categories]) => ({ name, type: 'categorical', categories }))],
      segments: ['region'],
    },
  });
}

/** One model's predictions [start, end) of n, evenly spread over [from, to), sorted by ts. */
function makeBatch(model: string, m: number, n: number, start: number, end: number, from: number, to: number, rnd: () => number): NormalizedPrediction[] {
  const span = to - from;
  const median = 8 + ((m * 37) % 60); // each model its own typical latency
  const out: NormalizedPrediction[] = [];
  for (let j = start; j < end; j++) {
    const normal = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    let latency = median * Math.exp(0.45 * normal);
    if (rnd() < 0.01) latency *= 3 + 12 * rnd(); // occasional spikes: GC pauses, cold caches
    const score = Math.round(rnd() ** 1.6 * 1000) / 1000;
    const features: Record<string, number | string> = {
      age: 18 + Math.floor(rnd() * 60),
      tenure_days: Math.floor(rnd() * 2000),
      sessions_7d: Math.floor(rnd() * 40),
      basket_value: Math.round(rnd() * 50_000) / 100,
      discount: Math.round(rnd() * 30) / 100,
      risk_index: Math.round(normal * 1000) / 1000,
    };
    for (const [name, cats] of Object.entries(CATS)) features[name] = cats[Math.floor(rnd() * rnd() * cats.length)]!;
    out.push({
      id: `${model}-${j}`, model, version: 'v1', ts: from + Math.floor(((j + rnd()) * span) / n), features,
      prediction: score >= 0.5 ? '1' : '0', score, scores: null, latency_ms: Math.round(latency * 100) / 100, batch_size: 1,
      segment: { region: REGIONS[Math.floor(rnd() * rnd() * REGIONS.length)]! }, feature_ts: null,
    });
  }
  return out;
}

export async function generate(dir: string, opts: { predictions: number; models: number; batch: number; foldEvery: number; memoryLimit?: string; log: (line: string) => void }): Promise<Manifest> {
  const { log } = opts;
  fs.mkdirSync(dir, { recursive: true });
  const meta = new SqliteMetaStore(path.join(dir, 'meta.sqlite'));
  await meta.init();
  const events = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool'), memoryLimit: opts.memoryLimit });
  await events.init();

  const to = Date.now();
  const from = to - 30 * DAY;
  const deployedAt = new Date(from - DAY).toISOString();
  const models: Model[] = [];
  for (let i = 0; i < opts.models; i++) {
    const model = await meta.createModel(modelInput(i), deployedAt);
    await meta.createVersion(model.id, VersionCreateSchema.parse({ version: 'v1', validation_metrics: { auc: 0.9 }, created_at: deployedAt }), deployedAt);
    await meta.createDeployment(model.id, DeploymentCreateSchema.parse({ version: 'v1', environment: 'production', started_at: deployedAt, outcome: 'succeeded' }), deployedAt);
    await events.applyModel(model);
    models.push(model);
  }
  const counts = models.map((_, i) => Math.floor(opts.predictions / opts.models) + (i < opts.predictions % opts.models ? 1 : 0));
  const chunks = Math.ceil(Math.max(...counts) / opts.batch);
  log(`writing ${opts.predictions.toLocaleString()} predictions for ${opts.models} models over 30 days, ${chunks} batch(es) of <= ${opts.batch.toLocaleString()} per model`);

  // Time-slice major, model minor, so later batches carry later timestamps. One batch is built
  // while the store loads the previous one. Folds run between appends, as the server's scheduler
  // interleaves them with ingestion: one fold of a large backlog keeps all its rollup rows in one
  // transaction and runs out of DuckDB memory at the default limit (foldEvery 0 shows it; a
  // larger memoryLimit lets it pass).
  const rnd = prng(2024);
  let written = 0;
  let bytes = 0;
  let jsMs = 0;
  let waitMs = 0;
  const folds = { rows: 0, ms: [] as number[] };
  const fold = async () => {
    const t = performance.now();
    folds.rows += (await events.rollupStep()).rows;
    folds.ms.push(performance.now() - t);
  };
  let unfolded = 0;
  let inFlight: Promise<unknown> | null = null;
  const t0 = performance.now();
  let lastLog = t0;
  for (let k = 0; k < chunks; k++) {
    for (const [m, model] of models.entries()) {
      const n = counts[m]!;
      const start = Math.floor((k * n) / chunks);
      const end = Math.floor(((k + 1) * n) / chunks);
      if (end <= start) continue;
      let t = performance.now();
      const records = makeBatch(model.id, m, n, start, end, from, to, rnd);
      const raw = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'));
      jsMs += performance.now() - t;
      t = performance.now();
      await inFlight;
      waitMs += performance.now() - t;
      if (opts.foldEvery > 0 && unfolded >= opts.foldEvery) {
        await fold();
        unfolded = 0;
      }
      inFlight = events.appendPredictions({ model, records, raw: { bytes: raw, format: 'ndjson' } }).then((r) => {
        if (r.inserted !== records.length) throw new Error(`${model.id}: inserted ${r.inserted} of ${records.length}`);
        written += r.inserted;
      });
      unfolded++;
      bytes += raw.length;
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        const s = (lastLog - t0) / 1000;
        log(`  ${written.toLocaleString()} / ${opts.predictions.toLocaleString()} written, ${s.toFixed(0)} s, ${Math.round(written / s).toLocaleString()} predictions/s`);
      }
    }
  }
  let t = performance.now();
  await inFlight;
  waitMs += performance.now() - t;
  const appendS = (performance.now() - t0 - folds.ms.reduce((a, b) => a + b, 0)) / 1000;
  log(`wrote ${written.toLocaleString()} predictions (${(bytes / 2 ** 20).toFixed(0)} MiB NDJSON) in ${appendS.toFixed(1)} s without the folds: ${Math.round(written / appendS).toLocaleString()} predictions/s`);
  log(`  of which ${(jsMs / 1000).toFixed(1)} s building and serialising records in JS, ${(waitMs / 1000).toFixed(1)} s waiting for the store`);
  await fold();
  const secsOf = (ms: number[]) => (ms.reduce((a, b) => a + b, 0) / 1000).toFixed(1);
  log(`rollup fold of ${folds.rows.toLocaleString()} predictions took ${secsOf(folds.ms)} s`);
  if (folds.ms.length > 1) {
    // the store compacts its rollups on every 12th fold (DuckDbEventStoreOptions.compactEvery)
    const sorted = [...folds.ms].sort((a, b) => a - b);
    const compacting = folds.ms.filter((_, i) => (i + 1) % 12 === 0);
    log(`  ${folds.ms.length} folds, one every ${opts.foldEvery} batch(es): median ${(percentile(sorted, 0.5) / 1000).toFixed(2)} s, slowest ${(sorted[sorted.length - 1]! / 1000).toFixed(1)} s; the ${compacting.length} compacting folds (every 12th) ${secsOf(compacting)} s in all`);
  }
  t = performance.now();
  await events.close();
  await meta.close();
  log(`closing the stores (checkpoint) took ${((performance.now() - t) / 1000).toFixed(1)} s; events.duckdb is ${(fs.statSync(path.join(dir, 'events.duckdb')).size / 2 ** 20).toFixed(0)} MiB`);

  const manifest: Manifest = { models: models.map((m) => m.id), counts, total: written, from, to };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest));
  return manifest;
}
