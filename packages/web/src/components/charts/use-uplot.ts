import { useLayoutEffect, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import type { AlignedData } from '../../lib/chart-data.ts';

/**
 * A uPlot chart in `plotRef`, its legend in `legendRef`, built by `options(width, height)` and
 * rebuilt when `deps` change (for charts of a few hundred points, rebuilding is cheaper than
 * tracking what changed); it follows its container's size.
 */
export function useUplot(options: (width: number, height: number, mountLegend: (u: uPlot, legend: HTMLElement) => void) => uPlot.Options, data: AlignedData, deps: unknown[]): { plotRef: RefObject<HTMLDivElement>; legendRef: RefObject<HTMLDivElement> } {
  const plotRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const u = new uPlot(options(el.clientWidth, el.clientHeight, (_u, legend) => legendRef.current?.appendChild(legend)), data, el);
    // the legend now takes its room
    if (el.clientHeight !== u.height || el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0 && (el.clientWidth !== u.width || el.clientHeight !== u.height)) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
    // `options` and `data` are read when `deps` change: callers list what they depend on
  }, deps);
  return { plotRef, legendRef };
}
