import { useMemo } from 'react';
import type { DriftSeriesPoint } from '../../api/drift.ts';
import { driftSparkline } from '../../lib/drift-chart.ts';

const W = 96;
const H = 26;

/**
 * A feature's drift score over the window: the line, its threshold dashed, and a ring on each step
 * whose verdict was drift (a shape as well as a colour). Up is more drift for every method.
 */
export function DriftSparkline({ series, method, threshold }: { series: DriftSeriesPoint[]; method: string | null; threshold: number | null }) {
  const s = useMemo(() => driftSparkline(series, method, threshold, W, H), [series, method, threshold]);
  // one step is no trend: the score beside it already says it all
  const trend = s.steps >= 2;
  const label = !trend ? 'No trend: fewer than two steps with a score' : `Drift score over ${s.steps} steps, ${s.driftedSteps} drifted`;
  return (
    <svg className="drift-spark" width={W} height={H} viewBox={`-3 -3 ${W + 6} ${H + 6}`} role="img" aria-label={label}>
      {trend && s.thresholdY !== null && <line className="drift-spark-threshold" x1={0} x2={W} y1={s.thresholdY} y2={s.thresholdY} />}
      {trend && <path className="drift-spark-line" d={s.path} />}
      {trend && s.drifted.map((p) => (
        <circle key={`${p.x}:${p.y}`} className="drift-spark-dot" cx={p.x} cy={p.y} r={2.4} />
      ))}
    </svg>
  );
}
