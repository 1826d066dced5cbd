/**
 * Query benchmark (issue 2): with 10 million predictions over 30 days across 100 models, the
 * overview of all models and one model's 30-day latency and volume charts, p95 under 150 ms.
 * The data set is written in-process through the stores' write path (bench/query-data.ts),
 * then a real `vigil serve` child process answers over HTTP. Prints figures; asserts no time.
 *
 *   npm run bench:query -- [--predictions 10000000] [--models 100] [--repeat 50] [--batch 50000]
 *                          [--fold-every 1 (batches; 0: one fold at the end)] [--memory-limit 4GB (the loader's DuckDB)]
 *                          [--keep <dir> | --reuse <dir>]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exited, spawnServer } from '../packages/server/src/testing/child-server.ts';
import { get, machine, percentile, rssOf } from './lib.ts';
import { generate, readManifest, type Manifest } from './query-data.ts';

const { values } = parseArgs({
  options: {
    predictions: { type: 'string', default: '10000000' },
    models: { type: 'string', default: '100' },
    batch: { type: 'string', default: '50000' },
    'fold-every': { type: 'string', default: '1' },
    'memory-limit': { type: 'string' },
    repeat: { type: 'string', default: '50' },
    keep: { type: 'string' },
    reuse: { type: 'string' },
  },
});
const REPEAT = Number(values.repeat);
const TOKEN = 'bench-token-0123456789abcdef';
const TARGET_MS = 150;

interface Series { labels: Record<string, string>; points: [number, number | null][] }
interface QueryAnswer { step_ms: number; series: Series[] }
interface OverviewAnswer { models: { id: string; predictions: number; latency_p99_ms: number | null; production_version: string | null }[] }

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
};

async function json<T>(url: string): Promise<T> {
  const r = await get(url, TOKEN);
  if (r.status !== 200) throw new Error(`GET ${url} answered ${r.status}: ${r.text.slice(0, 500)}`);
  return JSON.parse(r.text) as T;
}

const sumPoints = (a: QueryAnswer): number => a.series.reduce((s, x) => s + x.points.reduce((t, [, v]) => t + (v ?? 0), 0), 0);

/** Exact checks against what was written, with the data set's own bounds so a later --reuse still adds up. */
async function checkCounts(url: string, d: Manifest): Promise<void> {
  const range = `from=${d.from}&to=${d.to + 1}`;
  const ov = await json<OverviewAnswer>(`${url}/api/v1/overview?${range}`);
  check(ov.models.length === d.models.length, `overview lists ${ov.models.length} models, expected ${d.models.length}`);
  const byId = new Map(ov.models.map((m) => [m.id, m]));
  d.models.forEach((id, i) => {
    const m = byId.get(id);
    check(m?.predictions === d.counts[i], `overview: ${id} has ${m?.predictions} predictions, expected ${d.counts[i]}`);
    check(m?.production_version === 'v1', `overview: ${id} production version ${m?.production_version}, expected v1`);
  });
  for (const i of [0, Math.floor(d.models.length / 2), d.models.length - 1]) {
    const a = await json<QueryAnswer>(`${url}/api/v1/query?metric=predictions.count&model=${d.models[i]}&${range}&step=1h`);
    check(sumPoints(a) === d.counts[i], `predictions.count of ${d.models[i]} sums to ${sumPoints(a)}, expected ${d.counts[i]}`);
  }
}

/** Sanity of a timed chart answer: one series, the right number of points, plausible values. */
function checkChart(name: string, a: QueryAnswer, latency: boolean): void {
  const points = a.series[0]?.points ?? [];
  const expected = Math.ceil((30 * 86_400_000) / a.step_ms);
  check(a.series.length === 1 && Math.abs(points.length - expected) <= 1, `${name}: ${a.series.length} series, ${points.length} points, expected 1 series of ~${expected}`);
  const bad = points.filter(([, v]) => v !== null && (!Number.isFinite(v) || v <= 0 || (latency && v > 60_000)));
  check(bad.length === 0, `${name}: ${bad.length} implausible values, e.g. ${JSON.stringify(bad[0])}`);
  check(points.some(([, v]) => v !== null), `${name}: every point is null`);
}

interface Case { name: string; urls: (i: number) => string[]; sane?: (answers: string[]) => void }

/**
 * Times `REPEAT` rounds of every case, one request set at a time; rounds interleave the cases so
 * that a burst of load from elsewhere on the machine does not land on one case only. A run with
 * an answer other than 200 is counted as failed and left out of the times.
 */
async function measure(cases: Case[]): Promise<{ p50: number; p95: number; max: number; bytes: number; failed: number }[]> {
  const stats = cases.map(() => ({ times: [] as number[], bytes: 0, failed: 0 }));
  for (let i = 0; i < REPEAT; i++) {
    for (const [k, c] of cases.entries()) {
      const st = stats[k]!;
      const t = performance.now();
      const rs = await Promise.all(c.urls(i).map((u) => get(u, TOKEN)));
      const ms = performance.now() - t;
      const bad = rs.find((r) => r.status !== 200);
      if (bad) {
        if (st.failed++ === 0) problems.push(`${c.name} answered ${bad.status}: ${bad.text.slice(0, 300)}`);
        continue;
      }
      st.times.push(ms);
      st.bytes = rs.reduce((s, r) => s + Buffer.byteLength(r.text), 0);
      if (st.times.length === 1) c.sane?.(rs.map((r) => r.text));
    }
  }
  return stats.map(({ times, bytes, failed }) => {
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5) ?? NaN, p95: percentile(times, 0.95) ?? NaN, max: times[times.length - 1] ?? NaN, bytes, failed };
  });
}

