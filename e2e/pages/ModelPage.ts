import type { Locator, Page } from 'playwright-core';

/** A model's page and its tabs; the drift and data-quality tabs have their own helpers. */
export class ModelPage {
  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  async open(model: string, tab = 'flow', query = 'from=now-1h&to=now'): Promise<void> {
    await this.page.goto(`${this.base}/models/${model}/${tab}?${query}`);
    await this.page.getByTestId(`tab-${tab}`).waitFor();
  }

  async openTab(tab: string): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
    await this.page.waitForURL(new RegExp(`/${tab}(\\?|$)`));
  }

  // ---------------------------------------------------------------- drift

  /** Waits for the drift answer: the feature table, or the no-reference / empty state. */
  async waitForDrift(): Promise<'ok' | 'no_reference' | 'empty'> {
    const table = this.page.getByTestId('drift-features');
    const none = this.page.getByTestId('no-reference');
    const empty = this.page.getByTestId('empty-state');
    await table.or(none).or(empty).first().waitFor({ timeout: 20_000 });
    if (await none.isVisible()) return 'no_reference';
    return (await table.isVisible()) ? 'ok' : 'empty';
  }

  featureRow(feature: string): Locator {
    return this.page.getByTestId(`drift-row-${feature}`);
  }

  /** The features in table order, each with its verdict key (drifted, uncertain, stable, no_data). */
  async featureVerdicts(): Promise<{ feature: string; verdict: string }[]> {
    const rows = this.page.getByTestId('drift-features').locator('tbody tr');
    const out: { feature: string; verdict: string }[] = [];
    for (const row of await rows.all()) {
      const id = (await row.getAttribute('data-testid')) ?? '';
      out.push({ feature: id.replace(/^drift-row-/, ''), verdict: (await row.getAttribute('data-verdict')) ?? '' });
    }
    return out;
  }

  /** The verdict as shown: its words and the colour of its dot. */
  async verdict(feature: string): Promise<{ text: string; colour: string }> {
    const v = this.featureRow(feature).getByTestId('drift-verdict');
    return { text: ((await v.textContent()) ?? '').trim(), colour: await v.evaluate((el) => getComputedStyle(el, '::before').backgroundColor) };
  }

  async selectFeature(feature: string): Promise<void> {
    await this.featureRow(feature).getByRole('button', { name: feature, exact: true }).click();
    await this.page.waitForURL(new RegExp(`feature=${encodeURIComponent(feature)}`));
  }

  overlay(): Locator {
    return this.page.getByTestId('drift-overlay');
  }

  detailTitle(): Locator {
    return this.page.getByTestId('drift-detail').locator('.panel-title');
  }

  datasetVerdict(): Locator {
    return this.page.getByTestId('dataset-verdict');
  }

  async drillInto(segment: string): Promise<void> {
    await this.page.getByTestId('segment-select').selectOption(segment);
  }

  /** The values of the drilled segment, as listed. */
  async segmentValues(): Promise<string[]> {
    const table = this.page.getByTestId('segment-values');
    await table.waitFor({ timeout: 20_000 });
    return (await table.locator('tbody th[scope="row"]').allTextContents()).map((s) => s.trim());
  }

  referenceCommand(): Locator {
    return this.page.getByTestId('reference-command');
  }

  windowReferenceForm(): Locator {
    return this.page.getByTestId('window-reference-form');
  }

  /** Submits the production-window form as it is filled; throws with the server's words when it refuses. */
  async useWindowAsReference(): Promise<void> {
    const form = this.windowReferenceForm();
    await form.getByRole('button', { name: 'Use this window' }).click();
    const error = form.getByTestId('error-details');
    await this.page.getByTestId('drift-features').or(this.page.getByTestId('drift-tab')).or(error).first().waitFor({ timeout: 20_000 });
    if (await error.isVisible()) throw new Error(`the window was refused: ${await error.textContent()}`);
  }

  // ---------------------------------------------------------------- data quality

  async waitForQuality(): Promise<void> {
    await this.page.getByTestId('quality-features').waitFor({ timeout: 20_000 });
  }

  /** A feature's completeness as shown ("75 %"). */
  async completeness(feature: string): Promise<string> {
    return ((await this.page.getByTestId(`quality-row-${feature}`).getByTestId('completeness').textContent()) ?? '').trim();
  }

  total(id: 'predictions' | 'refused' | 'duplicates' | 'violations'): Locator {
    return this.page.getByTestId(`total-${id}`);
  }

  /** The checks on screen that failed, by name. */
  async failedChecks(): Promise<string[]> {
    return (await this.page.locator('[data-testid="pipeline-check"][data-status="failed"] strong').allTextContents()).map((s) => s.trim());
  }

  checkRun(runId: string): Locator {
    return this.page.getByTestId(`check-run-${runId}`);
  }
}
