// Takes the README's screenshots of the main pages from a real server with known data:
//   npm run screenshots      → docs/screenshots/*.png
import fs from 'node:fs';
import path from 'node:path';
import { openBrowser } from './support/browser.ts';
import { PASSWORD, startWorld } from './support/world.ts';
import { SignInPage } from './pages/SignInPage.ts';

const out = path.resolve('docs/screenshots');
fs.mkdirSync(out, { recursive: true });
const world = await startWorld();
// an hour of history so the charts have a shape
for (let m = 60; m >= 2; m -= 2) for (const model of ['fraud-detector', 'eta-regressor', 'intent-router']) await world.predict(model, 10 + ((m * 7) % 13), Date.now() - m * 60_000);
await world.server.server.ctx.stores.events.rollupStep();

const shots: [string, string, 'light' | 'dark', string][] = [
  ['sign-in', '/sign-in', 'light', 'form'],
  ['overview', '/?from=now-1h&to=now', 'light', '[data-testid^="model-card-"]'],
  ['model-flow', '/models/fraud-detector?from=now-1h&to=now', 'light', '[data-testid="stage-live"]'],
  ['model-inference', '/models/fraud-detector/inference?from=now-1h&to=now', 'dark', '[data-testid="chart"]'],
  ['dashboard', '/dashboards/default-operations?from=now-1h&to=now', 'dark', '[data-testid^="grid-item-"]'],
];
for (const [name, url, scheme, ready] of shots) {
  const b = await openBrowser({ width: 1440, height: 900, colorScheme: scheme });
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
await world.stop();
