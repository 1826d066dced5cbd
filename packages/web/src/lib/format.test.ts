import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCompact, formatDuration, formatParts, formatRelative, formatValue } from './format.ts';

test('compact numbers keep three significant digits and roll over suffixes', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [7, '7'],
    [950, '950'],
    [0.125, '0.125'],
    [0.00012345, '0.000123'],
    [0.00001234, '1.2e-5'],
    [1234, '1.23k'],
    [12_345, '12.3k'],
    [123_456, '123k'],
    [999_999, '1M'],
    [12_500_000, '12.5M'],
    [3_200_000_000, '3.2B'],
    [-4_500, '-4.5k'],
    [Infinity, '∞'],
  ];
  for (const [n, want] of cases) assert.equal(formatCompact(n), want, String(n));
});

test('durations pick the two largest units', () => {
  const cases: [number, string][] = [
    [0, '0 ms'],
    [0.42, '0.42 ms'],
    [12.34, '12.3 ms'],
    [450, '450 ms'],
    [999.7, '1 s'],
    [1500, '1.5 s'],
    [12_340, '12.3 s'],
    [59_970, '1 min'],
    [60_000, '1 min'],
    [200_000, '3 min 20 s'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
    [-1500, '-1.5 s'],
    [NaN, '—'],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want, String(ms));
});

test('values in catalogue units', () => {
  const cases: [number | null, string, boolean, string][] = [
    [null, 'ms', false, '—'],
    [NaN, '', false, '—'],
    [0, 'predictions', false, '0 predictions'],
    [12.5, 'ms', false, '12.5 ms'],
    [2300, 'ms', true, '2.3 s'],
    [1.5, 's', false, '1.5 s'],
    [0.1234, 'ratio', false, '12.3%'],
    [1, 'ratio', true, '100%'],
    [45.67, '%', false, '45.7%'],
    [1234.5, 'predictions/s', false, '1.23k predictions/s'],
    [1234.5, 'predictions/s', true, '1.23k/s'],
    [3.25, '/s', false, '3.25/s'],
    [2_500_000, 'predictions', false, '2.5M predictions'],
    [2_500_000, 'predictions', true, '2.5M'],
    [0.734, 'probability', false, '0.734'],
    [42, 'as sent', false, '42'],
    [12_000, '', false, '12k'],
  ];
  for (const [v, unit, short, want] of cases) assert.equal(formatValue(v, unit, { short }), want, `${v} ${unit}${short ? ' short' : ''}`);
});

test('relative time, past and future', () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);
  const cases: [number, string][] = [
    [now, 'just now'],
    [now - 30_000, 'just now'],
    [now - 3 * 60_000, '3 min ago'],
    [now - 50_000, '1 min ago'],
    [now - 5 * 3_600_000, '5 h ago'],
    [now - 86_400_000, '1 day ago'],
    [now - 2 * 86_400_000, '2 days ago'],
    [now + 4 * 60_000, 'in 4 min'],
    [now - 40 * 86_400_000, '2025-12-22'],
  ];
  for (const [t, want] of cases) assert.equal(formatRelative(t, now), want, String(now - t));
});

test('value and unit apart, for big numbers with a small unit', () => {
  const cases: [number | null, string, { value: string; unit: string }][] = [
    [149.2, 'predictions/s', { value: '149', unit: 'predictions/s' }],
    [12.5, 'ms', { value: '12.5', unit: 'ms' }],
    [2300, 'ms', { value: '2.3', unit: 's' }],
    [200_000, 'ms', { value: '3 min 20 s', unit: '' }],
    [0.5, 'ratio', { value: '50', unit: '%' }],
    [null, 'ms', { value: '—', unit: '' }],
    [7, 'as sent', { value: '7', unit: '' }],
  ];
  for (const [v, unit, want] of cases) assert.deepEqual(formatParts(v, unit), want, `${v} ${unit}`);
});

test('bytes use binary prefixes', () => {
  assert.equal(formatValue(512, 'bytes'), '512 B');
  assert.equal(formatValue(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatValue(20 * 2 ** 30, 'bytes'), '20 GiB');
  assert.equal(formatValue(0, 'B'), '0 B');
});
