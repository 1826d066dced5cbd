import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Model, NormalizedLabel, NormalizedPrediction } from '@vigil/core';
import { DuckDbEventStore } from './duckdb-event-store.ts';
import { readLabelledRows } from './performance-reads.ts';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;
const MODEL: Model = {
  id: 'passes', name: 'passes', task: 'binary', owner_team: null, tags: [], description: null,
  schema: { features: [{ name: 'x', type: 'numeric', nullable: true }], segments: ['region'] }, schema_version: 1,
  created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(),
};

test('labelledRows: the sample does not depend on how many passes read it (low label coverage, a window off whole hours)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-passes-'));
  try {
    const store = new DuckDbEventStore({ file: path.join(dir, 'events.duckdb'), spoolDir: path.join(dir, 'spool') });
    await store.init();
    await store.applyModel(MODEL);
    const preds: NormalizedPrediction[] = [], labels: NormalizedLabel[] = [];
    for (let i = 0; i < 3_000; i++) {
      const ts = T0 + i * 11_000;
      preds.push({ id: `id-${i}`, model: MODEL.id, version: 'v1', ts, features: { x: i }, prediction: i % 2 ? '1' : '0', score: (i % 997) / 997, scores: null, latency_ms: null, batch_size: null, segment: { region: i % 3 ? 'eu' : 'us' }, feature_ts: null });
      if (i % 5 === 0) labels.push({ model: MODEL.id, prediction_id: `id-${i}`, label: i % 4 ? '1' : '0', ts: ts + HOUR });
    }
    await store.appendPredictions({ model: MODEL, records: preds });
    await store.appendLabels(labels);
    await store.rollupStep();
    await store.close();

    const db = await DuckDBInstance.create(path.join(dir, 'events.duckdb'));
    const conn = await db.connect();
    try {
      const exec = async (sql: string, p: (string | number)[]) => (await conn.runAndReadAll(sql, p)).getRowObjectsJS() as Record<string, unknown>[];
      const w = { from: T0 + 7 * 60_000 + 3, to: T0 + 8 * HOUR + 1_000, versions: null, segments: { region: 'eu' } };
      const want = labels.filter((l) => {
        const p = preds[Number(l.prediction_id.slice(3))] as NormalizedPrediction;
        return p.ts >= w.from && p.ts < w.to && p.segment.region === 'eu';
      }).length;
      for (const limit of [50, 200, 10_000]) {
        const one = await readLabelledRows(conn, exec, MODEL, w, limit);
        assert.equal(one.total, want);
        assert.equal(one.label.length, Math.min(limit, want));
        // ranges of about 40 predictions (8 labelled): many passes, each joining a few ids
        const many = await readLabelledRows(conn, exec, MODEL, w, limit, 40);
        assert.deepEqual(many, one, `limit ${limit}`);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
