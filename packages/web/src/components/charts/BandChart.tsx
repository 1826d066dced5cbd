import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { AlignedData } from '../../lib/chart-data.ts';
import { bandOptions } from './band-options.ts';
import { useChartTheme } from './use-chart-theme.ts';

/**
 * A line inside a shaded band (uPlot): `data` is [seconds, line, lower, upper]. Rebuilt when the
 * data or the theme change: it holds a few hundred points at most.
 */
export function BandChart({ data, label, height, onZoom }: { data: AlignedData; label: string; height: number; onZoom?: (fromMs: number, toMs: number) => void }) {
  const theme = useChartTheme();
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  const zoom = onZoom !== undefined;

  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const opts = bandOptions({
      width: el.clientWidth,
      height: el.clientHeight,
      label,
      unit: '',
      theme,
      ...(zoom ? { onSelect: (from: number, to: number) => onZoomRef.current?.(from, to) } : {}),
      mountLegend: (_u, legend) => legendRef.current?.appendChild(legend),
    });
    const u = new uPlot(opts, data, el);
    if (el.clientHeight !== u.height || el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0 && (el.clientWidth !== u.width || el.clientHeight !== u.height)) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [data, label, theme, zoom]);

  return (
    <div className="ts-chart" style={{ height }} role="figure" aria-label={`${label} over time, with the range it is expected to stay in`} data-testid="band-chart">
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
    </div>
  );
}
