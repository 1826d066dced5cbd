import type { Page } from 'playwright-core';

export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  async open(path = '/'): Promise<void> {
    await this.page.goto(this.base + path);
    await this.page.waitForURL(/\/sign-in/);
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  }

  error() {
    return this.page.getByTestId('sign-in-error');
  }
}
