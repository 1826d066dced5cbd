import { useMemo, useState } from 'react';
import { getDriftSegments, type DriftQuery } from '../../api/drift.ts';
import { formatContribution, formatShare, formatScore, methodLabel, segmentDriftText, sortSegments, type SegmentSort } from '../../lib/drift-view.ts';
import { formatCompact } from '../../lib/format.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { Verdict } from './InfoTip.tsx';

export interface SegmentDrilldownProps {
  model: string;
  /** The model's schema segments. */
  segments: string[];
  /** The segment being drilled into (from the URL); the first one when absent. */
  by: string | null;
  onBy: (segment: string) => void;
  feature: string | null;
  /** The selected feature's method, to name its statistic. */
  method: string | null;
  query: DriftQuery;
  refreshKey: number;
  /** Narrows the whole tab to one value of the segment. */
  onFocus: (segment: string, value: string) => void;
}

/** Which values of a segment drift, how much traffic they carry, and how much each contributes. */
export function SegmentDrilldown({ model, segments, by, onBy, feature, method, query, refreshKey, onFocus }: SegmentDrilldownProps) {
  const segment = by && segments.includes(by) ? by : (segments[0] ?? null);
  const [sort, setSort] = useState<SegmentSort>('contribution');
  const key = JSON.stringify(query);
  const answer = useAsync(
    (signal) => (segment ? getDriftSegments(model, { ...query, segment, feature }, signal) : Promise.resolve(null)),
    [model, segment, feature, key],
    refreshKey,
  );
  const rows = useMemo(() => (answer.data ? sortSegments(answer.data.values, sort) : []), [answer.data, sort]);

  if (segments.length === 0)
    return (
      <Empty title="No segments to drill into">
        <p>
          Declare the columns to slice by as <code>segments</code> in the model&apos;s schema, and send their values with each prediction (<code>segment</code>).
        </p>
      </Empty>
    );

  return (
    <div className="segment-drill" data-testid="segment-drilldown">
      <div className="filters">
        <label className="field inline small">
          <span>Segment</span>
          <select value={segment ?? ''} onChange={(e) => onBy(e.target.value)} data-testid="segment-select">
            {segments.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="field inline small">
          <span>Sort by</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as SegmentSort)}>
            <option value="contribution">contribution to drift</option>
            <option value="drift">share of drifted features</option>
            <option value="traffic">traffic</option>
          </select>
        </label>
        {answer.status === 'loading' && answer.data && <span className="spinner" aria-label="refreshing" />}
      </div>
      {!answer.data && answer.status === 'error' ? (
        <ErrorState error={answer.error} retry={answer.reload} />
      ) : !answer.data ? (
        <Loading what="Loading the segments" />
      ) : rows.length === 0 ? (
        <p className="muted">No traffic carries a value of {segment} in this window.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="segment-values">
            <caption className="sr-only">Drift by value of {segment}</caption>
            <thead>
              <tr>
                <th scope="col">{segment}</th>
                <th scope="col">Traffic</th>
                <th scope="col" className="num">
                  Drifted features
                </th>
                <th scope="col" title="The test statistic of the feature's method in this slice (for the tests, the statistic rather than the p-value)">
                  {feature ? `${feature}: ${methodLabel(method)} statistic` : 'Feature statistic'}
                </th>
                <th scope="col" className="num" title="How much the feature's statistic over the whole range drops when this value's traffic is left out">
                  Contribution
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <tr key={v.value} data-testid={`segment-value-${v.value}`}>
                  <th scope="row">{v.value}</th>
                  <td>
                    <div className="share-cell">
                      <span className="share-track" aria-hidden="true">
                        <span className="share-fill" style={{ width: `${Math.min(100, v.traffic_share * 100).toFixed(2)}%` }} />
                      </span>
                      <span className="num">
                        {formatShare(v.traffic_share)} <span className="muted small">({formatCompact(v.count)})</span>
                      </span>
                    </div>
                  </td>
                  <td className="num">{segmentDriftText(v)}</td>
                  <td>
                    {feature && v.statistic !== null ? (
                      <span className="segment-stat">
                        <span className="num">{formatScore(v.statistic)}</span>
                        {v.drifted !== null && <Verdict tone={v.drifted ? 'problem' : 'healthy'} text={v.drifted ? 'drifted' : 'no drift'} />}
                        {v.drifted === null && <Verdict tone="warning" text="uncertain" />}
                      </span>
                    ) : (
                      <span className="muted">{feature ? 'no data' : 'pick a feature'}</span>
                    )}
                  </td>
                  <td className="num">{formatContribution(v.contribution)}</td>
                  <td>
                    <button type="button" className="small" onClick={() => segment && onFocus(segment, v.value)} aria-label={`Show drift of ${segment} = ${v.value} only`}>
                      Focus
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
