// Browser tests of the alerts page against a real server: a webhook channel pointing at a
// receiver this test runs (send test reaches it), a threshold rule on p99 latency with its
// 7-day preview, anomaly and absence rules made in the editor with theirs, server errors beside
// their field, a silence created and expired, what a viewer may not do, and a retraining trigger
// on the model's lifecycle timeline and flow. Run with `npm run test:e2e` (after `npm run build`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { haveChromium, openBrowser, type Browser } from './support/browser.ts';
import { PASSWORD, startWorld, type World } from './support/world.ts';
import { seedRetrainingTrigger } from './support/alerts-world.ts';
import { AlertsPage } from './pages/AlertsPage.ts';
import { ModelPage } from './pages/ModelPage.ts';
import { SignInPage } from './pages/SignInPage.ts';

const skip = haveChromium() || process.env.CI ? false : 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set VIGIL_CHROMIUM)';
const SECRET = 'e2e-webhook-secret-0123456789';

describe('the alerts page', { skip }, () => {
  let world: World;
  let b: Browser;
  let receiver: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let hookUrl = '';

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vigil`;
    world = await startWorld();
    b = await openBrowser();
  });
  after(async () => {
    await b?.close();
    await world?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const as = async (username: string) => {
    await b.context.clearCookies();
    const signIn = new SignInPage(b.page, world.url);
    await signIn.open('/');
    await signIn.signIn(username, PASSWORD);
    return new AlertsPage(b.page, world.url);
  };

  test('the main navigation leads to the alerts page, which shows alerts or says nothing fires', async () => {
    await as('ada');
    await b.page.getByTestId('nav-alerts').click();
    await b.page.waitForURL(/\/alerts(\?|$)/);
    const a = new AlertsPage(b.page, world.url);
    assert.ok(['table', 'empty'].includes(await a.waitFor('alerts-table')));
    await b.page.getByTestId('history-rule').waitFor();
  });

  test('an administrator adds a webhook channel and sends a test the receiver gets', async () => {
    const a = await as('ada');
    await a.open('channels');
    await a.waitFor('channels-table');
    await a.createWebhook('e2e-hook', hookUrl, SECRET);
    // the secret never comes back; the URL is cut to scheme and host
    const row = await a.channelRow('e2e-hook').textContent();
    assert.ok(!row?.includes(SECRET));
    assert.ok(!row?.includes('/vigil'), row ?? '');
    const before = received.length;
    assert.match(await a.sendTest('e2e-hook'), /✓ delivered/);
    assert.equal(received.length, before + 1);
    const got = received.at(-1);
    assert.equal(got?.headers['x-vigil-event'], 'alert');
    assert.match(String(got?.headers['x-vigil-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.equal((JSON.parse(got?.body ?? '{}') as { rule: { id: string } }).rule.id, 'vigil-test');
  });

  test('a threshold rule on p99 latency: the preview draws, a bad runbook URL is named beside its field, then it saves', async () => {
    const a = await as('ada');
    await a.newRule();
    await a.fillThresholdRule({ name: 'e2e p99 high', metric: 'latency.p99', model: 'fraud-detector', value: '5', for: '0', severity: 'critical', channel: 'e2e-hook' });
    const summary = await a.preview();
    assert.match(summary, /Would have fired \d+ time/, summary);
    assert.ok((await b.page.getByTestId('preview-transitions').locator('tbody tr').count()) >= 1);
    // the server refuses an ftp: runbook; its message sits beside that field
    await a.form().getByTestId('rule-runbook').fill('ftp://wiki.example.com/p99');
    await b.page.getByTestId('rule-save').click();
    await a.fieldError('rule-runbook').waitFor();
    assert.match((await a.fieldError('rule-runbook').textContent()) ?? '', /\S/);
    await a.form().getByTestId('rule-runbook').fill('https://wiki.example.com/p99');
    await b.page.getByTestId('rule-save').click();
    await b.page.waitForURL(/\/alerts\/rules$/);
    const row = b.page.getByTestId('rule-row-e2e p99 high');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Critical.*latency\.p99.*fraud-detector.*above 5/);
    // and it opens again in the editor with what was saved
    await row.getByRole('link').click();
    await a.form().waitFor();
    assert.equal(await a.form().getByTestId('rule-value').inputValue(), '5');
    assert.equal(await a.form().getByTestId('rule-channels').getByLabel('e2e-hook').isChecked(), true);
  });

  test('an anomaly rule made in the editor: a bad sensitivity is named beside its field; the preview draws ± its sensitivity; it saves', async () => {
    const a = await as('opal');
    await a.newRule();
    await a.fillRule({ name: 'e2e p99 anomaly', kind: 'anomaly', metric: 'latency.p99', model: 'fraud-detector', for: '0', fields: { 'rule-method': 'ewma', 'rule-sensitivity': '30', 'rule-direction': 'both', 'rule-alpha': '0.1' } });
    // the server's 400 (sensitivity at most 20) sits beside the sensitivity field
    await b.page.getByTestId('rule-preview').click();
    await a.fieldError('rule-sensitivity').waitFor();
    assert.match((await a.fieldError('rule-sensitivity').textContent()) ?? '', /20/);
    await a.form().getByTestId('rule-sensitivity').fill('3');
    const summary = await a.preview();
    assert.match(summary, /^Would (not )?have fired/, summary);
    assert.deepEqual((await a.previewLegend()).slice(-2), ['score +3', 'score −3']);
    await b.page.getByTestId('rule-save').click();
    await b.page.waitForURL(/\/alerts\/rules$/);
    const row = b.page.getByTestId('rule-row-e2e p99 anomaly');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /anomaly \(ewma, sensitivity 3\)/);
    // it opens again as an anomaly rule with its fields
    await row.getByRole('link').click();
    await a.form().waitFor();
    assert.equal(await a.form().getByTestId('rule-kind').inputValue(), 'anomaly');
    assert.equal(await a.form().getByTestId('rule-method').inputValue(), 'ewma');
    assert.equal(await a.form().getByTestId('rule-alpha').inputValue(), '0.1');
  });

  test('an absence rule made in the editor: the preview fires where predictions were missing, its level at 0; it saves', async () => {
    const a = await as('opal');
    await a.newRule();
    await a.fillRule({ name: 'e2e predictions stopped', kind: 'absence', metric: 'predictions.count', model: 'fraud-detector', for: '0', fields: { 'rule-duration': '10m' } });
    const summary = await a.preview();
    // the world has traffic for minutes only: the days before it are an absence
    assert.match(summary, /Would have fired \d+ time/, summary);
    assert.equal((await a.previewLegend()).at(-1), 'fires at 0');
    await b.page.getByTestId('rule-save').click();
    await b.page.waitForURL(/\/alerts\/rules$/);
    const row = b.page.getByTestId('rule-row-e2e predictions stopped');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /predictions\.count.*no data for 10m/);
  });

  test('an editor creates a silence and expires it', async () => {
    const a = await as('opal');
    await a.open('silences');
    await a.waitFor('silences-table');
    // no comment: said beside the field, nothing sent
    await b.page.getByTestId('silence-matchers').fill('model=fraud-detector');
    await b.page.getByTestId('silence-create').click();
    await b.page.getByText('say why').waitFor();
    await a.createSilence('model=fraud-detector\nseverity=critical', '2h', 'e2e deploy');
    assert.match((await b.page.getByTestId('silence-row-e2e deploy').textContent()) ?? '', /model=fraud-detector.*severity=critical/);
    await a.expireSilence('e2e deploy');
  });

  test('a viewer sees channels and rules but may not change them', async () => {
    const a = await as('vic');
    await a.open('channels');
    await a.waitFor('channels-table');
    assert.equal(await b.page.getByTestId('new-channel').isDisabled(), true);
    assert.equal(await a.channelRow('e2e-hook').getByTestId('channel-test').isDisabled(), true);
    await a.open('rules');
    await a.waitFor('rules-table');
    assert.equal(await b.page.getByRole('button', { name: 'New rule' }).isDisabled(), true);
    await a.open('silences');
    assert.equal(await b.page.getByTestId('silence-create').isDisabled(), true);
  });

  test("a retraining trigger sent by a rule shows on the model's lifecycle timeline and on the flow's training stage", async () => {
    const rule = await seedRetrainingTrigger(world, 'fraud-detector', hookUrl.replace('/vigil', '/retrain'));
    // the outbox worker delivers it to the receiver
    for (const end = Date.now() + 15_000; !received.some((r) => r.headers['x-vigil-event'] === 'retrain'); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > end) assert.fail('the trigger was not delivered');
    }
    await as('vic');
    const m = new ModelPage(b.page, world.url);
    await m.open('fraud-detector', 'lifecycle');
    const row = b.page.getByTestId('lifecycle-timeline').getByTestId('timeline-retrain').first();
    await row.waitFor({ timeout: 15_000 });
    const text = (await row.textContent()) ?? '';
    assert.match(text, new RegExp(`Retraining requested.*by ${rule}`), text);
    assert.match(text, /latency\.p99 \d+.*above 500/, text);
    // delivery status (the worker may mark it sent just after the receiver got it)
    assert.match(text, /delivered \(1 attempt\)|sending|pending/, text);
    await b.page.screenshot({ path: path.join(os.tmpdir(), 'vigil-lifecycle-trigger.png'), fullPage: true });
    await m.open('fraud-detector', 'flow');
    const training = b.page.getByTestId('stage-training');
    await training.getByText(/retraining requested (just now|\d+ min ago) by /).waitFor({ timeout: 15_000 });
    assert.match((await training.textContent()) ?? '', new RegExp(`by ${rule}`));
  });
});
