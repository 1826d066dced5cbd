// uPlot options for the performance chart: the realized value (solid), the label-free estimate
// (dashed) inside its band, the version's validation value (flat, dotted), and a vertical mark
// where concept drift was detected. Pure, like timeseries-options.ts.
import type uPlot from 'uplot';
import { withAlpha } from './band-options.ts';
import { timeSeriesOptions, type TimeSeriesOptionsInput } from './timeseries-options.ts';

export type PerformanceOptionsInput = Omit<TimeSeriesOptionsInput, 'labels' | 'colors'> & {
  /** [realized, estimate, band lower, band upper, baseline], as performanceChartData gives them. */
  labels: readonly [string, string, string, string, string];
  /** Concept-drift detections, in seconds. */
  marks: readonly number[];
};

/** Draws a dashed vertical line at each mark, under the series. */
export function marksPlugin(marks: readonly number[], color: string): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: [
        (u: uPlot) => {
          if (marks.length === 0) return;
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = color;
          ctx.lineWidth = 2 * (globalThis.devicePixelRatio || 1);
          ctx.setLineDash([6, 4]);
          for (const m of marks) {
            const x = Math.round(u.valToPos(m, 'x', true));
            if (x < left || x > left + width) continue;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
}

export function performanceOptions(input: PerformanceOptionsInput): uPlot.Options {
  const { theme } = input;
  const o = timeSeriesOptions({ ...input, labels: [...input.labels], colors: [0, 1, 1, 1, 2] });
  const [x, realized, estimate, lower, upper, baseline] = o.series as [uPlot.Series, uPlot.Series, uPlot.Series, uPlot.Series, uPlot.Series, uPlot.Series];
  const estColor = theme.series[1] ?? theme.muted;
  const edge = (s: uPlot.Series): uPlot.Series => ({ ...s, stroke: withAlpha(estColor, 0.5), width: 1, points: { show: false } });
  return {
    ...o,
    series: [
      x,
      { ...realized, stroke: theme.series[0], width: 2 },
      { ...estimate, stroke: estColor, width: 2, dash: [6, 4] },
      edge(lower),
      edge(upper),
      { ...baseline, stroke: theme.muted, width: 1.5, dash: [2, 3], points: { show: false } },
    ],
    bands: [{ series: [4, 3], fill: withAlpha(estColor, 0.12) }],
    plugins: [marksPlugin(input.marks, theme.threshold.red)],
  };
}
