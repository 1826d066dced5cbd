import type { MetricRow } from '../../lib/performance-view.ts';
import { formatMetric, formatSigned } from '../../lib/performance-view.ts';

/** Per metric: the realized value, the version's validation value and the difference (with its test), and the label-free estimate with its band. */
export function MetricTable({ rows, baselineVersion, estimated }: { rows: MetricRow[]; baselineVersion: string | null; estimated: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data perf-metrics" data-testid="perf-metrics">
        <caption className="sr-only">Realized performance, the validation baseline and the estimate, per metric</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Realized
            </th>
            <th scope="col" className="num">
              Validation{baselineVersion ? ` (${baselineVersion})` : ''}
            </th>
            <th scope="col" className="num">
              Difference
            </th>
            {estimated && (
              <th scope="col" className="num">
                Estimated (band)
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid={`perf-row-${r.key}`} data-direction={r.direction ?? 'none'}>
              <th scope="row">{r.label}</th>
              <td className="num">
                {r.realized !== null ? formatMetric(r.realized) : <span className="muted small">{r.note}</span>}
                {r.bounds && <span className="muted small" title="the streaming ROC AUC lies within these proven bounds"> [{formatMetric(r.bounds[0])}, {formatMetric(r.bounds[1])}]</span>}
              </td>
              <td className="num">{r.baseline !== null ? formatMetric(r.baseline) : <span className="muted">—</span>}</td>
              <td className="num" title={r.test ?? undefined}>
                {r.difference === null ? (
                  <span className="muted">—</span>
                ) : (
                  <>
                    <span className={r.direction === 'worse' ? 'health problem' : r.direction === 'better' ? 'health healthy' : ''}>{formatSigned(r.difference)}</span>{' '}
                    <span className="muted small">{r.significant === null ? 'no test' : r.significant ? 'significant' : 'not significant'}</span>
                  </>
                )}
              </td>
              {estimated && (
                <td className="num">
                  {r.estimate !== null ? (
                    <>
                      <span className={r.alert ? 'health problem' : ''}>{formatMetric(r.estimate)}</span>
                      {r.band && <span className="muted small"> [{formatMetric(r.band[0])}, {formatMetric(r.band[1])}]</span>}
                      {r.alert && <span className="small tone-problem"> outside its expected range</span>}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
