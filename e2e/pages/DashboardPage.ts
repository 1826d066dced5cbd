import type { Locator, Page } from 'playwright-core';

export class DashboardPage {
  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  async open(id: string, query = 'from=now-1h&to=now'): Promise<void> {
    await this.page.goto(`${this.base}/dashboards/${id}?${query}`);
    await this.page.locator('[data-testid^="grid-item-"]').first().waitFor();
  }

  item(panelId: string): Locator {
    return this.page.getByTestId(`grid-item-${panelId}`);
  }

  /** A panel's box relative to the grid (the edit bar above the grid moves the page, not the layout). */
  async box(panelId: string) {
    const b = await this.item(panelId).boundingBox();
    const g = await this.page.getByTestId('dashboard-grid').boundingBox();
    if (!b || !g) throw new Error(`panel ${panelId} is not visible`);
    return { x: b.x - g.x, y: b.y - g.y, width: b.width, height: b.height, pageX: b.x, pageY: b.y };
  }

  editButton(): Locator {
    return this.page.getByTestId('edit-dashboard');
  }

  /** Drags a panel by its header by (dx, dy) pixels. */
  async drag(panelId: string, dx: number, dy: number): Promise<void> {
    const head = this.item(panelId).locator('.panel-head').first();
    const b = await head.boundingBox();
    if (!b) throw new Error('no panel header');
    await this.gesture(b.x + 20, b.y + b.height / 2, dx, dy);
  }

  /** Resizes a panel from its bottom-right handle by (dx, dy) pixels. */
  async resize(panelId: string, dx: number, dy: number): Promise<void> {
    await this.item(panelId).hover();
    const handle = this.item(panelId).locator('.react-resizable-handle-se, .react-resizable-handle').last();
    await handle.waitFor();
    const b = await handle.boundingBox();
    if (!b) throw new Error('no resize handle');
    await this.gesture(b.x + b.width / 2, b.y + b.height / 2, dx, dy);
  }

  /**
   * Press, move in many small steps, release — with pauses, so the grid's pointer handlers see
   * every step even when the machine is busy.
   */
  private async gesture(x: number, y: number, dx: number, dy: number): Promise<void> {
    const m = this.page.mouse;
    await m.move(x, y);
    await m.down();
    await this.page.waitForTimeout(50);
    for (let i = 1; i <= 20; i++) {
      await m.move(x + (dx * i) / 20, y + (dy * i) / 20);
      await this.page.waitForTimeout(10);
    }
    await this.page.waitForTimeout(50);
    await m.up();
    await this.page.waitForTimeout(300); // the grid's placement transition
  }
}
