import { useMemo } from 'react';
import { lastTwo, sparklinePath } from '../../lib/panel-data.ts';
import { formatValue } from '../../lib/format.ts';
import type { SparklineProps } from './types.ts';

const WIDTH = 100;

/**
 * A tiny line without axes for cards: one SVG path (no canvas, no chart instance), so fifty cards
 * cost fifty short strings. It stretches to its container's width; gaps stay gaps. `color` is
 * any CSS colour, `var(--ok)` included, so it follows the theme with no JavaScript.
 */
export function Sparkline({ points, height = 28, color = 'var(--chart-1)' }: SparklineProps) {
  const d = useMemo(() => sparklinePath(points, WIDTH, height), [points, height]);
  const last = useMemo(() => lastTwo(points).last, [points]);
  return (
    <svg className="sparkline" width="100%" height={height} viewBox={`0 0 ${WIDTH} ${height}`} preserveAspectRatio="none" role="img" aria-label={d ? `Trend, latest ${formatValue(last)}` : 'No data'}>
      {d && <path d={d} style={{ stroke: color }} fill="none" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}
