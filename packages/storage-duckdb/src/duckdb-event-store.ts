import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type {
  Model,
  NormalizedLabel,
  NormalizedLog,
  NormalizedMetricSample,
  NormalizedPipelineRun,
  NormalizedPrediction,
  NormalizedTrainingRun,
} from '@vigil/core';
import type {
  AppendResult,
  BinKind,
  BinRow,
  CountRow,
  EventStore,
  FeatureColumn,
  FeatureRow,
  HistogramRow,
  HistogramSpec,
  InferenceRow,
  LabelledRows,
  ListQuery,
  OverviewRow,
  PerformancePart,
  PerformanceRows,
  PredictionBatch,
  ReferenceLoad,
  RollupProgress,
  RollupQuery,
  SampleQuery,
  ScoredRows,
  SketchKind,
  ValueCountRow,
  ValueRow,
  WindowFilter,
} from '@vigil/storage';
import { MIGRATIONS } from './migrations.ts';
import { addColumnsSql, createTableSql } from './model-tables.ts';
import { binsSql, featuresSql, quantileBinSql, inferenceSql, logsSql, qualitySql, samplesSql, type Built } from './queries.ts';
import { foldModel, rebuildModel, recountNumeric } from './fold.ts';
import { histogramsSql, valueCountsSql } from './histograms.ts';
import { readLabelledRows, readPerformance } from './performance-reads.ts';
import { readScoredRows } from './scored-rows.ts';
import * as refs from './reference-store.ts';
import { num, numOrNull } from './sql.ts';
import { WriteQueue } from './write-queue.ts';
import { PredictionLoader } from './prediction-loads.ts';
import * as simple from './simple-events.ts';
import * as reads from './reads.ts';

export interface DuckDbEventStoreOptions {
  /** Database file; ':memory:' for tests that need no durability. */
  file: string;
  /** Folder for transient bulk-load files. */
  spoolDir: string;
  threads?: number;
  memoryLimit?: string;
  /** Read connections (queries in parallel). */
  readers?: number;
  /** Compact rollups after this many folds. */
  compactEvery?: number;
}

type Row = Record<string, unknown>;

export class DuckDbEventStore implements EventStore {
  private instance: DuckDBInstance | null = null;
  private writer: DuckDBConnection | null = null;
  private readers: DuckDBConnection[] = [];
  private readerWaiters: ((c: DuckDBConnection) => void)[] = [];
  private queue: WriteQueue | null = null;
  private readonly models = new Map<string, Model>();
  /** model → numeric feature → how its live values are counted (hist_specs) */
  private readonly specs = new Map<string, Map<string, HistogramSpec>>();
  private spoolSeq = 0;
  /** Models written to since the last fold; every model counts as written after a start. */
  private readonly dirty = new Set<string>();
  private readonly foldsSinceCompact = new Map<string, number>();
  private readonly loader = new PredictionLoader(() => this.q(), (c, sql) => this.rowsOn(c, sql));
  private closed = false;
  private readerCount = 0;

  constructor(private readonly opts: DuckDbEventStoreOptions) {}

