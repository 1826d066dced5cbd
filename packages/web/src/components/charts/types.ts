// The types pages and dashboards code against; index.tsx re-exports them.
import type { QueryAnswer, MetricQuery } from '../../api/query.ts';
import type { TimeRange } from '../../lib/time-range.ts';
import type { Point, Threshold } from '../../lib/chart-data.ts';

export type { Threshold, ThresholdColor } from '../../lib/chart-data.ts';

export type PanelKind = 'timeseries' | 'stat' | 'bar' | 'table' | 'heatmap';

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

export interface SparklineProps {
  points: Point[];
  height?: number;
  color?: string;
}

export interface PanelViewProps {
  panel: PanelSpec;
  range: TimeRange;
  /** Bumped by live mode to refetch. */
  refreshKey: number;
  onZoom?: (fromMs: number, toMs: number) => void;
}

/** What the stat, bar, table and heatmap renderers take: a prepared answer and how to show its values. */
export interface PanelRendererProps {
  answer: QueryAnswer;
  /** Overrides the answer's unit (a panel's `unit`). */
  unit?: string;
  thresholds?: Threshold[];
}
