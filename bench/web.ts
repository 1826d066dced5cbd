// Browser benchmark (headless Debian Chromium, real server on localhost):
//   1. first page load: navigation start → the overview's model cards on screen, cold (fresh
//      profile, nothing cached) and warm (reload);
//   2. a time-series panel with 100,000 points: the query's answer arriving → uPlot's first draw.
// Prints its figures; docs/benchmarks.md records them. `npm run bench:web [-- --runs 20]`
import os from 'node:os';
import type { Page } from 'playwright-core';
import { openBrowser } from '../e2e/support/browser.ts';
import { PASSWORD, startWorld } from '../e2e/support/world.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const row = (name: string, xs: number[], target: number) =>
  console.log(`${name.padEnd(58)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms   max ${Math.max(...xs).toFixed(1).padStart(7)} ms   target < ${target} ms: ${pct(xs, 95) < target ? 'MET' : 'MISSED'} (p95)`);

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, headless Chromium`);
const world = await startWorld();
for (let m = 60; m >= 2; m -= 2) for (const model of ['fraud-detector', 'eta-regressor', 'intent-router']) await world.predict(model, 10, Date.now() - m * 60_000);
await world.server.server.ctx.stores.events.rollupStep();
const signIn = await world.server.signIn('ada', PASSWORD);
const [name, value] = signIn.cookie.split('=') as [string, string];
const host = new URL(world.url).hostname;
const cookie = { name, value, domain: host, path: '/', httpOnly: true, sameSite: 'Lax' as const };
const overviewUrl = `${world.url}/?from=now-1h&to=now`;
const cardsShown = async (page: Page) => {
  await page.locator('[data-testid^="model-card-"]').first().waitFor();
  return page.evaluate(() => performance.now());
};

// 1. first page load
const cold: number[] = [];
for (let i = 0; i < Math.min(runs, 8); i++) {
  const b = await openBrowser();
  await b.context.addCookies([cookie]);
  await b.page.goto(overviewUrl, { waitUntil: 'commit' });
  cold.push(await cardsShown(b.page));
  await b.close();
}
const b = await openBrowser();
await b.context.addCookies([cookie]);
await b.page.goto(overviewUrl);
await cardsShown(b.page);
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  await b.page.reload({ waitUntil: 'commit' });
  warm.push(await cardsShown(b.page));
}

// 2. a 100,000-point time series: the panel's query is answered with synthetic points
const dash = await world.server.call('POST', '/api/v1/dashboards', { spec: { title: 'bench', panels: [{ id: 'big', title: '100k points', kind: 'timeseries', query: { metric: 'predictions.count' }, layout: { x: 0, y: 0, w: 24, h: 14 } }] } }, { session: signIn });
if (dash.status !== 201) throw new Error(`dashboard: ${dash.status} ${JSON.stringify(dash.body)}`);
const answer = (series: number, perSeries: number) => {
  const to = Date.now();
  const step = 1000;
  return JSON.stringify({
    metric: 'predictions.count', unit: 'predictions', from: to - perSeries * step, to, step_ms: step, source: 'rollup',
    series: Array.from({ length: series }, (_, s) => ({ labels: { model: `m${s}` }, points: Array.from({ length: perSeries }, (_, i) => [to - (perSeries - i) * step, i % 997 === 0 ? null : 100 + s * 10 + Math.sin(i / 500) * 40 + (i % 13)]) })),
  });
};
for (const [series, per] of [[1, 100_000], [10, 10_000]] as const) {
  const body = answer(series, per);
  await b.page.route('**/api/v1/query?**', (r) => r.fulfill({ status: 200, contentType: 'application/json', body }));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await b.page.goto(`${world.url}/dashboards/${dash.body.id}?from=now-1h&to=now&live=0`);
    await b.page.locator('[data-testid="panel-big"][data-state="ready"]').waitFor();
    await b.page.waitForFunction(() => performance.getEntriesByName('vigil:chart-drawn').length > 0);
    times.push(
      await b.page.evaluate(() => {
        const res = (performance as unknown as { getEntriesByType(t: string): { name: string; responseEnd: number }[] }).getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query')).at(-1);
        const drawn = performance.getEntriesByName('vigil:chart-drawn').find((m) => !res || m.startTime >= res.responseEnd);
        return drawn && res ? drawn.startTime - res.responseEnd : NaN;
      }),
    );
  }
  await b.page.unroute('**/api/v1/query?**');
  row(`time series, ${series} × ${per.toLocaleString('en')} points: answer → first draw`, times, 100);
}
row('first page load, cold (fresh profile): navigation → model cards', cold, 1500);
row('first page load, warm (reload): navigation → model cards', warm, 1500);
await b.close();
await world.stop();
