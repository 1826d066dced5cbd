import { useMemo } from 'react';
import { thresholdColor, THRESHOLD_VARS } from '../../lib/chart-data.ts';
import { barData } from '../../lib/panel-data.ts';
import { formatValue } from '../../lib/format.ts';
import type { PanelRendererProps } from './types.ts';

const pct = (f: number) => `${(f * 100).toFixed(3)}%`;

/**
 * One horizontal bar per series: its latest non-null value (see barData). Plain HTML bars, so
 * labels wrap and read naturally to screen readers, and colours are CSS variables (theme aware).
 */
export function BarPanel({ answer, unit = answer.unit, thresholds }: PanelRendererProps) {
  const bars = useMemo(() => barData(answer, 'last'), [answer]);
  return (
    <ul className="bar-panel" aria-label={`${answer.metric}, latest value per series`}>
      {bars.map((b, i) => {
        const tc = thresholdColor(b.value, thresholds);
        return (
          <li key={`${i}:${b.label}`} className="bar-row">
            <span className="bar-label" title={b.label}>
              {b.label}
            </span>
            <span className="bar-track" aria-hidden="true">
              {b.value !== null && <span className="bar" style={{ left: pct(b.start), width: pct(b.size), background: tc ? `var(${THRESHOLD_VARS[tc]})` : `var(--chart-${b.color + 1})` }} />}
            </span>
            <span className="bar-value">{b.value === null ? 'no data' : formatValue(b.value, unit)}</span>
          </li>
        );
      })}
    </ul>
  );
}
