import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteRange, DEFAULT_RANGE, describeRange, isRelative, rangeFromParams, rangeToParams, resolveBound, viewQuery } from './time-range.ts';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

test('resolveBound: now, now-<n><unit>, epoch ms and RFC 3339; anything else is null', () => {
  const rows: [string, number | null][] = [
    ['now', NOW],
    ['now-15m', NOW - 15 * 60_000],
    ['now-6h', NOW - 6 * 3_600_000],
    ['now-7d', NOW - 7 * 86_400_000],
    ['now-2w', NOW - 14 * 86_400_000],
    ['1700000000000', 1_700_000_000_000],
    ['2026-11-27T10:00:00Z', Date.UTC(2026, 10, 27, 10)],
    ['yesterday', null],
    ['now-5y', null],
    ['2026-13-45T99:00:00Z', null],
    ['', null],
  ];
  for (const [b, want] of rows) assert.equal(resolveBound(b, NOW), want, b);
});

test('rangeFromParams: the URL range, or the default when missing or invalid', () => {
  assert.deepEqual(rangeFromParams(new URLSearchParams('from=now-1h&to=now')), { from: 'now-1h', to: 'now' });
  assert.deepEqual(rangeFromParams(new URLSearchParams('from=now-1h')), { from: 'now-1h', to: 'now' });
  assert.deepEqual(rangeFromParams(new URLSearchParams('')), DEFAULT_RANGE);
  assert.deepEqual(rangeFromParams(new URLSearchParams('from=soon')), DEFAULT_RANGE);
  assert.deepEqual(rangeFromParams(new URLSearchParams('from=now-1h&to=later')), DEFAULT_RANGE);
});

test('rangeToParams keeps the other parameters; absolute ranges round-trip through the URL', () => {
  const p = rangeToParams({ from: 'now-24h', to: 'now' }, new URLSearchParams('team=risk&from=now-1h'));
  assert.equal(p.toString(), 'team=risk&from=now-24h&to=now');
  const abs = absoluteRange(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2));
  assert.deepEqual(abs, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
  assert.deepEqual(rangeFromParams(rangeToParams(abs, new URLSearchParams())), abs);
  assert.equal(isRelative(abs), false);
  assert.equal(isRelative({ from: 'now-1h', to: 'now' }), true);
  assert.equal(describeRange({ from: 'now-24h', to: 'now' }), 'Last 24 hours');
});

test('viewQuery carries the range and live switch to another page, not the page filters', () => {
  assert.equal(viewQuery('?from=now-1h&to=now&team=risk&live=0&status=problem'), '?from=now-1h&to=now&live=0');
  assert.equal(viewQuery('?team=risk'), '');
  assert.equal(viewQuery(''), '');
});
