import { useMemo, useState } from 'react';
import { thresholdColor, THRESHOLD_VARS } from '../../lib/chart-data.ts';
import { sortRows, tableData, type TableRow, type TableSortKey } from '../../lib/panel-data.ts';
import { formatValue } from '../../lib/format.ts';
import type { PanelRendererProps } from './types.ts';

type Sort = { key: TableSortKey; dir: 'asc' | 'desc' };
const STATS: [TableSortKey & keyof TableRow, string][] = [
  ['last', 'Last'],
  ['min', 'Min'],
  ['max', 'Max'],
  ['mean', 'Mean'],
];

/** One row per series: its labels, then last / min / max / mean over the range; columns sort on click. */
export function TablePanel({ answer, unit = answer.unit, thresholds, caption }: PanelRendererProps & { caption?: string }) {
  const data = useMemo(() => tableData(answer), [answer]);
  const [sort, setSort] = useState<Sort | null>(null);
  const rows = useMemo(() => (sort ? sortRows(data.rows, sort.key, sort.dir) : data.rows), [data, sort]);
  const labelCols: [TableSortKey, string][] = data.labelKeys.length ? data.labelKeys.map((k) => [`label:${k}`, k]) : [['label', 'Series']];

  const header = (key: TableSortKey, text: string, numeric: boolean) => {
    const active = sort?.key === key;
    const next: Sort = { key, dir: active && sort.dir === (numeric ? 'desc' : 'asc') ? (numeric ? 'asc' : 'desc') : numeric ? 'desc' : 'asc' };
    return (
      <th key={key} scope="col" className={numeric ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
        <button type="button" className="th-sort" onClick={() => setSort(next)}>
          {text}
          <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-panel">
      <table className="data">
        <caption className="sr-only">{caption ?? `${answer.metric} by series`}</caption>
        <thead>
          <tr>
            {labelCols.map(([key, text]) => header(key, text, false))}
            {STATS.map(([key, text]) => header(key, text, true))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const tc = thresholdColor(r.last, thresholds);
            return (
              <tr key={r.key}>
                {data.labelKeys.length ? data.labelKeys.map((k) => <td key={k}>{r.labels[k] ?? '—'}</td>) : <td>{r.label}</td>}
                {STATS.map(([key]) => (
                  <td key={key} className="num">
                    {key === 'last' && tc && <span className="threshold-dot" style={{ background: `var(${THRESHOLD_VARS[tc]})` }} aria-hidden="true" />}
                    {formatValue(r[key] as number | null, unit)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
