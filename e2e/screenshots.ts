// Takes the README's screenshots of the main pages from a real server with known data:
//   npm run screenshots      → docs/screenshots/*.png
import fs from 'node:fs';
import path from 'node:path';
import { openBrowser } from './support/browser.ts';
import { DRIFT_MODEL, seedDrift } from './support/drift-world.ts';
import { PERF_MODEL, seedPerformance } from './support/performance-world.ts';
import { seedAlerts, shootAlerts } from './support/alerts-world.ts';
import { seedQualityHistory } from './support/quality-world.ts';
import { PASSWORD, startWorld } from './support/world.ts';
import { SignInPage } from './pages/SignInPage.ts';

const out = path.resolve('docs/screenshots');
fs.mkdirSync(out, { recursive: true });
const world = await startWorld();
// an hour of history so the charts have a shape
const models = ['fraud-detector', 'eta-regressor', 'intent-router'];
for (let m = 60; m >= 1; m -= 1) {
  for (const [k, model] of models.entries()) await world.predict(model, 4 + k * 3 + ((m * (7 + k)) % 6), Date.now() - m * 60_000, 0, 8 + k * 9 + (m % 5) * (k + 1));
}
// a model's whole flow: a pipeline run, a training run, a production deployment; more errors on one model
const t = (minAgo: number) => new Date(Date.now() - minAgo * 60_000).toISOString();
const call = async (method: string, url: string, body: unknown) => {
  const r = await world.server.call(method, url, body);
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
};
await call('POST', '/api/v1/pipeline-runs', [
  { pipeline: 'card-features', run_id: 'r-101', stage: 'extract', status: 'succeeded', started_at: t(55), ended_at: t(52), model: 'fraud-detector', rows_in: 120_000, rows_out: 119_400 },
  { pipeline: 'card-features', run_id: 'r-101', stage: 'load', status: 'succeeded', started_at: t(52), ended_at: t(50), model: 'fraud-detector', rows_in: 119_400, rows_out: 119_400 },
]);
await call('POST', '/api/v1/training-runs', [{ run_id: 'train-88', model: 'fraud-detector', version: '2.3.0', status: 'succeeded', started_at: t(58), ended_at: t(40), params: { max_depth: 8, learning_rate: 0.05 }, metrics: { val_auc: [[1, 0.88], [2, 0.91], [3, 0.931]] } }]);
await call('POST', '/api/v1/models/fraud-detector/deployments', { version: '2.3.0', environment: 'production', started_at: t(35), outcome: 'succeeded' });
await call('POST', '/api/v1/logs', Array.from({ length: 60 }, (_, i) => ({ id: `shot-err-${i}`, ts: t(1 + (i % 50)), level: 'error', message: 'label map lookup failed', model: 'intent-router', error_class: 'LabelMapKeyError' })));
// host metrics for the operations dashboard
const samples = [];
for (let m = 60; m >= 0; m -= 1) {
  for (const [i, host] of ['gpu-node-1', 'cpu-node-2'].entries()) {
    const ts = t(m);
    samples.push({ name: 'node_cpu_utilization', labels: { host }, ts, value: 35 + i * 20 + 10 * Math.sin(m / 6 + i) });
    samples.push({ name: 'node_memory_used_bytes', labels: { host }, ts, value: (12 + i * 6 + Math.sin(m / 9)) * 2 ** 30 });
    if (i === 0) for (const gpu of ['0', '1']) samples.push({ name: 'gpu_utilization', labels: { host, gpu }, ts, value: 55 + Number(gpu) * 15 + 10 * Math.sin(m / 5 + Number(gpu)) });
  }
}
await call('POST', '/api/v1/metrics', samples);
await world.server.server.ctx.stores.events.rollupStep();

type Shot = [name: string, url: string, scheme: 'light' | 'dark', ready: string];
const shots: Shot[] = [
  ['sign-in', '/sign-in', 'light', 'form'],
  ['overview', '/?from=now-1h&to=now', 'light', '[data-testid^="model-card-"]'],
  ['model-flow', '/models/fraud-detector?from=now-1h&to=now', 'light', '[data-testid="stage-live"]'],
  ['model-inference', '/models/fraud-detector/inference?from=now-1h&to=now', 'dark', '[data-testid="chart"]'],
  ['dashboard', '/dashboards/default-operations?from=now-1h&to=now', 'dark', '[data-testid^="grid-item-"]'],
];
const HEIGHT: Record<string, number> = { dashboard: 1160, 'model-drift': 1060, 'model-quality': 1100, 'model-performance': 1500 };

async function take([name, url, scheme, ready]: Shot): Promise<void> {
  const b = await openBrowser({ width: 1440, height: HEIGHT[name] ?? 900, colorScheme: scheme });
  try {
    await b.page.addInitScript((t) => localStorage.setItem('vigil.theme', t), scheme);
    if (name !== 'sign-in') {
      await new SignInPage(b.page, world.url).open(url);
      await new SignInPage(b.page, world.url).signIn('ada', PASSWORD);
    } else await b.page.goto(world.url + url);
    await b.page.locator(ready).first().waitFor({ timeout: 15_000 });
    await b.page.waitForTimeout(800); // charts finish drawing
    await b.page.screenshot({ path: path.join(out, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  } finally {
    await b.close();
  }
}
for (const shot of shots) await take(shot);

// the drift and data-quality tabs, seeded after the pages above so their figures stay as they were:
// a reference and six hours of traffic on a copy of the fraud detector, drifting for the last two;
// hours of traffic, refused records and failed pipeline checks on the fraud detector itself
await seedDrift(world, { minutes: 360, driftMinutes: 120, liveRows: 1800 });
await seedQualityHistory(world, { hours: 23 });
await take(['model-drift', `/models/${DRIFT_MODEL.id}/drift?from=now-6h&to=now&feature=merchant_category`, 'light', '[data-testid="drift-overlay"] .cat-row']);
await take(['model-quality', '/models/fraud-detector/data-quality?from=now-24h&to=now', 'dark', '[data-testid="quality-features"]']);
// the performance tab: a labelled day, then a day whose last hours have no labels and whose web channel shifts
await seedPerformance(world);
await take(['model-performance', `/models/${PERF_MODEL.id}/performance?from=now-24h&to=now`, 'light', '[data-testid="confusion-estimated"]']);
// the alerts page: a threshold rule on p99 latency and its 7-day preview
await seedAlerts(world);
console.log(path.relative(process.cwd(), await shootAlerts(world, out, 'Fraud p99 latency high')));
await world.stop();
