import { useMemo } from 'react';
import type { FeatureQuality } from '../../api/quality.ts';
import { formatCompact } from '../../lib/format.ts';
import { featureRows, violationKinds, violationLabel } from '../../lib/quality-view.ts';
import { Sparkline } from '../charts/Sparkline.tsx';

/** Per feature: how often it has a value (and how that moved), and its schema violations by kind. */
export function FeatureQualityTable({ features }: { features: FeatureQuality[] }) {
  const rows = useMemo(() => featureRows(features), [features]);
  const kinds = useMemo(() => violationKinds(features), [features]);
  return (
    <div className="table-wrap">
      <table className="data quality-features" data-testid="quality-features">
        <caption className="sr-only">Completeness and schema violations per feature</caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Feature
            </th>
            <th scope="col" rowSpan={2}>
              Type
            </th>
            <th scope="col" rowSpan={2}>
              Completeness
            </th>
            <th scope="col" rowSpan={2}>
              Over time
            </th>
            <th scope="col" rowSpan={2} className="num">
              Nulls
            </th>
            <th scope="colgroup" colSpan={Math.max(1, kinds.length)} className="violations-head">
              Schema violations
            </th>
          </tr>
          <tr>
            {kinds.map((k) => (
              <th key={k} scope="col" className="num small" title={k}>
                {violationLabel(k)}
              </th>
            ))}
            {kinds.length === 0 && (
              <th scope="col" className="small">
                <span className="sr-only">kinds</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.feature} data-testid={`quality-row-${r.feature}`} data-violations={r.violationsTotal}>
              <th scope="row">{r.feature}</th>
              <td className="small">{r.type}</td>
              <td>
                <div className="share-cell" data-testid="completeness">
                  <span className="share-track" aria-hidden="true">
                    {r.completeness !== null && <span className="share-fill" style={{ width: `${(r.completeness * 100).toFixed(2)}%` }} />}
                  </span>
                  <span className="num">{r.completenessText}</span>
                </div>
              </td>
              <td className="spark-cell">
                <Sparkline points={r.spark} height={22} />
              </td>
              <td className="num">
                {formatCompact(r.nulls)} <span className="muted small">of {formatCompact(r.count)}</span>
              </td>
              {kinds.map((k) => {
                const n = r.violations[k] ?? 0;
                return (
                  <td key={k} className="num">
                    {n > 0 ? <span className="health problem">{formatCompact(n)}</span> : <span className="muted">0</span>}
                  </td>
                );
              })}
              {kinds.length === 0 && <td className="muted">none</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
