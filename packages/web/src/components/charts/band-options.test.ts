import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandOptions, withAlpha } from './band-options.ts';
import type { ChartTheme } from './use-chart-theme.ts';

const theme: ChartTheme = {
  series: ['#2f6fed', 'c2', 'c3', 'c4', 'c5', 'c6'],
  grid: 'grid',
  text: 'text',
  muted: '#5b6472',
  panel: 'panel',
  border: 'border',
  threshold: { green: 'ok', amber: 'warn', red: 'bad', blue: 'c1', grey: 'none' },
};

test('a band chart: the line in the first colour, dashed edges, the space between them filled', () => {
  const o = bandOptions({ width: 400, height: 200, label: 'reconstruction error', unit: '', theme });
  assert.deepEqual(o.series.slice(1).map((s) => [s.label, s.stroke, s.dash ?? null]), [
    ['reconstruction error', '#2f6fed', null],
    ['expected, lower', '#5b6472', [4, 4]],
    ['expected, upper', '#5b6472', [4, 4]],
  ]);
  assert.deepEqual(o.bands, [{ series: [3, 2], fill: 'rgba(91, 100, 114, 0.14)' }]);
});

test('colours with transparency: hex to rgba, anything else a neutral grey', () => {
  assert.equal(withAlpha('#ff0000', 0.5), 'rgba(255, 0, 0, 0.5)');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.5), 'rgba(128, 128, 128, 0.5)');
});
