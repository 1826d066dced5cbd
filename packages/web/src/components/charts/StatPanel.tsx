import { useMemo } from 'react';
import { thresholdColor, THRESHOLD_VARS } from '../../lib/chart-data.ts';
import { statValues } from '../../lib/panel-data.ts';
import { formatParts, formatValue } from '../../lib/format.ts';
import { Sparkline } from './Sparkline.tsx';
import type { PanelRendererProps } from './types.ts';

const ARROW = { up: '▲', down: '▼', flat: '▶' } as const;

/** The latest value of each series, coloured by thresholds, with its change since the value before and a sparkline. */
export function StatPanel({ answer, unit = answer.unit, thresholds }: PanelRendererProps) {
  const stats = useMemo(() => statValues(answer), [answer]);
  return (
    <div className="stat-panel" role="list">
      {stats.map((s, i) => {
        const tc = thresholdColor(s.last, thresholds);
        const color = tc ? `var(${THRESHOLD_VARS[tc]})` : undefined;
        const value = formatValue(s.last, unit);
        const parts = formatParts(s.last, unit);
        const change = s.trend && s.delta !== null ? `${s.trend === 'flat' ? 'unchanged' : `${s.trend} ${formatValue(Math.abs(s.delta), unit)}`}` : null;
        return (
          <div role="listitem" className="stat" key={`${i}:${s.label}`} aria-label={`${s.label}: ${value}${change ? `, ${change} since the previous value` : ''}`} data-color={tc ?? undefined}>
            <div className="stat-label" title={s.label}>
              {s.label}
            </div>
            <div className="stat-value" style={{ color }}>
              {parts.value}
              {parts.unit && <span className="stat-unit">{parts.unit}</span>}
            </div>
            {change && (
              <div className={`stat-trend ${s.trend}`} aria-hidden="true">
                {ARROW[s.trend as keyof typeof ARROW]} {s.trend === 'flat' ? 'no change' : formatValue(Math.abs(s.delta as number), unit)}
              </div>
            )}
            <div className="stat-spark" aria-hidden="true">
              <Sparkline points={answer.series[i]?.points ?? []} height={24} color={color ?? `var(--chart-${s.color + 1})`} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
