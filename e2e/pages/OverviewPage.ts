import type { Page } from 'playwright-core';

export class OverviewPage {
  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  async open(query = 'from=now-1h&to=now'): Promise<void> {
    await this.page.goto(`${this.base}/?${query}`);
    await this.page.locator('[data-testid^="model-card-"]').first().waitFor();
  }

  card(model: string) {
    return this.page.getByTestId(`model-card-${model}`);
  }

  async health(model: string): Promise<string | null> {
    return this.card(model).getAttribute('data-health');
  }

  /** The card's border colour, as the browser computed it. */
  async colour(model: string): Promise<string> {
    return this.card(model).evaluate((el) => getComputedStyle(el).borderLeftColor);
  }

  async openModel(model: string): Promise<void> {
    await this.card(model).getByRole('link').first().click();
    await this.page.waitForURL(new RegExp(`/models/${model}`));
  }
}
