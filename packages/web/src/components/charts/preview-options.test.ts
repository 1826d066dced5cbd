import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewOptions, spanFill } from './preview-options.ts';
import type { ChartTheme } from './use-chart-theme.ts';

const theme: ChartTheme = {
  series: ['#2f6fed', 'c2', 'c3', 'c4', 'c5', 'c6'],
  grid: 'grid',
  text: 'text',
  muted: '#5b6472',
  panel: 'panel',
  border: 'border',
  threshold: { green: 'ok', amber: '#d98e04', red: '#d64545', blue: 'c1', grey: 'none' },
};

test('a preview: the value, the threshold dashed in red, the recovery dotted in amber', () => {
  const o = previewOptions({ width: 400, height: 200, label: 'latency.p99', unit: 'ms', theme, levels: [{ label: 'threshold', tone: 'threshold' }, { label: 'recovery', tone: 'recovery' }], spans: [] });
  assert.deepEqual(o.series.slice(1).map((s) => [s.label, s.stroke, s.dash ?? null]), [
    ['latency.p99', '#2f6fed', null],
    ['threshold', '#d64545', [6, 4]],
    ['recovery', '#d98e04', [2, 4]],
  ]);
  assert.equal(o.hooks?.drawClear?.length, 1, 'spans are shaded behind the lines');
});

test('without a recovery level there is no recovery line', () => {
  const o = previewOptions({ width: 400, height: 200, label: 'v', unit: '', theme, levels: [{ label: 'threshold', tone: 'threshold' }], spans: [] });
  assert.deepEqual(o.series.slice(1).map((s) => s.label), ['v', 'threshold']);
});

test("an anomaly rule's two sensitivity levels are both drawn as thresholds; an absence rule's one", () => {
  const o = previewOptions({ width: 400, height: 200, label: 'score', unit: '', theme, levels: [{ label: 'score +4', tone: 'threshold' }, { label: 'score −4', tone: 'threshold' }], spans: [] });
  assert.deepEqual(o.series.slice(2).map((s) => [s.label, s.stroke]), [['score +4', '#d64545'], ['score −4', '#d64545']]);
  assert.equal(previewOptions({ width: 400, height: 200, label: 'n', unit: '', theme, levels: [], spans: [] }).series.length, 2);
});

test('firing spans are red, pending ones amber, both translucent', () => {
  assert.equal(spanFill(theme, 'firing'), 'rgba(214, 69, 69, 0.16)');
  assert.equal(spanFill(theme, 'pending'), 'rgba(217, 142, 4, 0.12)');
});