async function main() {
  console.log(`machine: ${machine()}`);
  let dir: string;
  let data: Manifest;
  if (values.reuse) {
    dir = path.resolve(values.reuse);
    data = readManifest(dir);
    console.log(`reusing ${dir}: ${data.total.toLocaleString()} predictions, ${data.models.length} models, written ${((Date.now() - data.to) / 60_000).toFixed(0)} min ago`);
  } else {
    dir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-query-'));
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`--keep ${dir}: the folder is not empty (use --reuse to read it)`);
    const opts = { predictions: Number(values.predictions), models: Number(values.models), batch: Number(values.batch), foldEvery: Number(values['fold-every']), memoryLimit: values['memory-limit'] };
    data = await generate(dir, { ...opts, log: (l) => console.log(l) }).catch((e: unknown) => {
      if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    });
  }

  const t = performance.now();
  const { child, url, output } = await spawnServer({ VIGIL_DATA_DIR: dir, VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_LOG_LEVEL: 'warn', VIGIL_API_RATE_LIMIT: '0' });
  console.log(`server up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  try {
    await checkCounts(url, data);
    const M = data.models.length;
    const model = (i: number) => data.models[(i * 37) % M]!; // a different model each time, as different users would open
    const chart = (metric: string, step: string) => (i: number) => [`${url}/api/v1/query?metric=${metric}&model=${model(i)}&from=now-30d${step ? `&step=${step}` : ''}`];
    const chartCase = (metric: string, step: string): Case => ({
      name: `${metric} of one model, 30 d, step ${step || 'default'}`,
      urls: chart(metric, step),
      sane: ([text]) => checkChart(`${metric} step ${step || 'default'}`, JSON.parse(text!) as QueryAnswer, metric.startsWith('latency')),
    });
    const overviewCase = (from: string): Case => ({
      name: `overview of all models, from=${from}`,
      urls: () => [`${url}/api/v1/overview?from=${from}`],
      sane: ([text]) => {
        const ov = JSON.parse(text!) as OverviewAnswer;
        check(ov.models.length === M, `overview ${from}: ${ov.models.length} models, expected ${M}`);
        check(ov.models.every((m) => m.predictions > 0 && (m.latency_p99_ms ?? 0) > 0), `overview ${from}: a model without traffic or latency`);
      },
    });
    const cases: Case[] = [
      overviewCase('now-24h'),
      overviewCase('now-30d'),
      ...['1h', '6h', ''].flatMap((step) => ['latency.p99', 'latency.p50', 'predictions.count'].map((metric) => chartCase(metric, step))),
      {
        name: 'page load: overview 24 h + p99, p50, count (1 h step), concurrent',
        urls: (i) => [`${url}/api/v1/overview?from=now-24h`, ...['latency.p99', 'latency.p50', 'predictions.count'].map((m) => chart(m, '1h')(i)[0]!)],
      },
    ];
    // warm-up: every query a few times, so the figures are of a running server, not its first touch
    for (const c of cases) for (let i = 0; i < 3; i++) await Promise.all(c.urls(i).map((u) => get(u, TOKEN)));

    console.log(`\n${REPEAT} rounds, the cases interleaved, one request set at a time (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    console.log(`${'query'.padEnd(68)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'answer'.padStart(9)}`);
    const results: [string, number, number][] = [];
    for (const [k, r] of (await measure(cases)).entries()) {
      const c = cases[k]!;
      results.push([c.name, r.p95, r.failed]);
      const failed = r.failed ? `  ${r.failed} of ${REPEAT} FAILED` : '';
      console.log(`${c.name.padEnd(68)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)} ${`${(r.bytes / 1024).toFixed(1)} KiB`.padStart(9)}${failed}`);
    }
    console.log(`server RSS after the queries: ${(rssOf(child.pid!) / 2 ** 20).toFixed(0)} MiB`);

    console.log(`\ntargets (issue 2, ${data.total.toLocaleString()} predictions over 30 days across ${M} models):`);
    for (const [name, p95, failed] of results) {
      console.log(`  ${name}: p95 under ${TARGET_MS} ms — ${p95 < TARGET_MS && !failed ? 'MET' : 'MISSED'} (${p95.toFixed(1)} ms${failed ? `; ${failed} of ${REPEAT} answered an error` : ''})`);
    }
    console.log(`machine: ${machine()}`);
    const errors = new Map<string, number>();
    for (const line of output().split('\n').filter((l) => l.includes('"level":50'))) {
      let key = line.slice(0, 300);
      try {
        const e = JSON.parse(line) as { msg?: string; url?: string; err?: string };
        key = `${e.msg} ${e.url ?? ''}: ${(e.err ?? '').split('\n')[0]}`;
      } catch {
        /* not a JSON log line: counted as it is */
      }
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    for (const [what, n] of errors) console.log(`server log: ${n} × ${what}`);
  } catch (e) {
    console.error(`server output (last 3000 characters):\n${output().slice(-3000)}`);
    throw e;
  } finally {
    child.kill('SIGTERM');
    await exited(child);
    if (!values.keep && !values.reuse) fs.rmSync(dir, { recursive: true, force: true });
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
