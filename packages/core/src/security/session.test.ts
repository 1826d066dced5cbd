import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionState, type SessionState } from './session.ts';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MIN = 60_000;
const H = 60 * MIN;
const IDLE = 30 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

const VALID: SessionState = { valid: true };
const IDLE_OUT: SessionState = { valid: false, reason: 'idle' };
const EXPIRED: SessionState = { valid: false, reason: 'expired' };

/** [last seen (ms after sign-in at T0), absolute expiry (ms after T0), now (ms after T0), state] */
const ROWS: [string, number, number, number, SessionState][] = [
  ['just signed in', 0, 12 * H, 0, VALID],
  ['idle one ms short of the idle time', 0, 12 * H, IDLE - 1, VALID],
  ['idle exactly the idle time', 0, 12 * H, IDLE, IDLE_OUT],
  ['idle longer', 0, 12 * H, 2 * IDLE, IDLE_OUT],
  ['used recently, long after sign-in', 11 * H, 12 * H, 11 * H + IDLE - 1, VALID],
  ['used recently, idle timer counts from the last use', 11 * H, 12 * H, 11 * H + IDLE, IDLE_OUT],
  ['in use, one ms before the absolute expiry', 12 * H - MIN, 12 * H, 12 * H - 1, VALID],
  ['in use, exactly at the absolute expiry', 12 * H - MIN, 12 * H, 12 * H, EXPIRED],
  ['in use, after the absolute expiry', 12 * H - MIN, 12 * H, 12 * H + 1, EXPIRED],
  ['both idle and expired: expired wins', 0, 12 * H, 13 * H, EXPIRED],
];

for (const [name, lastSeen, expires, now, want] of ROWS) {
  test(`session: ${name}`, () => {
    assert.deepEqual(sessionState({ last_seen_at: iso(T0 + lastSeen), expires_at: iso(T0 + expires) }, T0 + now, IDLE), want);
  });
}

test('timestamps with an offset are read as the instants they name', () => {
  const s = { last_seen_at: '2026-11-27T13:00:00+01:00', expires_at: '2026-11-27T14:00:00+01:00' }; // 12:00Z and 13:00Z
  assert.deepEqual(sessionState(s, T0 + IDLE - 1, IDLE), VALID);
  assert.deepEqual(sessionState(s, T0 + IDLE, IDLE), IDLE_OUT);
  assert.deepEqual(sessionState({ ...s, last_seen_at: '2026-11-27T13:59:00+01:00' }, T0 + H, IDLE), EXPIRED);
});
