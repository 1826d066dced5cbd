// uPlot options for a line inside a band (the multivariate drift error and the range it is
// expected to stay in): the time-series options, with the band's edges dashed and the space
// between them filled. Pure, like timeseries-options.ts.
import type uPlot from 'uplot';
import { timeSeriesOptions, type TimeSeriesOptionsInput } from './timeseries-options.ts';

/** A theme colour with transparency; canvases take no color-mix(), so a hex colour becomes rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
  if (!m) return `rgba(128, 128, 128, ${alpha})`;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h as string, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export type BandOptionsInput = Omit<TimeSeriesOptionsInput, 'labels' | 'colors'> & { label: string };

/** Series 1 is the line, 2 the band's lower edge and 3 its upper edge (see multivariateData). */
export function bandOptions(input: BandOptionsInput): uPlot.Options {
  const { theme } = input;
  const o = timeSeriesOptions({ ...input, labels: [input.label, 'expected, lower', 'expected, upper'], colors: [0, 0, 0] });
  const [x, line, lower, upper] = o.series as [uPlot.Series, uPlot.Series, uPlot.Series, uPlot.Series];
  const edge = (s: uPlot.Series): uPlot.Series => ({ ...s, stroke: theme.muted, width: 1, dash: [4, 4], points: { show: false } });
  return {
    ...o,
    series: [x, { ...line, stroke: theme.series[0], width: 2 }, edge(lower), edge(upper)],
    bands: [{ series: [3, 2], fill: withAlpha(theme.muted, 0.14) }],
  };
}
