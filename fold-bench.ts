import fs from 'node:fs';
import { DuckDbEventStore } from '@vigil/storage-duckdb';
import type { Model, NormalizedPrediction } from '@vigil/core';
const dir = '/tmp/foldbench'; fs.rmSync(dir, { recursive: true, force: true });
const s = new DuckDbEventStore({ file: dir + '/e.duckdb', spoolDir: dir + '/spool' });
await s.init();
const FEATURES = Array.from({ length: 20 }, (_, j) => (j < 15 ? { name: `num_${j}`, type: 'numeric' as const, nullable: false } : { name: `cat_${j}`, type: 'categorical' as const, nullable: false }));
const model: Model = { id: 'bench', name: 'b', task: 'binary', owner_team: null, tags: [], description: null, schema: { features: FEATURES, segments: ['region'] }, schema_version: 1, created_at: '', updated_at: '' };
await s.applyModel(model);
const t0 = Date.now() - 7200_000;
for (let k = 0; k < 5; k++) {
  const recs: NormalizedPrediction[] = Array.from({ length: 100000 }, (_, i) => { const f: Record<string, number | string> = {}; for (let j = 0; j < 20; j++) f[FEATURES[j]!.name] = j < 15 ? i * 0.5 : 'alpha'; return { id: `b-${k}-${i}`, model: 'bench', version: 'v1', ts: t0 + k * 100000 + i, features: f, prediction: '1', score: (i % 100) / 100, scores: null, latency_ms: 3 + (i % 50), batch_size: 1, segment: { region: i % 2 ? 'eu' : 'us' }, feature_ts: null }; });
  let t = performance.now();
  await s.appendPredictions({ records: recs });
  const ta = performance.now() - t;
  t = performance.now();
  await s.rollupStep();
  console.log(`append ${ta.toFixed(0)} ms, fold ${(performance.now() - t).toFixed(0)} ms`);
}
await s.close();
