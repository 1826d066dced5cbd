// uPlot options for a rule preview: the value the rule compared, its levels (threshold, recovery,
// ± an anomaly's sensitivity) as dashed lines, and the spans where it would have been pending or firing shaded behind them.
// Pure, like timeseries-options.ts: the shading hook only draws what it was given.
import type uPlot from 'uplot';
import type { Span } from '../../lib/alerts-view.ts';
import { withAlpha } from './band-options.ts';
import { timeSeriesOptions } from './timeseries-options.ts';
import type { ChartTheme } from './use-chart-theme.ts';

export interface PreviewOptionsInput {
  width: number;
  height: number;
  label: string;
  unit: string;
  theme: ChartTheme;
  /** The dashed levels, in the order of the data's columns after the value: a threshold in red, a recovery in amber. */
  levels: readonly { label: string; tone: 'threshold' | 'recovery' }[];
  spans: readonly Span[];
  mountLegend?: (u: uPlot, el: HTMLElement) => void;
}

/** The colour of a span: firing in the threshold's red, pending in amber. */
export const spanFill = (theme: ChartTheme, state: Span['state']): string => withAlpha(state === 'firing' ? theme.threshold.red : theme.threshold.amber, state === 'firing' ? 0.16 : 0.12);

export function previewOptions(input: PreviewOptionsInput): uPlot.Options {
  const { theme, spans } = input;
  const labels = [input.label, ...input.levels.map((l) => l.label)];
  const o = timeSeriesOptions({ width: input.width, height: input.height, labels, colors: labels.map(() => 0), unit: input.unit, theme, ...(input.mountLegend ? { mountLegend: input.mountLegend } : {}) });
  const [x, line, ...levels] = o.series as uPlot.Series[];
  const level = (s: uPlot.Series, color: string, dash: number[]): uPlot.Series => ({ ...s, stroke: color, width: 1.5, dash, points: { show: false } });
  const series = [x as uPlot.Series, { ...(line as uPlot.Series), stroke: theme.series[0], width: 1.5 }];
  input.levels.forEach((l, i) => series.push(level(levels[i] as uPlot.Series, l.tone === 'threshold' ? theme.threshold.red : theme.threshold.amber, l.tone === 'threshold' ? [6, 4] : [2, 4])));
  const shade = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    for (const s of spans) {
      const left = u.valToPos(s.from / 1000, 'x', true);
      const right = u.valToPos(s.to / 1000, 'x', true);
      const l = Math.max(bbox.left, left);
      const r = Math.min(bbox.left + bbox.width, right);
      if (r <= l) continue;
      ctx.fillStyle = spanFill(theme, s.state);
      ctx.fillRect(l, bbox.top, Math.max(1, r - l), bbox.height);
    }
    ctx.restore();
  };
  return { ...o, series, hooks: { ...o.hooks, drawClear: [shade] } };
}
