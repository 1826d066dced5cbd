import type { PerformanceSegmentsReport } from '../../api/performance.ts';
import { formatMetric, formatSigned, worstSegmentRows } from '../../lib/performance-view.ts';

/** Per segment key: the values that moved the metric most, with how much of the change each explains. */
export function WorstSegments({ report }: { report: PerformanceSegmentsReport }) {
  if (report.status === 'no_data' || report.change === null) return <p className="muted">{report.reason ?? 'No labelled predictions in one of the two periods.'}</p>;
  const groups = worstSegmentRows(report, 5);
  return (
    <div className="worst-segments" data-testid="worst-segments">
      <p className="small">
        {report.metric} went from <strong>{formatMetric(report.baseline.value)}</strong> in the period before to <strong>{formatMetric(report.current.value)}</strong> ({formatSigned(report.change)}).
      </p>
      {groups.map((g) => (
        <div className="table-wrap" key={g.segment}>
          <table className="data" data-testid={`worst-${g.segment}`}>
            <caption className="small muted">by {g.segment}: within = the segment itself got better or worse; mix = traffic moved towards or away from it</caption>
            <thead>
              <tr>
                <th scope="col">{g.segment}</th>
                <th scope="col" className="num">
                  Before
                </th>
                <th scope="col" className="num">
                  Now
                </th>
                <th scope="col" className="num">
                  Within
                </th>
                <th scope="col" className="num">
                  Mix
                </th>
                <th scope="col" className="num">
                  Share of the change
                </th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((r) => (
                <tr key={r.value} data-testid={`worst-row-${g.segment}-${r.value}`}>
                  <th scope="row">{r.value}</th>
                  <td className="num">{r.before}</td>
                  <td className="num">{r.now}</td>
                  <td className="num">{formatSigned(r.within)}</td>
                  <td className="num">{formatSigned(r.mix)}</td>
                  <td className="num">{r.share}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
