// Browser tests of a model's drift and data-quality tabs, against a real server with a reference
// profile and drifted traffic (support/drift-world.ts). Run with `npm run test:e2e`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haveChromium, openBrowser, type Browser } from './support/browser.ts';
import { DRIFT_MODEL, DRIFTED_FEATURES, SEGMENTS, seedDrift, STABLE_FEATURES } from './support/drift-world.ts';
import { PASSWORD, startWorld, type World } from './support/world.ts';
import { ModelPage } from './pages/ModelPage.ts';
import { SignInPage } from './pages/SignInPage.ts';

const skip = haveChromium() || process.env.CI ? false : 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set VIGIL_CHROMIUM)';

describe("a model's drift and data-quality tabs", { skip }, () => {
  let world: World;
  let b: Browser;
  before(async () => {
    world = await startWorld();
    await seedDrift(world);
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

  test('the drift tab lists every feature, the drifted ones first, flagged in colour and in words', async () => {
    await as('vic', `/models/${DRIFT_MODEL.id}/drift?from=now-1h&to=now`);
    const m = new ModelPage(b.page, world.url);
    assert.equal(await m.waitForDrift(), 'ok');
    const rows = await m.featureVerdicts();
    const verdict = Object.fromEntries(rows.map((r) => [r.feature, r.verdict]));
    for (const f of DRIFTED_FEATURES) assert.equal(verdict[f], 'drifted', `${f}: ${JSON.stringify(rows)}`);
    for (const f of STABLE_FEATURES) assert.equal(verdict[f], 'stable', `${f}: ${JSON.stringify(rows)}`);
    assert.equal(rows[0]?.verdict, 'drifted', 'drifted features come first');
    // colour and words agree, and the words are there for whoever cannot tell the colour
    const drifted = await m.verdict('amount');
    const stable = await m.verdict(STABLE_FEATURES[0] as string);
    assert.equal(drifted.text, 'drifted');
    assert.equal(stable.text, 'no drift');
    assert.notEqual(drifted.colour, stable.colour);
    assert.match((await b.page.getByTestId('drift-reference').textContent()) ?? '', /version 2\.3\.0 · uploaded file · 2k rows/);
    assert.match((await m.datasetVerdict().textContent()) ?? '', /\d+ of \d+ features drifted/);
    // the path badge explains itself on keyboard focus
    await b.page.getByTestId('path-badge').focus();
    await b.page.getByRole('tooltip').filter({ hasText: /histograms|raw values/ }).waitFor();
    // the exact path reads the raw values: no streaming bounds, and the same features drift
    await b.page.getByTestId('path-exact').click();
    await b.page.waitForURL(/path=exact/);
    await b.page.getByTestId('path-badge').filter({ hasText: 'Exact' }).waitFor({ timeout: 20_000 });
    // the badge follows the URL at once; the table follows when the exact answer has come
    let exact: Record<string, string> = {};
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await b.page.waitForTimeout(200)) {
      exact = Object.fromEntries((await m.featureVerdicts()).map((r) => [r.feature, r.verdict]));
      if (DRIFTED_FEATURES.every((f) => exact[f]) && (await b.page.getByTestId('drift-features').getByText('(streaming)').count()) === 0) break;
    }
    assert.equal(await b.page.getByTestId('drift-features').getByText('(streaming)').count(), 0);
    for (const f of DRIFTED_FEATURES) assert.equal(exact[f], 'drifted', `${f} on the exact path`);
  });

  test("selecting a feature shows its reference and current distributions; a categorical one lists unseen values' counts", async () => {
    await as('vic', `/models/${DRIFT_MODEL.id}/drift?from=now-1h&to=now`);
    const m = new ModelPage(b.page, world.url);
    await m.waitForDrift();
    await m.selectFeature('amount');
    await m.overlay().waitFor();
    assert.match((await m.detailTitle().textContent()) ?? '', /^amount/);
    assert.equal(await m.overlay().locator('path.overlay-ref').count(), 1, 'a reference step histogram');
    assert.equal(await m.overlay().locator('path.overlay-cur').count(), 1, 'a current step histogram');
    // by keyboard: the feature's button takes focus and Enter selects it
    await m.featureRow('merchant_category').getByRole('button', { name: 'merchant_category', exact: true }).focus();
    await b.page.keyboard.press('Enter');
    await b.page.waitForURL(/feature=merchant_category/);
    await m.overlay().locator('.cat-row').first().waitFor();
    const categories = await m.overlay().locator('.cat-label').allTextContents();
    assert.ok(categories.some((c) => c.startsWith('digital_goods')), categories.join(', '));
  });

  test('the segment drill-down lists the values of the chosen segment', async () => {
    await as('vic', `/models/${DRIFT_MODEL.id}/drift?from=now-1h&to=now&feature=amount`);
    const m = new ModelPage(b.page, world.url);
    await m.waitForDrift();
    assert.deepEqual((await m.segmentValues()).sort(), SEGMENTS.region);
    await m.drillInto('channel');
    await b.page.waitForURL(/by=channel/);
    await b.page.getByTestId('segment-value-pos').waitFor();
    assert.deepEqual((await m.segmentValues()).sort(), SEGMENTS.channel);
    // focus narrows the whole tab to one value
    await b.page.getByTestId('segment-value-web').getByRole('button', { name: /Focus|Show drift/ }).click();
    await b.page.waitForURL(/segment\.channel=web/);
    await b.page.getByText('channel = web').waitFor();
    await m.waitForDrift();
  });

  test('without a reference the tab explains it and shows the CLI command; editors can use a production window', async () => {
    await as('vic', '/models/churn-scorer/drift?from=now-1h&to=now');
    const m = new ModelPage(b.page, world.url);
    assert.equal(await m.waitForDrift(), 'no_reference');
    assert.match((await m.referenceCommand().textContent()) ?? '', /^vigil reference upload --model churn-scorer --version \S+ train\.csv$/);
    assert.equal(await m.windowReferenceForm().count(), 0, 'a viewer gets no form');

    await as('opal', '/models/intent-router/drift?from=now-1h&to=now');
    assert.equal(await m.waitForDrift(), 'no_reference');
    assert.match((await m.referenceCommand().textContent()) ?? '', /--model intent-router --version \S+ train\.csv/);
    await m.useWindowAsReference();
    assert.equal(await m.waitForDrift(), 'ok', 'the new reference answers at once');
    assert.match((await b.page.getByTestId('drift-reference').textContent()) ?? '', /production window/);
  });

  test('the data-quality tab shows completeness per feature and a failed pipeline check', async () => {
    await as('vic', '/models/fraud-detector/data-quality?from=now-1h&to=now');
    const m = new ModelPage(b.page, world.url);
    await m.waitForQuality();
    // the world leaves the nullable ip_risk_score empty in one prediction of four
    assert.equal(await m.completeness('ip_risk_score'), '75 %');
    assert.equal(await m.completeness('amount'), '100 %');
    assert.match((await m.total('predictions').textContent()) ?? '', /200/);
    // the run with a failed check comes first and open; its failed check shows first
    assert.deepEqual(await m.failedChecks(), ['amount_positive']);
    const run = m.checkRun('e2e-run-1');
    assert.match((await run.textContent()) ?? '', /1 failed/);
    const toggle = run.getByRole('button');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.focus();
    await b.page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(await m.failedChecks(), []);
  });
});
