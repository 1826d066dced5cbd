import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_POLICY, ADDRESS_POLICY, lockoutDecision, type LockoutDecision, type LockoutPolicy } from './lockout.ts';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const MIN = 60_000;
const OK: LockoutDecision = { allowed: true };
const slowed = (retryAfterMs: number): LockoutDecision => ({ allowed: false, reason: 'slowed', retryAfterMs });
const locked = (retryAfterMs: number): LockoutDecision => ({ allowed: false, reason: 'locked', retryAfterMs });

/** [failures in the window, ms since the last failure, decision] */
type Row = [number, number, LockoutDecision];

const check = (policy: LockoutPolicy, rows: Row[]) => {
  for (const [count, since, want] of rows) {
    assert.deepEqual(lockoutDecision({ count, lastAt: NOW - since }, NOW, policy), want, `count ${count}, ${since} ms after the last failure`);
  }
};

test('the policies say what their comments say', () => {
  assert.deepEqual(ACCOUNT_POLICY, { windowMs: 15 * MIN, slowAfter: 3, baseDelayMs: 1000, maxDelayMs: 30_000, lockAfter: 10, lockMs: 15 * MIN });
  assert.deepEqual(ADDRESS_POLICY, { windowMs: 15 * MIN, slowAfter: 10, baseDelayMs: 1000, maxDelayMs: 30_000, lockAfter: 50, lockMs: 15 * MIN });
});

test('account: free tries, then doubling delays, capped, then a lock that ends exactly at lockMs', () =>
  check(ACCOUNT_POLICY, [
    [0, 0, OK],
    [2, 0, OK], // slowAfter - 1: still free
    [3, 0, slowed(1000)], // slowAfter: the base delay
    [3, 999, slowed(1)],
    [3, 1000, OK], // the wait ends exactly at the delay
    [4, 0, slowed(2000)],
    [4, 1999, slowed(1)],
    [4, 2000, OK],
    [5, 0, slowed(4000)],
    [6, 0, slowed(8000)],
    [7, 0, slowed(16_000)],
    [7, 10_000, slowed(6000)],
    [8, 0, slowed(30_000)], // 32 s capped at maxDelayMs
    [8, 29_999, slowed(1)],
    [8, 30_000, OK],
    [9, 0, slowed(30_000)], // lockAfter - 1: still only slowed
    [10, 0, locked(15 * MIN)], // lockAfter
    [10, 30_000, locked(15 * MIN - 30_000)], // past the longest delay, still locked
    [10, 15 * MIN - 1, locked(1)],
    [10, 15 * MIN, OK], // the lock expires exactly at lockMs
    [25, 15 * MIN - 1, locked(1)],
    [25, 15 * MIN, OK],
  ]));

test('address: more room, same shape', () =>
  check(ADDRESS_POLICY, [
    [3, 0, OK], // an account would be slowed here
    [9, 0, OK], // slowAfter - 1
    [10, 0, slowed(1000)],
    [10, 1000, OK],
    [11, 0, slowed(2000)],
    [14, 0, slowed(16_000)],
    [15, 0, slowed(30_000)], // 32 s capped
    [15, 30_000, OK],
    [49, 0, slowed(30_000)], // lockAfter - 1: 2^39 s, capped
    [49, 30_000, OK],
    [50, 0, locked(15 * MIN)],
    [50, 15 * MIN - 1, locked(1)],
    [50, 15 * MIN, OK],
  ]));

test('a delay that reaches the cap exactly is kept, the next is capped', () =>
  check({ windowMs: MIN, slowAfter: 1, baseDelayMs: 1000, maxDelayMs: 4000, lockAfter: 100, lockMs: MIN }, [
    [1, 0, slowed(1000)],
    [2, 0, slowed(2000)],
    [3, 0, slowed(4000)],
    [4, 0, slowed(4000)],
  ]));

test('no failures: allowed', () => {
  assert.deepEqual(lockoutDecision({ count: 0, lastAt: null }, NOW, ACCOUNT_POLICY), OK);
  assert.deepEqual(lockoutDecision({ count: 0, lastAt: null }, NOW, ADDRESS_POLICY), OK);
});
