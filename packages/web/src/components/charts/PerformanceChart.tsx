import { useRef } from 'react';
import type { PerformanceChartData } from '../../lib/performance-view.ts';
import { performanceOptions } from './performance-options.ts';
import { useChartTheme } from './use-chart-theme.ts';
import { useUplot } from './use-uplot.ts';

/**
 * One metric over time: realized, estimated with its band, the validation baseline and the
 * concept-drift marks (uPlot). Rebuilt when the data or the theme change: a few hundred points.
 */
export function PerformanceChart({ chart, unit, height, onZoom }: { chart: PerformanceChartData; unit: string; height: number; onZoom?: (fromMs: number, toMs: number) => void }) {
  const theme = useChartTheme();
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  const zoom = onZoom !== undefined;
  const { plotRef, legendRef } = useUplot(
    (width, h, mountLegend) =>
      performanceOptions({ width, height: h, labels: chart.labels, marks: chart.marks, unit, theme, mountLegend, ...(zoom ? { onSelect: (from: number, to: number) => onZoomRef.current?.(from, to) } : {}) }),
    chart.data,
    [chart, unit, theme, zoom],
  );

  const empty = chart.realizedPoints === 0 && chart.estimatePoints === 0;
  return (
    <div
      className="ts-chart"
      style={{ height }}
      role="figure"
      aria-label={`${chart.labels[0].replace(/, realized$/, '')} over time: realized, estimated and validation baseline`}
      data-testid="performance-chart"
      data-realized={chart.realizedPoints}
      data-estimated={chart.estimatePoints}
      data-marks={chart.marks.length}
    >
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
      {empty && (
        <p className="chart-empty" data-testid="chart-empty">
          No labelled or scored predictions in this range
        </p>
      )}
    </div>
  );
}
