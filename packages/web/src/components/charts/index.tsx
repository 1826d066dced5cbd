// The chart and panel components every page uses. Data preparation lives in pure, tested
// functions (lib/chart-data.ts); these components only render.
export type { PanelKind, PanelSpec, PanelViewProps, PanelRendererProps, SparklineProps, Threshold, ThresholdColor, TimeSeriesChartProps } from './types.ts';
export { TimeSeriesChart } from './TimeSeriesChart.tsx';
export { Sparkline } from './Sparkline.tsx';
export { StatPanel } from './StatPanel.tsx';
export { BarPanel } from './BarPanel.tsx';
export { TablePanel } from './TablePanel.tsx';
export { HeatmapPanel } from './HeatmapPanel.tsx';
export { PanelView } from './PanelView.tsx';
