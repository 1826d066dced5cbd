import type { Locator, Page } from 'playwright-core';

/** The alerts page: current alerts, rules and their editor, silences, channels. */
export class AlertsPage {
  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  /**
   * Opens a tab through the app's navigation: the server serves index.html only on the paths
   * it lists (routes/web.ts APP_PATHS), so /alerts is reached from inside the app.
   */
  async open(tab: '' | 'rules' | 'silences' | 'channels' = ''): Promise<void> {
    await this.page.getByTestId('nav-alerts').click();
    await this.page.getByTestId(`alerts-tab-${tab || 'alerts'}`).click();
    await this.page.waitForURL(new RegExp(`/alerts${tab ? `/${tab}` : ''}(\\?|$)`));
  }

  async newRule(): Promise<void> {
    await this.open('rules');
    await this.page.getByTestId('new-rule').click();
    await this.form().waitFor();
  }

  /** Waits for a tab's answer: its table or its empty state. */
  async waitFor(table: string): Promise<'table' | 'empty'> {
    const t = this.page.getByTestId(table);
    const empty = this.page.getByTestId('empty-state').first();
    await t.or(empty).first().waitFor({ timeout: 15_000 });
    return (await t.isVisible()) ? 'table' : 'empty';
  }

  // ------------------------------------------------------------ channels

  async createWebhook(name: string, url: string, secret: string): Promise<void> {
    await this.page.getByTestId('new-channel').click();
    const form = this.page.getByTestId('channel-form');
    await form.getByTestId('channel-name').fill(name);
    await form.getByTestId('channel-type').selectOption('webhook');
    await form.getByTestId('channel-url').fill(url);
    await form.getByTestId('channel-secret').fill(secret);
    await form.getByTestId('channel-save').click();
    await this.channelRow(name).waitFor();
  }

  channelRow(name: string): Locator {
    return this.page.getByTestId(`channel-row-${name}`);
  }

  /** Clicks "Send test" and returns what the row then says. */
  async sendTest(name: string): Promise<string> {
    const row = this.channelRow(name);
    await row.getByTestId('channel-test').click();
    const result = row.getByTestId('channel-test-result').locator('.test-result');
    await result.waitFor({ timeout: 15_000 });
    return (await result.textContent()) ?? '';
  }

  // ------------------------------------------------------------ rules

  form(): Locator {
    return this.page.getByTestId('rule-form');
  }

  async fillThresholdRule(r: { name: string; metric: string; model: string; value: string; for: string; severity: string; channel?: string; runbook?: string }): Promise<void> {
    const f = this.form();
    await f.waitFor();
    await f.getByTestId('rule-name').fill(r.name);
    await f.getByTestId('rule-metric').selectOption(r.metric);
    await f.getByTestId('rule-model').fill(r.model);
    await f.getByTestId('rule-value').fill(r.value);
    await f.getByTestId('rule-for').fill(r.for);
    await f.getByTestId('rule-severity').selectOption(r.severity);
    if (r.runbook !== undefined) await f.getByTestId('rule-runbook').fill(r.runbook);
    if (r.channel) await f.getByTestId('rule-channels').getByLabel(r.channel).check();
  }

  /**
   * A rule of any condition kind: the kind first (it may move the metric onto one the kind reads),
   * then the metric, then each condition field by its test id (a select or a text box).
   */
  async fillRule(r: { name: string; kind: string; metric?: string; model: string; for?: string; fields?: Record<string, string> }): Promise<void> {
    const f = this.form();
    await f.waitFor();
    await f.getByTestId('rule-name').fill(r.name);
    await f.getByTestId('rule-kind').selectOption(r.kind);
    if (r.metric) await f.getByTestId('rule-metric').selectOption(r.metric);
    await f.getByTestId('rule-model').fill(r.model);
    if (r.for !== undefined) await f.getByTestId('rule-for').fill(r.for);
    for (const [testId, value] of Object.entries(r.fields ?? {})) {
      const el = f.getByTestId(testId);
      if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
      else await el.fill(value);
    }
  }

  /** The preview chart's legend labels (the value, then each level drawn). */
  async previewLegend(): Promise<string[]> {
    return (await this.page.getByTestId('preview-chart').first().locator('.u-label').allTextContents()).map((t) => t.trim()).filter(Boolean);
  }

  /** Runs the preview and waits for its chart's canvas; returns the summary line. */
  async preview(): Promise<string> {
    await this.page.getByTestId('rule-preview').click();
    const failed = this.page.getByTestId('rule-form').locator('..').getByTestId('error-state');
    await this.page.getByTestId('rule-preview-result').or(failed).first().waitFor({ timeout: 20_000 });
    if (await failed.isVisible()) throw new Error(`the preview failed: ${await failed.textContent()}`);
    await this.page.getByTestId('preview-chart').locator('canvas').first().waitFor({ timeout: 20_000 });
    return (await this.page.getByTestId('preview-summary').textContent()) ?? '';
  }

  /** The error shown beside a field of the rule form (by its input's test id). */
  fieldError(testId: string): Locator {
    return this.form().locator('.field', { has: this.page.getByTestId(testId) }).locator('.field-error');
  }

  // ------------------------------------------------------------ silences

  async createSilence(matchers: string, duration: string, comment: string): Promise<void> {
    await this.page.getByTestId('silence-matchers').fill(matchers);
    await this.page.getByTestId('silence-duration').fill(duration);
    await this.page.getByTestId('silence-comment').fill(comment);
    await this.page.getByTestId('silence-create').click();
    await this.page.getByTestId(`silence-row-${comment}`).waitFor();
  }

  async expireSilence(comment: string): Promise<void> {
    await this.page.getByTestId(`silence-row-${comment}`).getByTestId('expire-silence').click();
    await this.page.getByTestId(`silence-row-${comment}`).waitFor({ state: 'detached' });
  }
}
