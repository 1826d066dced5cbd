import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performanceOptions } from './performance-options.ts';
import type { ChartTheme } from './use-chart-theme.ts';

const theme: ChartTheme = {
  series: ['#2f6fed', '#d6456d', 'c3', 'c4', 'c5', 'c6'],
  grid: 'grid',
  text: 'text',
  muted: '#5b6472',
  panel: 'panel',
  border: 'border',
  threshold: { green: 'ok', amber: 'warn', red: '#ff0000', blue: 'c1', grey: 'none' },
};

test('the performance chart: realized solid, estimate dashed in its filled band, baseline dotted, a marks plugin', () => {
  const o = performanceOptions({ width: 400, height: 200, labels: ['Accuracy, realized', 'Accuracy, estimated', 'lower', 'upper', 'Accuracy, validation'], marks: [1, 2], unit: 'ratio', theme });
  assert.deepEqual(o.series.slice(1).map((s) => [s.label, s.stroke, s.dash ?? null]), [
    ['Accuracy, realized', '#2f6fed', null],
    ['Accuracy, estimated', '#d6456d', [6, 4]],
    ['lower', 'rgba(214, 69, 109, 0.5)', null],
    ['upper', 'rgba(214, 69, 109, 0.5)', null],
    ['Accuracy, validation', '#5b6472', [2, 3]],
  ]);
  assert.deepEqual(o.bands, [{ series: [4, 3], fill: 'rgba(214, 69, 109, 0.12)' }]);
  assert.equal(o.plugins?.length, 1);
  assert.equal(typeof o.plugins?.[0]?.hooks.drawAxes, 'object');
});
