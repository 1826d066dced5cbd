import { useId, useMemo, useRef, type ReactNode } from 'react';
import { ApiError } from '../../api/client.ts';
import { queryMetric, type QueryAnswer } from '../../api/query.ts';
import { countPoints } from '../../lib/chart-data.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { BarPanel } from './BarPanel.tsx';
import { HeatmapPanel } from './HeatmapPanel.tsx';
import { StatPanel } from './StatPanel.tsx';
import { TablePanel } from './TablePanel.tsx';
import { TimeSeriesChart } from './TimeSeriesChart.tsx';
import type { PanelSpec, PanelViewProps } from './types.ts';
import { useElementSize } from './use-element-size.ts';

type PanelState = 'loading' | 'refreshing' | 'ready' | 'empty' | 'error' | 'stale';

/**
 * Runs a panel's query over the range and renders it by kind, with loading / empty / error /
 * denied states. It fills its container (a grid cell): the panel is a flex column whose body is
 * measured, so charts get the height that is left under the title. While a refresh runs the
 * last answer stays on screen; a failed refresh keeps it and says so, except a 403, which means
 * the data is no longer the viewer's to see.
 */
export function PanelView({ panel, range, refreshKey, onZoom }: PanelViewProps) {
  const queryKey = JSON.stringify(panel.query);
  const result = useAsync((signal) => queryMetric(panel.query, range.from, range.to, signal), [queryKey, range.from, range.to], refreshKey);
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const titleId = useId();

  const raw = result.data;
  const answer = useMemo(() => (raw && panel.unit ? { ...raw, unit: panel.unit } : raw), [raw, panel.unit]);
  const points = useMemo(() => countPoints(answer), [answer]);
  const error = result.status === 'error' ? result.error : null;
  const denied = error instanceof ApiError && error.denied;

  let state: PanelState;
  let content: ReactNode;
  if (error !== null && (answer === null || denied)) {
    state = 'error';
    content = <ErrorState error={error} retry={result.reload} />;
  } else if (answer === null) {
    state = 'loading';
    content = <Loading />;
  } else {
    state = error !== null ? 'stale' : result.status === 'loading' ? 'refreshing' : points === 0 ? 'empty' : 'ready';
    content = points === 0 ? <Empty title={answer.note ? 'Nothing you may see here' : 'No data in this range'}>{answer.note && <p className="small">{answer.note}</p>}</Empty> : render(panel, answer, size.height, onZoom);
  }

  return (
    <section className="panel panel-view" data-testid={`panel-${panel.id}`} data-kind={panel.kind} data-state={state} data-points={points} aria-labelledby={titleId} aria-busy={state === 'loading' || state === 'refreshing'}>
      <header className="panel-head">
        <h3 className="panel-title" id={titleId} title={panel.title}>
          {panel.title}
        </h3>
        {state === 'refreshing' && <span className="spinner panel-refreshing" aria-hidden="true" />}
        {state === 'stale' && (
          <span className="panel-stale" role="status" title={error instanceof Error ? error.message : String(error)}>
            refresh failed
          </span>
        )}
      </header>
      <div className="panel-body" ref={bodyRef}>
        {content}
      </div>
    </section>
  );
}

function render(panel: PanelSpec, answer: QueryAnswer, height: number, onZoom: PanelViewProps['onZoom']): ReactNode {
  const thresholds = panel.thresholds;
  switch (panel.kind) {
    case 'timeseries':
      return height > 0 ? <TimeSeriesChart answer={answer} height={height} {...(onZoom ? { onZoom } : {})} /> : null;
    case 'stat':
      return <StatPanel answer={answer} {...(thresholds ? { thresholds } : {})} />;
    case 'bar':
      return <BarPanel answer={answer} {...(thresholds ? { thresholds } : {})} />;
    case 'table':
      return <TablePanel answer={answer} caption={panel.title} {...(thresholds ? { thresholds } : {})} />;
    case 'heatmap':
      return <HeatmapPanel answer={answer} />;
  }
}
