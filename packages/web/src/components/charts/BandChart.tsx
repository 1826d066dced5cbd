import { useRef } from 'react';
import type { AlignedData } from '../../lib/chart-data.ts';
import { bandOptions } from './band-options.ts';
import { useChartTheme } from './use-chart-theme.ts';
import { useUplot } from './use-uplot.ts';

/**
 * A line inside a shaded band (uPlot): `data` is [seconds, line, lower, upper]. Rebuilt when the
 * data or the theme change: it holds a few hundred points at most.
 */
export function BandChart({ data, label, height, onZoom }: { data: AlignedData; label: string; height: number; onZoom?: (fromMs: number, toMs: number) => void }) {
  const theme = useChartTheme();
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  const zoom = onZoom !== undefined;
  const { plotRef, legendRef } = useUplot(
    (width, h, mountLegend) =>
      bandOptions({ width, height: h, label, unit: '', theme, mountLegend, ...(zoom ? { onSelect: (from: number, to: number) => onZoomRef.current?.(from, to) } : {}) }),
    data,
    [data, label, theme, zoom],
  );

  return (
    <div className="ts-chart" style={{ height }} role="figure" aria-label={`${label} over time, with the range it is expected to stay in`} data-testid="band-chart">
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
    </div>
  );
}
