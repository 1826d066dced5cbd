// Browser tests of a model's performance and inference tabs, against a real server with a
// labelled reference day, a day of late-labelled traffic and a concept shift on the web channel
// (support/performance-world.ts). Run with `npm run test:e2e`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haveChromium, openBrowser, type Browser } from './support/browser.ts';
import { PERF_MODEL, seedPerformance } from './support/performance-world.ts';
import { PASSWORD, startWorld, type World } from './support/world.ts';
import { SignInPage } from './pages/SignInPage.ts';

const skip = haveChromium() || process.env.CI ? false : 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set VIGIL_CHROMIUM)';

describe("a model's performance and inference tabs", { skip }, () => {
  let world: World;
  let b: Browser;
  before(async () => {
    world = await startWorld();
    await seedPerformance(world);
    b = await openBrowser();
  });
  after(async () => {
    await b?.close();
    await world?.stop();
  });

  const as = async (username: string, path: string) => {
    await b.context.clearCookies();
    const signIn = new SignInPage(b.page, world.url);
    await signIn.open(path);
    await signIn.signIn(username, PASSWORD);
  };

  test('realized, baseline and estimate side by side; one chart with all three and the concept-drift mark; worst segments name the web channel', async () => {
    await as('vic', `/models/${PERF_MODEL.id}/performance?from=now-24h&to=now`);
    const tab = b.page.getByTestId('performance-tab');
    await tab.waitFor({ timeout: 20_000 });
    // the metric table: accuracy realized below its validation value, significantly, in colour and in words
    const acc = b.page.getByTestId('perf-row-accuracy');
    await acc.waitFor();
    await b.page.getByTestId('perf-metrics').getByText('Estimated (band)').waitFor({ timeout: 20_000 });
    assert.equal(await acc.getAttribute('data-direction'), 'worse', await acc.textContent() ?? '');
    assert.match((await acc.textContent()) ?? '', /−0\.\d{3} significant/);
    assert.match((await acc.textContent()) ?? '', /\[0\.\d{3}, 0\.\d{3}\]/, 'the estimate has its band');
    assert.match((await b.page.getByTestId('estimate-note').textContent()) ?? '', /calibrated on [\d,]+ labelled predictions/);
    // one chart: realized steps, estimated steps (more of them: the last hours have no labels yet), a drift mark
    const chart = b.page.getByTestId('performance-chart');
    await chart.waitFor();
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && (await chart.getAttribute('data-marks')) === '0'; ) await b.page.waitForTimeout(200);
    const [realized, estimated, marks] = await Promise.all(['data-realized', 'data-estimated', 'data-marks'].map((a) => chart.getAttribute(a).then(Number)));
    assert.ok((realized ?? 0) >= 12, `realized steps: ${realized}`);
    assert.ok((estimated ?? 0) > (realized ?? 0), `estimated ${estimated} > realized ${realized}: the unlabelled hours have an estimate`);
    assert.ok((marks ?? 0) >= 1, 'concept drift is marked on the chart');
    assert.match((await b.page.getByTestId('concept-drift-note').textContent()) ?? '', /concept drift detected \d+ times? \(marked on the chart\)/);
    assert.ok((await chart.locator('canvas').count()) >= 1);
    // switching the metric redraws the chart for it
    await b.page.getByTestId('perf-metric').selectOption('recall');
    await b.page.getByRole('heading', { name: 'Recall over time' }).waitFor();
    // confusion matrices, realized and estimated
    await b.page.getByTestId('confusion-realized').waitFor();
    await b.page.getByTestId('confusion-estimated').waitFor();
    // worst segments: the web channel explains most of the drop
    const channel = b.page.getByTestId('worst-channel');
    await channel.waitFor({ timeout: 20_000 });
    const first = channel.locator('tbody tr').first();
    assert.match((await first.locator('th').textContent()) ?? '', /^web$/);
  });

  test('the inference tab charts error rate, staleness, low confidence and feature age', async () => {
    await as('vic', `/models/${PERF_MODEL.id}/inference?from=now-24h&to=now`);
    for (const title of ['Error rate (failed predictions)', 'Traffic not served by the production version', 'Low-confidence share (score in [0.4, 0.6))', 'Feature age p50 by version', 'Feature age p99 by version']) {
      await b.page.getByText(title, { exact: true }).waitFor({ timeout: 20_000 });
    }
    // feature age has data: the seed sends feature_ts 20 s to 3 min before each prediction
    const panel = b.page.locator('.panel-cell').filter({ hasText: 'Feature age p99 by version' });
    const chart = panel.getByTestId('chart');
    await chart.waitFor();
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && Number(await chart.getAttribute('data-points')) === 0; ) await b.page.waitForTimeout(200);
    assert.ok(Number(await chart.getAttribute('data-points')) > 0, 'feature age has points');
  });
});
