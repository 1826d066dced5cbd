import { PanelView, type PanelSpec } from '../charts/index.tsx';
import type { TabProps } from './types.ts';

/** Panels two to a row, each running its own query over the page's range. */
export function PanelGrid({ panels, range, refreshKey, onZoom }: { panels: PanelSpec[] } & Pick<TabProps, 'range' | 'refreshKey' | 'onZoom'>) {
  return (
    <div className="panel-grid">
      {panels.map((p) => (
        <div className="panel-cell" key={p.id}>
          <PanelView panel={p} range={range} refreshKey={refreshKey} onZoom={onZoom} />
        </div>
      ))}
    </div>
  );
}
