import { test } from 'node:test';
import assert from 'node:assert/strict';
import type uPlot from 'uplot';
import { timeSeriesOptions } from './timeseries-options.ts';
import type { ChartTheme } from './use-chart-theme.ts';

const theme: ChartTheme = {
  series: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'],
  grid: 'grid',
  text: 'text',
  muted: 'muted',
  panel: 'panel',
  border: 'border',
  threshold: { green: 'ok', amber: 'warn', red: 'bad', blue: 'c1', grey: 'none' },
};
const base = { width: 400, height: 200, labels: ['model=a', 'model=b'], colors: [4, 1], unit: 'ms', theme };

test('series: theme colours by palette index, gaps never spanned, values formatted in the unit', () => {
  const o = timeSeriesOptions(base);
  assert.equal(o.series.length, 3);
  assert.deepEqual(o.series.slice(1).map((s) => [s.label, s.stroke, s.spanGaps]), [
    ['model=a', 'c5', false],
    ['model=b', 'c2', false],
  ]);
  const value = o.series[1]?.value as (u: uPlot, v: number | null, s: number, i: number | null) => string;
  assert.equal(value({} as uPlot, 1500, 1, 0), '1.5 s');
  assert.equal(value({} as uPlot, null, 1, 0), '—');
  assert.equal(o.axes?.[0]?.stroke, 'muted');
  assert.equal((o.axes?.[1]?.grid as { stroke: string }).stroke, 'grid');
});

test('drag: zooms itself without onSelect, reports the range (ms) and stays put with it', () => {
  assert.equal(timeSeriesOptions(base).cursor?.drag?.setScale, true);
  const got: [number, number][] = [];
  const o = timeSeriesOptions({ ...base, onSelect: (a, b) => got.push([a, b]) });
  assert.equal(o.cursor?.drag?.setScale, false);
  const cleared: unknown[] = [];
  const fake = (left: number, width: number) =>
    ({ select: { left, width, top: 0, height: 100 }, posToVal: (px: number) => 1000 + px, setSelect: (s: unknown) => cleared.push(s) }) as unknown as uPlot;
  const hook = o.hooks?.setSelect?.[0] as (u: uPlot) => void;
  hook(fake(10, 1)); // a click
  hook(fake(10, 50));
  assert.deepEqual(got, [[1_010_000, 1_060_000]]);
  assert.equal(cleared.length, 1);
});