  async init(): Promise<void> {
    // a WAL of up to 256 MB between checkpoints: checkpointing every 16 MB (the default) cost a
    // fifth of ingest throughput (docs/benchmarks.md); recovery replays at most that much
    const config: Record<string, string> = { threads: String(this.opts.threads ?? 2), memory_limit: this.opts.memoryLimit ?? '192MB', checkpoint_threshold: '256MB' };
    if (this.opts.file !== ':memory:') config.temp_directory = path.join(path.dirname(this.opts.file), 'duckdb-tmp');
    this.instance = await DuckDBInstance.create(this.opts.file, config);
    // only once the database lock is ours may leftovers of an earlier process be removed
    fs.mkdirSync(this.opts.spoolDir, { recursive: true, mode: 0o700 });
    for (const f of fs.readdirSync(this.opts.spoolDir)) fs.rmSync(path.join(this.opts.spoolDir, f), { force: true });
    this.writer = await this.instance.connect();
    for (let i = 0; i < (this.opts.readers ?? 2); i++) this.readers.push(await this.instance.connect());
    this.readerCount = this.readers.length;
    await this.writer.run('CREATE TABLE IF NOT EXISTS vigil_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT)');
    const applied = new Set((await this.rowsOn(this.writer, 'SELECT version FROM vigil_migrations')).map((r) => num(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await this.writer.run('BEGIN TRANSACTION');
      await this.writer.run(m.sql);
      await this.writer.run('INSERT INTO vigil_migrations VALUES (?, ?)', [m.version, Date.now()]);
      await this.writer.run('COMMIT');
    }
    const state = new Map((await this.rowsOn(this.writer, 'SELECT key, value FROM vigil_state')).map((r) => [String(r.key), num(r.value)]));
    this.queue = new WriteQueue(this.writer, state.get('head') ?? 0);
    for (const r of await this.rowsOn(this.writer, 'SELECT model, feature, spec FROM hist_specs')) {
      const m = this.specs.get(String(r.model)) ?? new Map<string, HistogramSpec>();
      m.set(String(r.feature), JSON.parse(String(r.spec)) as HistogramSpec);
      this.specs.set(String(r.model), m);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue?.idle();
    await this.writer?.run('CHECKPOINT').catch(() => undefined);
    for (const r of this.readers) r.closeSync();
    this.writer?.closeSync();
    this.instance?.closeSync();
  }

  private q(): WriteQueue {
    if (!this.queue || this.closed) throw new Error('event store is closed');
    return this.queue;
  }

  private async rowsOn(conn: DuckDBConnection, sql: string, params: (string | number)[] = []): Promise<Row[]> {
    const r = await conn.runAndReadAll(sql, params);
    return r.getRowObjectsJS() as Row[];
  }

  /** Reads run on a small pool of connections: one DuckDB connection runs one query at a time. */
  private rows(sql: string, params: (string | number)[] = []): Promise<Row[]> {
    return this.withReader((conn) => this.rowsOn(conn, sql, params));
  }

  /** Writes a transient file for read_json; removed once its transaction has ended. */
  private spool(bytes: Uint8Array | string, ext: string): { file: string; cleanup: () => void } {
    const file = path.join(this.opts.spoolDir, `${process.pid}-${++this.spoolSeq}.${ext}`);
    fs.writeFileSync(file, bytes);
    return { file, cleanup: () => fs.rmSync(file, { force: true }) };
  }

  /** Columns are only ever added, so records checked against an older schema still fit. */
  async applyModel(model: Model): Promise<void> {
    await this.q().push(async (conn) => {
      await conn.run(createTableSql(model));
      for (const sql of addColumnsSql(model)) await conn.run(sql);
    }, { noBatch: true });
    this.models.set(model.id, model);
    this.dirty.add(model.id);
  }

  async appendPredictions(batch: PredictionBatch): Promise<AppendResult> {
    const { model, records } = batch;
    const quality = batch.quality?.length ? this.spool(batch.quality.map((q) => JSON.stringify(q)).join('\n'), 'ndjson') : null;
    let load: { file: string; cleanup: () => void; format: 'array' | 'newline_delimited' } | null = null;
    if (records.length) {
      load = batch.raw
        ? { ...this.spool(batch.raw.bytes, 'json'), format: batch.raw.format === 'json' ? 'array' : 'newline_delimited' }
        : { ...this.spool(records.map((r) => JSON.stringify(model.task === 'regression' ? { ...r, prediction: Number(r.prediction) } : r)).join('\n'), 'ndjson'), format: 'newline_delimited' };
    }
    let lo = Infinity;
    let hi = -Infinity;
    const ids = new Array<string>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as (typeof records)[number];
      if (r.ts < lo) lo = r.ts;
      if (r.ts > hi) hi = r.ts;
      ids[i] = r.id;
    }
    const inserted = await this.loader.add({
      model,
      file: load?.file ?? null,
      format: load?.format ?? 'newline_delimited',
      ids,
      lo,
      hi,
      qualityFile: quality?.file ?? null,
      cleanup: () => {
        load?.cleanup();
        quality?.cleanup();
      },
    });
    this.dirty.add(model.id);
    return { inserted, duplicates: records.length - inserted };
  }

  private appendSimple(kind: simple.SimpleKind, records: readonly object[]): Promise<AppendResult> {
    if (records.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    const { file, cleanup } = this.spool(records.map((r) => JSON.stringify(r)).join('\n'), 'ndjson');
    return this.q()
      .push(async (conn, b) => (await conn.run(simple.insertSql(kind, file, b))).rowsChanged, { cleanup })
      .then((inserted) => ({ inserted, duplicates: records.length - inserted }));
  }

  async appendLabels(labels: NormalizedLabel[]): Promise<AppendResult> {
    const r = await this.appendSimple('labels', labels);
    for (const l of labels) this.dirty.add(l.model);
    return r;
  }
  appendMetricSamples(samples: NormalizedMetricSample[]): Promise<AppendResult> {
    return this.appendSimple('metric_samples', samples.map((s) => ({ ...s, labels: simple.canonicalLabels(s.labels) })));
  }
  appendLogs(logs: NormalizedLog[]): Promise<AppendResult> {
    return this.appendSimple('logs', logs.map((l) => ({ ...l, attributes: JSON.stringify(l.attributes) })));
  }
  appendPipelineRuns(runs: NormalizedPipelineRun[]): Promise<AppendResult> {
    return this.appendSimple('pipeline_runs', runs.map((r) => ({ ...r, quality: r.quality && JSON.stringify(r.quality), schema_checks: r.schema_checks && JSON.stringify(r.schema_checks) })));
  }
  appendTrainingRuns(runs: NormalizedTrainingRun[]): Promise<AppendResult> {
    return this.appendSimple('training_runs', runs.map((r) => ({ ...r, params: JSON.stringify(r.params), metrics: JSON.stringify(r.metrics), dataset_sizes: JSON.stringify(r.dataset_sizes) })));
  }

  /**
   * Folds what each model received since its watermark, one model per transaction. Only
   * models written to since the last step are visited (all of them after a start).
   */
  async rollupStep(): Promise<RollupProgress> {
    const hi = this.q().lastBatch;
    const dirty = [...this.dirty];
    this.dirty.clear();
    let rows = 0;
    for (const [i, id] of dirty.entries()) {
      const model = this.models.get(id);
      if (!model) continue;
      const compact = ((this.foldsSinceCompact.get(id) ?? 0) + 1) >= (this.opts.compactEvery ?? 12);
      try {
        const r = await this.q().push((conn) => foldModel((c, sql, p) => this.rowsOn(c, sql, p), conn, model, this.specsOf(id), hi, compact), { noBatch: true });
        rows += r.rows;
        if (r.compacted) this.foldsSinceCompact.set(id, 0);
        else if (r.folded) this.foldsSinceCompact.set(id, (this.foldsSinceCompact.get(id) ?? 0) + 1);
      } catch (e) {
        for (const rest of dirty.slice(i)) this.dirty.add(rest);
        throw e;
      }
    }
    return { watermark: hi, head: hi, rows };
  }

  async rebuildRollups(onProgress?: (done: number, total: number) => void): Promise<RollupProgress> {
    const models = [...this.models.values()];
    const hi = this.q().lastBatch;
    let rows = 0;
    for (const [i, model] of models.entries()) {
      rows += await this.q().push((conn) => rebuildModel((c, sql, p) => this.rowsOn(c, sql, p), conn, model, this.specsOf(model.id), hi), { noBatch: true });
      onProgress?.(i + 1, models.length);
    }
    return { watermark: hi, head: hi, rows };
  }

  private async grouped<T>(b: Built, map: (r: Row, group: Record<string, string>, bucket: number) => T, keys: string[]): Promise<T[]> {
    const out = await this.rows(b.sql, b.params);
    return out.map((r) => {
      const group: Record<string, string> = {};
      keys.forEach((k, i) => (group[k] = r[b.groupAliases[i] as string] === null ? '' : String(r[b.groupAliases[i] as string])));
      return map(r, group, num(r.b));
    });
  }

  queryInference(q: RollupQuery): Promise<InferenceRow[]> {
    return this.grouped(inferenceSql(q), (r, group, bucket) => ({
      group, bucket,
      count: num(r.count), latency_count: num(r.latency_count), latency_sum: num(r.latency_sum), batch_count: num(r.batch_count),
      batch_sum: num(r.batch_sum), score_count: num(r.score_count), score_sum: num(r.score_sum), labelled: num(r.labelled),
    }), q.groupBy);
  }
  queryBins(kind: BinKind, q: RollupQuery): Promise<BinRow[]> {
    return this.grouped(binsSql(kind, q), (r, group, bucket) => ({ group, bucket, bin: num(r.bin), count: num(r.count) }), q.groupBy);
  }
  queryLatencyQuantile(quantile: number, q: RollupQuery, kind: SketchKind = 'latency'): Promise<BinRow[]> {
    return this.grouped(quantileBinSql(quantile, q, kind), (r, group, bucket) => ({ group, bucket, bin: num(r.bin), count: 1 }), q.groupBy);
  }
  queryFeatures(q: RollupQuery): Promise<FeatureRow[]> {
    const keys = q.groupBy.filter((g) => g !== 'feature');
    return this.grouped(featuresSql(q), (r, group, bucket) => ({
      group, bucket, feature: String(r.feature_name), count: num(r.count), nulls: num(r.nulls), num_count: num(r.num_count),
      sum: num(r.sum), min: numOrNull(r.min), max: numOrNull(r.max),
    }), keys);
  }
  queryQuality(q: RollupQuery): Promise<CountRow[]> {
    return this.grouped(qualitySql(q), (r, group, bucket) => ({ group, bucket, count: num(r.count) }), q.groupBy);
  }
  queryLogs(q: RollupQuery): Promise<CountRow[]> {
    return this.grouped(logsSql(q), (r, group, bucket) => ({ group, bucket, count: num(r.count) }), q.groupBy);
  }
  querySamples(q: SampleQuery): Promise<ValueRow[]> {
    return this.grouped(samplesSql(q), (r, group, bucket) => ({ group, bucket, value: num(r.value) }), q.groupBy);
  }

  queryHistograms(q: RollupQuery): Promise<HistogramRow[]> {
    const keys = q.groupBy.filter((g) => g !== 'feature');
    return this.grouped(histogramsSql(q), (r, group, bucket) => ({
      group, bucket, feature: String(r.feature_name), bin: num(r.bin), count: num(r.count), min: numOrNull(r.min), max: numOrNull(r.max),
    }), keys);
  }
  queryValueCounts(q: RollupQuery): Promise<ValueCountRow[]> {
    const keys = q.groupBy.filter((g) => g !== 'feature');
    return this.grouped(valueCountsSql(q), (r, group, bucket) => ({ group, bucket, feature: String(r.feature_name), value: String(r.value), count: num(r.count) }), keys);
  }

  readDriftCounts(modelId: string, q: RollupQuery): Promise<{ specs: Record<string, HistogramSpec>; histograms: HistogramRow[]; values: ValueCountRow[] }> {
    const keys = q.groupBy.filter((g) => g !== 'feature');
    const group = (r: Row, b: Built) => {
      const g: Record<string, string> = {};
      keys.forEach((k, i) => (g[k] = r[b.groupAliases[i] as string] === null ? '' : String(r[b.groupAliases[i] as string])));
      return g;
    };
    return this.withReader(async (conn) => {
      // one snapshot: the specs table and the rows counted on them change together (recountNumeric)
      await conn.run('BEGIN TRANSACTION');
      try {
        const specRows = await this.rowsOn(conn, 'SELECT feature, spec FROM hist_specs WHERE model = ?', [modelId]);
        const hb = histogramsSql(q), vb = valueCountsSql(q);
        const hist = await this.rowsOn(conn, hb.sql, hb.params);
        const vals = await this.rowsOn(conn, vb.sql, vb.params);
        return {
          specs: Object.fromEntries(specRows.map((r) => [String(r.feature), JSON.parse(String(r.spec)) as HistogramSpec])),
          histograms: hist.map((r) => ({ group: group(r, hb), bucket: num(r.b), feature: String(r.feature_name), bin: num(r.bin), count: num(r.count), min: numOrNull(r.min), max: numOrNull(r.max) })),
          values: vals.map((r) => ({ group: group(r, vb), bucket: num(r.b), feature: String(r.feature_name), value: String(r.value), count: num(r.count) })),
        };
      } finally {
        await conn.run('COMMIT').catch(() => undefined);
      }
    });
  }

  private specsOf(modelId: string): ReadonlyMap<string, HistogramSpec> {
    return this.specs.get(modelId) ?? new Map();
  }

  async setHistogramSpecs(model: Model, specs: Record<string, HistogramSpec>): Promise<void> {
    const next = new Map(Object.entries(specs));
    await this.q().push(async (conn) => {
      await conn.run('DELETE FROM hist_specs WHERE model = ?', [model.id]);
      for (const [feature, spec] of next) await conn.run('INSERT INTO hist_specs VALUES (?, ?, ?)', [model.id, feature, JSON.stringify(spec)]);
      await recountNumeric((c, sql, p) => this.rowsOn(c, sql, p), conn, model, next);
      // folds run in this queue too, so none sees the old specs after this commit
      this.specs.set(model.id, next);
    }, { noBatch: true });
  }

  getHistogramSpecs(modelId: string): Promise<Record<string, HistogramSpec>> {
    return Promise.resolve(Object.fromEntries(this.specsOf(modelId)));
  }

  // drift references and raw windows: reference-store.ts
  loadReferenceFile(model: Model, version: string, file: string, format: 'csv' | 'parquet'): Promise<ReferenceLoad> {
    return refs.loadReferenceFile(this.refDb(), model, version, file, format);
  }
  loadReferenceWindow(model: Model, version: string, window: WindowFilter): Promise<ReferenceLoad> {
    return refs.loadReferenceWindow(this.refDb(), model, version, window);
  }
  deleteReference(modelId: string, version: string): Promise<void> {
    return refs.deleteReference(this.refDb(), modelId, version);
  }
  referenceValues(model: Model, version: string, feature: string, limit?: number): Promise<FeatureColumn> {
    return refs.referenceValues(this.refDb(), model, version, feature, limit);
  }
  windowRows(model: Model, features: string[], window: WindowFilter, limit: number): Promise<{ total: number; ts: Float64Array; columns: FeatureColumn[] }> {
    return refs.windowRows(this.refDb(), model, features, window, limit);
  }
  windowValues(model: Model, feature: string, window: WindowFilter, limit?: number): Promise<FeatureColumn & { total: number }> {
    return refs.windowValues(this.refDb(), model, feature, window, limit);
  }
  private refDb(): refs.RefDb {
    return {
      rows: (sql, params) => this.rows(sql, params),
      withReader: (fn) => this.withReader(fn),
      write: (fn) => this.q().push(fn, { noBatch: true }),
    };
  }

  /** Runs `fn` on one reader connection of the pool. */
  private async withReader<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.readerCount === 0) throw new Error('event store is not initialised');
    const conn = this.readers.pop() ?? (await new Promise<DuckDBConnection>((res) => this.readerWaiters.push(res)));
    try {
      return await fn(conn);
    } finally {
      const next = this.readerWaiters.shift();
      if (next) next(conn);
      else this.readers.push(conn);
    }
  }

  /** The four performance reads in one snapshot: a fold's recompute replaces an hour's rows in all of them at once. */
  queryPerformance(q: RollupQuery, parts?: readonly PerformancePart[]): Promise<PerformanceRows> {
    return this.withReader(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        return await readPerformance((sql, p) => this.rowsOn(conn, sql, p), q, parts);
      } finally {
        await conn.run('COMMIT').catch(() => undefined);
      }
    });
  }

  labelledRows(model: Model, window: WindowFilter, limit: number): Promise<LabelledRows> {
    return this.withReader((conn) => readLabelledRows(conn, (sql, p) => this.rowsOn(conn, sql, p), model, window, limit));
  }

  scoredRows(model: Model, window: WindowFilter, limit: number): Promise<ScoredRows> {
    return this.withReader((conn) => readScoredRows(conn, (sql, p) => this.rowsOn(conn, sql, p), model, window, limit));
  }

  async overview(from: number, to: number): Promise<OverviewRow[]> {
    return reads.overview((sql, p) => this.rows(sql, p), from, to);
  }
  listPredictions(q: ListQuery): Promise<NormalizedPrediction[]> {
    const model = q.model ? this.models.get(q.model) : undefined;
    if (!model) return Promise.resolve([]);
    return reads.listPredictions((sql, p) => this.rows(sql, p), model, q);
  }
  listLabels(q: ListQuery): Promise<NormalizedLabel[]> {
    return reads.listLabels((sql, p) => this.rows(sql, p), q);
  }
  listPipelineRuns(q: ListQuery & { pipeline?: string }): Promise<NormalizedPipelineRun[]> {
    return reads.listPipelineRuns((sql, p) => this.rows(sql, p), q);
  }
  listTrainingRuns(q: ListQuery): Promise<NormalizedTrainingRun[]> {
    return reads.listTrainingRuns((sql, p) => this.rows(sql, p), q);
  }
  listLogs(q: ListQuery & { level?: string }): Promise<NormalizedLog[]> {
    return reads.listLogs((sql, p) => this.rows(sql, p), q);
  }
}
