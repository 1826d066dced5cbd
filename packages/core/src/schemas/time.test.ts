import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseTimeBound, parseTimestamp } from './time.ts';

test('timestamps: RFC 3339 with a zone, or epoch ms', () => {
  const cases: [unknown, number | null][] = [
    ['2026-11-27T05:00:00Z', Date.UTC(2026, 10, 27, 5)],
    ['2026-11-27T05:00:00.123+01:00', Date.UTC(2026, 10, 27, 4, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    [1795000000000.4, 1795000000000],
    ['2026-02-30T00:00:00Z', null],
    ['2025-02-29T00:00:00Z', null],
    ['2026-11-27T24:00:00Z', null],
    ['2026-11-27T05:61:00Z', null],
    ['2026-11-27T05:00:00+25:00', null],
    ['2026-11-27T05:00:00', null],
    ['2026-11-27', null],
    ['yesterday', null],
    [Number.NaN, null],
    [Infinity, null],
    [null, null],
    [true, null],
  ];
  for (const [input, want] of cases) assert.equal(parseTimestamp(input), want, String(input));
});

test('durations and relative bounds', () => {
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('30'), 30_000);
  assert.equal(parseDuration('0s'), null);
  assert.equal(parseDuration('1w'), null);
  assert.equal(parseTimeBound('now-1h', 10_000_000), 10_000_000 - 3_600_000);
  assert.equal(parseTimeBound('now', 5), 5);
});
