// uPlot options for a time-series chart, built from prepared data and theme colours without
// touching the DOM (the idea of grafana's UPlotConfigBuilder), so the chart component only
// creates, updates and destroys the plot.
import type uPlot from 'uplot';
import { isolatedIndices } from '../../lib/chart-data.ts';
import { formatValue } from '../../lib/format.ts';
import type { ChartTheme } from './use-chart-theme.ts';

export interface TimeSeriesOptionsInput {
  width: number;
  height: number;
  labels: readonly string[];
  /** Palette index per series. */
  colors: readonly number[];
  unit: string;
  theme: ChartTheme;
  /** Given: a drag selection is reported (epoch ms) and the chart does not zoom itself. */
  onSelect?: (fromMs: number, toMs: number) => void;
  /** Where the legend goes (outside the plot, so the plot can take the height that is left). */
  mountLegend?: (u: uPlot, el: HTMLElement) => void;
}

/** Selections narrower than this (px) are clicks, not zooms. */
const MIN_SELECT_PX = 3;

export function timeSeriesOptions(input: TimeSeriesOptionsInput): uPlot.Options {
  const { theme, unit, onSelect } = input;
  const axis = (): uPlot.Axis => ({
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
    border: { show: false },
  });
  const setSelect = (u: uPlot) => {
    if (!onSelect) return;
    const { left, width } = u.select;
    if (width < MIN_SELECT_PX) return;
    const from = u.posToVal(left, 'x') * 1000;
    const to = u.posToVal(left + width, 'x') * 1000;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    onSelect(from, to);
  };
  return {
    width: input.width,
    height: input.height,
    padding: [10, 12, 0, 0],
    cursor: { drag: { x: true, y: false, setScale: !onSelect, dist: MIN_SELECT_PX } },
    legend: { show: true, live: true, ...(input.mountLegend ? { mount: input.mountLegend } : {}) },
    scales: { x: { time: true } },
    axes: [
      axis(),
      {
        ...axis(),
        values: (_u, splits) => splits.map((v) => formatValue(v, unit, { short: true })),
        // wide enough for the longest tick label
        size: (_u, values) => Math.min(120, 14 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length))),
      },
    ],
    series: [
      {},
      ...input.labels.map(
        (label, i): uPlot.Series => ({
          label,
          stroke: theme.series[(input.colors[i] ?? i) % theme.series.length],
          width: 1.5,
          spanGaps: false,
          // a value with gaps on both sides gets a point, or sparse data would look empty
          points: { size: 5, filter: (u, si, show) => (show ? null : isolatedIndices(u.data[si] as (number | null)[])) },
          value: (_u, v) => formatValue(v, unit),
        }),
      ),
    ],
    // a performance mark per draw lets the browser benchmark (bench/web.ts) time a real render
    hooks: { setSelect: [setSelect], draw: [() => globalThis.performance?.mark?.('vigil:chart-drawn')] },
  };
}
