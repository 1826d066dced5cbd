// The dashboard's grid: react-grid-layout drawing panels where their layouts say. The maths
// (conversion, change detection) is in lib/grid.ts; this only wires it to the component.
import { useCallback, useMemo, type RefObject } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import { GRID_COLS, layoutChanged, toGridItems, type GridItem } from '../../lib/grid.ts';
import type { TimeRange } from '../../lib/time-range.ts';
import { PanelView, type PanelSpec } from '../charts/index.tsx';

export const ROW_HEIGHT = 30;
const GRID_CONFIG = { cols: GRID_COLS, rowHeight: ROW_HEIGHT, margin: [12, 12] as [number, number], containerPadding: [0, 0] as [number, number] };
// panels move by their header (or the grip in edit mode); controls inside never start a drag
const DRAG_ON = { enabled: true, handle: '.panel-head, .panel-grip', cancel: 'button, a, input, select, textarea, label' };
const DRAG_OFF = { enabled: false };
const RESIZE_ON = { enabled: true, handles: ['se' as const] };
const RESIZE_OFF = { enabled: false };

export interface DashboardGridProps {
  panels: readonly PanelSpec[];
  editing: boolean;
  range: TimeRange;
  refreshKey: number;
  onZoom: (fromMs: number, toMs: number) => void;
  /** A drag or resize finished with the grid changed. */
  onLayout: (items: GridItem[]) => void;
  onEditPanel: (id: string) => void;
  onRemovePanel: (id: string) => void;
}

export function DashboardGrid({ panels, editing, range, refreshKey, onZoom, onLayout, onEditPanel, onRemovePanel }: DashboardGridProps) {
  const { width, containerRef, mounted } = useContainerWidth();
  const layout = useMemo(() => toGridItems(panels), [panels]);
  const commit = useCallback(
    (next: Layout) => {
      const items = next.map(({ i, x, y, w, h }) => ({ i, x, y, w, h }));
      if (layoutChanged(layout, items)) onLayout(items);
    },
    [layout, onLayout],
  );
  return (
    <div ref={containerRef as RefObject<HTMLDivElement>} className={`dashboard-grid${editing ? ' editing' : ''}`} data-testid="dashboard-grid">
      {mounted && (
        <ReactGridLayout width={width} layout={layout} gridConfig={GRID_CONFIG} dragConfig={editing ? DRAG_ON : DRAG_OFF} resizeConfig={editing ? RESIZE_ON : RESIZE_OFF} onDragStop={commit} onResizeStop={commit}>
          {panels.map((p) => (
            <div key={p.id} className="grid-item" data-testid={`grid-item-${p.id}`}>
              {editing && (
                <div className="panel-tools">
                  <span className="panel-grip" aria-hidden="true">
                    ⠿ drag to move
                  </span>
                  <button type="button" className="icon" onClick={() => onEditPanel(p.id)} aria-label={`Edit panel ${p.title}`} data-testid={`edit-panel-${p.id}`}>
                    Edit
                  </button>
                  <button type="button" className="icon danger" onClick={() => onRemovePanel(p.id)} aria-label={`Remove panel ${p.title}`} data-testid={`remove-panel-${p.id}`}>
                    Remove
                  </button>
                </div>
              )}
              <div className="panel-slot">
                <PanelView panel={p} range={range} refreshKey={refreshKey} onZoom={onZoom} />
              </div>
            </div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}
