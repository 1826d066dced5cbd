// Browser tests: the web app against a real server, in headless Debian Chromium.
// Run with `npm run test:e2e` (CI installs chromium first).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haveChromium, openBrowser, type Browser } from './support/browser.ts';
import { EXPECTED_HEALTH, PASSWORD, startWorld, type World } from './support/world.ts';
import { DashboardPage } from './pages/DashboardPage.ts';
import { OverviewPage } from './pages/OverviewPage.ts';
import { SignInPage } from './pages/SignInPage.ts';

// in CI a missing browser fails the run instead of skipping it
const skip = haveChromium() || process.env.CI ? false : 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set VIGIL_CHROMIUM)';

describe('the web app', { skip }, () => {
  let world: World;
  let b: Browser;
  before(async () => {
    world = await startWorld();
    b = await openBrowser();
  });
  after(async () => {
    await b?.close();
    await world?.stop();
  });

  const as = async (username: string, path = '/') => {
    await b.context.clearCookies();
    const signIn = new SignInPage(b.page, world.url);
    await signIn.open(path);
    await signIn.signIn(username, PASSWORD);
  };

  test('sign-in: a wrong password says so; the right one opens the app', async () => {
    await b.context.clearCookies();
    const signIn = new SignInPage(b.page, world.url);
    await signIn.open('/');
    await b.page.getByLabel('Username').fill('ada');
    await b.page.getByLabel('Password').fill('not the password');
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await signIn.error().waitFor();
    assert.match((await signIn.error().textContent()) ?? '', /username or password is wrong/);
    await signIn.signIn('ada', PASSWORD);
    assert.equal(new URL(b.page.url()).pathname, '/');
  });

  test("the overview shows the demo's models with the right health colours", async () => {
    await as('ada');
    const overview = new OverviewPage(b.page, world.url);
    await overview.open();
    const colours: Record<string, string> = {};
    for (const [model, want] of Object.entries(EXPECTED_HEALTH)) {
      assert.equal(await overview.health(model), want, model);
      colours[model] = await overview.colour(model);
    }
    // a string, not a function: tsx names inner functions with a helper the page does not have
    const css = (await b.page.evaluate(`(() => {
      const v = (n) => { const d = document.createElement('div'); d.style.color = 'var(' + n + ')'; document.body.append(d); const c = getComputedStyle(d).color; d.remove(); return c; };
      return { healthy: v('--ok'), warning: v('--warn'), problem: v('--bad'), no_data: v('--none') };
    })()`)) as Record<string, string>;
    for (const [model, want] of Object.entries(EXPECTED_HEALTH)) assert.equal(colours[model], css[want], `${model} is ${want}`);
    const reason = await overview.card('intent-router').locator('[title]').first().getAttribute('title');
    assert.match(reason ?? '', /error logs/i, 'hovering the badge says which signal made it red');
  });

  test('opening a model shows its flow, stage by stage', async () => {
    await as('ada');
    const overview = new OverviewPage(b.page, world.url);
    await overview.open();
    await overview.openModel('fraud-detector');
    for (const stage of ['pipelines', 'training', 'versions', 'deployments', 'live']) {
      await b.page.getByTestId(`stage-${stage}`).waitFor();
    }
    assert.match((await b.page.getByTestId('stage-live').textContent()) ?? '', /\d/);
  });

  test('a viewer cannot edit a dashboard', async () => {
    await as('vic', '/dashboards/default-overview?from=now-1h&to=now');
    const d = new DashboardPage(b.page, world.url);
    await d.open('default-overview');
    assert.equal(await d.editButton().count(), 0);
    await b.page.goto(`${world.url}/dashboards`);
    await b.page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await b.page.getByRole('button', { name: /new dashboard/i }).isEnabled().catch(() => false), false);
  });
});
