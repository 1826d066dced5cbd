import { useLayoutEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { alignSeries } from '../../lib/chart-data.ts';
import { timeSeriesOptions } from './timeseries-options.ts';
import type { TimeSeriesChartProps } from './types.ts';
import { useChartTheme } from './use-chart-theme.ts';

/**
 * uPlot line chart; nulls are gaps. `height` is the whole chart's (plot and legend). The plot is
 * created once per set of series, unit and theme, and new data goes in with `setData`, so live
 * refreshes and large answers do not rebuild it; it follows its container's width.
 */
export function TimeSeriesChart({ answer, height, onZoom }: TimeSeriesChartProps) {
  const prepared = useMemo(() => alignSeries(answer), [answer]);
  const theme = useChartTheme();
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const held = useRef<unknown>(null);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;

  const zoomOut = onZoom !== undefined;
  const empty = prepared.points === 0;
  const shape = `${prepared.labels.join('\u0001')}\u0002${prepared.colors.join(',')}`;
  const unit = answer.unit;

  // (Re)create only when what the options depend on changes.
  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el || empty) return;
    const opts = timeSeriesOptions({
      width: el.clientWidth,
      height: el.clientHeight,
      labels: prepared.labels,
      colors: prepared.colors,
      unit,
      theme,
      ...(zoomOut ? { onSelect: (from: number, to: number) => onZoomRef.current?.(from, to) } : {}),
      mountLegend: (_u, legend) => legendRef.current?.appendChild(legend),
    });
    const u = new uPlot(opts, prepared.data, el);
    held.current = prepared.data;
    plot.current = u;
    // The legend now takes its room; uPlot draws in a microtask, so this resize costs no extra draw.
    if (el.clientHeight !== u.height || el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      const h = el.clientHeight;
      if (w > 0 && h > 0 && (w !== u.width || h !== u.height)) u.setSize({ width: w, height: h });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
      held.current = null;
    };
    // prepared.data is read at creation only; later data goes through setData below
  }, [shape, unit, theme, zoomOut, empty]);

  useLayoutEffect(() => {
    const u = plot.current;
    if (u && held.current !== prepared.data) {
      held.current = prepared.data;
      u.setData(prepared.data);
    }
  }, [prepared]);

  const label = `${answer.metric} over time, ${prepared.labels.length} series`;
  return (
    <div className="ts-chart" data-testid="chart" data-points={prepared.points} style={{ height }} role="figure" aria-label={label}>
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
      {empty && (
        <p className="chart-empty" data-testid="chart-empty">
          {answer.series.length === 0 ? 'No series to show' : 'No data in this range'}
        </p>
      )}
    </div>
  );
}
