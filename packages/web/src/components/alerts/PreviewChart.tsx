import { useMemo } from 'react';
import type { PreviewSeries } from '../../api/alerts.ts';
import { previewData, previewSpans } from '../../lib/alerts-view.ts';
import { previewOptions } from '../charts/preview-options.ts';
import { useChartTheme } from '../charts/use-chart-theme.ts';
import { useUplot } from '../charts/use-uplot.ts';

/** One previewed series: its value, the threshold and recovery lines, firing and pending shaded. */
export function PreviewChart({ series, end, label, unit, threshold, recovery, height = 220 }: { series: PreviewSeries; end: number; label: string; unit: string; threshold: number | null; recovery: number | null; height?: number }) {
  const theme = useChartTheme();
  const data = useMemo(() => previewData(series, threshold, recovery), [series, threshold, recovery]);
  const spans = useMemo(() => previewSpans(series, end), [series, end]);
  const { plotRef, legendRef } = useUplot(
    (width, h, mountLegend) => previewOptions({ width, height: h, label, unit, theme, hasThreshold: threshold !== null, hasRecovery: recovery !== null, spans, mountLegend }),
    data,
    [data, spans, label, unit, theme, threshold, recovery],
  );
  return (
    <div className="ts-chart" style={{ height }} role="figure" aria-label={`${label} over the last 7 days with the threshold; shaded where the rule would have fired`} data-testid="preview-chart">
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
    </div>
  );
}
