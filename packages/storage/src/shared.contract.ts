// Shared by the contract suites: fixed timestamps, error assertions, and a store per test.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isVigilError, type ErrorCode } from '@vigil/core';

/** A time on a day in January 2025, as ISO text. */
export const T = (day: number, hour = 0, minute = 0) => new Date(Date.UTC(2025, 0, day, hour, minute)).toISOString();

export async function rejectsWith(p: Promise<unknown>, code: ErrorCode, mention?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isVigilError(e), `expected a VigilError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (mention !== undefined) assert.ok(e.message.includes(mention), `"${e.message}" should name ${mention}`);
    return true;
  });
}

/** A `test` that gives every test its own fresh store, so none depends on another's data or order. */
export function isolated<H extends { store: unknown; cleanup: () => Promise<void> }>(makeHarness: () => Promise<H>) {
  return (title: string, body: (store: H['store'], t: TestContext, handle: H) => Promise<void>) =>
    test(title, async (t) => {
      const handle = await makeHarness();
      try {
        await body(handle.store, t, handle);
      } finally {
        await handle.cleanup();
      }
    });
}
