// Alerts data for the screenshot: a webhook channel and a threshold rule on the fraud detector's
// p99 latency, and the rule editor opened with its 7-day preview drawn; and a retraining trigger
// made by a real evaluation, for the lifecycle timeline.
import path from 'node:path';
import { evaluateAlerts } from '../../packages/server/src/services/evaluate-alerts.ts';
import { openBrowser } from './browser.ts';
import { PASSWORD, type World } from './world.ts';
import { SignInPage } from '../pages/SignInPage.ts';

export async function seedAlerts(world: World): Promise<{ ruleId: string }> {
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await world.server.call(method, url, body);
    if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { id: string };
  };
  const channel = await call('POST', '/api/v1/alerts/channels', { name: 'oncall-webhook', config: { type: 'webhook', url: 'https://ops.example.com/vigil', secret: 'screenshot-secret-0123456789' } });
  const rule = await call('POST', '/api/v1/alerts/rules', {
    name: 'Fraud p99 latency high', metric: 'latency.p99', model: 'fraud-detector', condition: { kind: 'threshold', op: 'above', value: 13, recovery: 11 },
    for: 60_000, severity: 'critical', channels: [channel.id], labels: { team: 'risk' }, annotations: { summary: '{{ $labels.model }} p99 at {{ $value }} ms' }, runbook_url: 'https://wiki.example.com/runbooks/latency',
  });
  await call('POST', '/api/v1/alerts/silences', { matchers: { model: 'eta-regressor' }, ends_at: new Date(Date.now() + 2 * 3_600_000).toISOString(), comment: 'deploying eta v4' });
  return { ruleId: rule.id };
}

/** The rule editor with its preview, reached through the app's navigation. */
export async function shootAlerts(world: World, out: string, ruleName: string): Promise<string> {
  const b = await openBrowser({ width: 1440, height: 1500, colorScheme: 'light' });
  try {
    const signIn = new SignInPage(b.page, world.url);
    await signIn.open('/');
    await signIn.signIn('ada', PASSWORD);
    await b.page.getByTestId('nav-alerts').click();
    await b.page.getByTestId('alerts-tab-rules').click();
    await b.page.getByRole('link', { name: ruleName }).click();
    await b.page.getByTestId('rule-preview').click();
    await b.page.getByTestId('preview-chart').locator('canvas').first().waitFor({ timeout: 20_000 });
    await b.page.waitForTimeout(800);
    const file = path.join(out, 'alerts.png');
    await b.page.screenshot({ path: file });
    return file;
  } finally {
    await b.close();
  }
}

/**
 * A retraining trigger for a model, made as production makes one: a webhook channel (the target),
 * a rule with `retrain` that breaches on fresh traffic, and one evaluation cycle (as
 * packages/server/src/retraining-triggers.int.test.ts does). Returns the rule's name.
 */
export async function seedRetrainingTrigger(world: World, model: string, hookUrl: string): Promise<string> {
  const MIN = 60_000;
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await world.server.call(method, url, body);
    if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { id: string };
  };
  const channel = await call('POST', '/api/v1/alerts/channels', { name: `retrain-${model}`, config: { type: 'webhook', url: hookUrl, secret: 'e2e-retrain-secret-0123456789' } });
  const name = `${model} p99 retrain`;
  await call('POST', '/api/v1/alerts/rules', { name, metric: 'latency.p99', model, condition: { kind: 'threshold', op: 'above', value: 500 }, severity: 'warning', retrain: { channel: channel.id, cooldown: 60 * MIN } });
  // slow predictions inside the last fully elapsed minute, which the evaluation at `now` reads
  const now = Math.floor(Date.now() / MIN) * MIN + 1000;
  await world.predict(model, 10, now - 1000 - 5_000, 0, 900);
  await world.server.server.ctx.stores.events.rollupStep();
  const { enqueued } = await evaluateAlerts({ ctx: world.server.server.ctx, input: { now } });
  if (enqueued < 1) throw new Error(`the evaluation enqueued nothing (${enqueued})`);
  return name;
}
