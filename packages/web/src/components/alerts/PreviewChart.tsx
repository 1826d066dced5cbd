import { useMemo } from 'react';
import type { PreviewSeries } from '../../api/alerts.ts';
import { previewData, previewSpans } from '../../lib/alerts-view.ts';
import type { PreviewLevel } from '../../lib/rule-conditions.ts';
import { previewOptions } from '../charts/preview-options.ts';
import { useChartTheme } from '../charts/use-chart-theme.ts';
import { useUplot } from '../charts/use-uplot.ts';

/** One previewed series: the value the rule compared, its levels dashed, firing and pending shaded. */
export function PreviewChart({ series, end, label, unit, levels, height = 220 }: { series: PreviewSeries; end: number; label: string; unit: string; levels: readonly PreviewLevel[]; height?: number }) {
  const theme = useChartTheme();
  const data = useMemo(() => previewData(series, levels.map((l) => l.value)), [series, levels]);
  const spans = useMemo(() => previewSpans(series, end), [series, end]);
  const { plotRef, legendRef } = useUplot(
    (width, h, mountLegend) => previewOptions({ width, height: h, label, unit, theme, levels, spans, mountLegend }),
    data,
    [data, spans, label, unit, theme, levels],
  );
  return (
    <div className="ts-chart" style={{ height }} role="figure" aria-label={`${label} over the last 7 days with the rule's levels; shaded where the rule would have fired`} data-testid="preview-chart">
      <div className="ts-plot" ref={plotRef} />
      <div className="ts-legend" ref={legendRef} />
    </div>
  );
}
