/**
 * Ingestion benchmark: predictions with 20 features over HTTP into a server running in its
 * own process, durable (acknowledged after commit). Prints, from the same run, a plain
 * JSON.parse of the same bodies — the ceiling of any JSON-over-HTTP path — and the ratio,
 * and the server's peak RSS.
 *
 *   npm run bench:ingest -- [--records 1000000] [--batch 5000] [--concurrency 4] [--reference]
 *
 * --reference sets a drift reference first (50,000 rows from the same distributions), so every
 * fold also counts the 15 numeric features on its quantile edges: the cost of drift monitoring.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exited, spawnServer } from '../packages/server/src/testing/child-server.ts';
import { cpuByThread, machine, post, rssOf } from './lib.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '4' }, reference: { type: 'boolean', default: false } } });
const N = Number(values.records);
const BATCH = Number(values.batch);
const CONC = Number(values.concurrency);
const TOKEN = 'bench-token-0123456789abcdef';

const FEATURES = Array.from({ length: 20 }, (_, j) => (j < 15 ? { name: `num_${j}`, type: 'numeric' } : { name: `cat_${j}`, type: 'categorical' }));
const CATS = ['alpha', 'beta', 'gamma', 'delta'];

function makeBodies(): Buffer[] {
  const t0 = Date.now() - 2 * 3_600_000;
  const bodies: Buffer[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  for (let start = 0; start < N; start += BATCH) {
    const recs = [];
    for (let i = start; i < Math.min(N, start + BATCH); i++) {
      const features: Record<string, number | string> = {};
      for (let j = 0; j < 20; j++) features[FEATURES[j]!.name] = j < 15 ? Math.round(rnd() * 100_000) / 100 : CATS[(i + j) % 4]!;
      recs.push({ id: `b-${i}`, model: 'bench', version: 'v1', ts: new Date(t0 + Math.floor(i / 200)).toISOString(), features, prediction: i % 2, score: Math.round(rnd() * 1000) / 1000, latency_ms: Math.round(rnd() * 5000) / 100, segment: { region: i % 3 ? 'eu' : 'us' } });
    }
    bodies.push(Buffer.from(JSON.stringify(recs)));
  }
  return bodies;
}

async function main() {
  console.log(`machine: ${machine()}`);
  process.stdout.write(`generating ${N.toLocaleString()} predictions in batches of ${BATCH}... `);
  const bodies = makeBodies();
  const bytes = bodies.reduce((a, b) => a + b.length, 0);
  console.log(`${(bytes / 2 ** 20).toFixed(0)} MiB, ${(bytes / N).toFixed(0)} bytes per prediction`);

  // the ceiling: parse the same bodies, nothing else
  let t = performance.now();
  let parsed = 0;
  for (const b of bodies) parsed += (JSON.parse(b.toString('utf8')) as unknown[]).length;
  const parseRate = parsed / ((performance.now() - t) / 1000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-ingest-'));
  const { child, url } = await spawnServer({ VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_LOG_LEVEL: 'warn', VIGIL_BODY_LIMIT: '256mb', VIGIL_INGEST_RATE_LIMIT: '0', ...JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}') });
  const created = await post(`${url}/api/v1/models`, TOKEN, Buffer.from(JSON.stringify({ id: 'bench', name: 'bench', task: 'binary', schema: { features: FEATURES, segments: ['region'] } })));
  if (created.status !== 201) throw new Error(`model create failed: ${created.text}`);
  if (values.reference) {
    const v = await post(`${url}/api/v1/models/bench/versions`, TOKEN, Buffer.from(JSON.stringify({ version: 'v1' })));
    if (v.status !== 201) throw new Error(`version create failed: ${v.text}`);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
    const rows = [FEATURES.map((f) => f.name).join(',')];
    for (let i = 0; i < 50_000; i++) rows.push(FEATURES.map((_, j) => (j < 15 ? Math.round(rnd() * 100_000) / 100 : CATS[(i + j) % 4])).join(','));
    const r = await fetch(`${url}/api/v1/models/bench/versions/v1/reference`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' }, body: rows.join('\n') });
    if (r.status !== 201) throw new Error(`reference upload failed: ${await r.text()}`);
    console.log('drift reference set: numeric features are counted on 0.5% quantile edges at every fold');
  }

  const cpuBefore = cpuByThread(child.pid!);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(child.pid!))), 100);
  let nextBody = 0;
  let accepted = 0;
  let done = 0;
  const progress = setInterval(() => process.stdout.write(`\r  sent ${done}/${bodies.length} batches`), 1000);
  t = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      while (nextBody < bodies.length) {
        const body = bodies[nextBody++]!;
        const r = await post(`${url}/api/v1/predictions`, TOKEN, body);
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text.slice(0, 300)}`);
        accepted += (JSON.parse(r.text) as { accepted: number }).accepted;
        done++;
      }
    }),
  );
  const secs = (performance.now() - t) / 1000;
  const cpuAfter = cpuByThread(child.pid!);
  clearInterval(progress);
  clearInterval(sampler);
  const rate = accepted / secs;
  console.log(`\r  sent ${bodies.length} batches            `);
  console.log(`\ningest over HTTP (durable, ${CONC} concurrent clients, ${BATCH}/batch): ${Math.round(rate).toLocaleString()} predictions/s (${accepted.toLocaleString()} in ${secs.toFixed(2)} s)`);
  console.log(`ceiling — JSON.parse of the same bodies, same run:    ${Math.round(parseRate).toLocaleString()} predictions/s`);
  console.log(`ratio ingest / JSON.parse: ${(rate / parseRate).toFixed(2)}`);
  console.log(`server peak RSS while ingesting: ${(peakRss / 2 ** 20).toFixed(0)} MiB (${(peakRss / 1e6).toFixed(0)} MB)`);
  const used = [...cpuAfter].map(([name, s]) => [name, s - (cpuBefore.get(name) ?? 0)] as const).filter(([, s]) => s > 0.05).sort((a, b) => b[1] - a[1]);
  console.log(`server CPU by thread over the run (s): ${used.map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')} — of ${(2 * secs).toFixed(1)} core-s available`);
  console.log(`target: >= 100,000 predictions/s — ${rate >= 100_000 ? 'MET' : 'MISSED'}; RSS < 500 MB — ${peakRss < 500e6 ? 'MET' : 'MISSED'}`);
  if (accepted !== N) console.log(`WARNING: accepted ${accepted} of ${N}`);
  child.kill('SIGTERM');
  await exited(child);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
