import { Fragment, useMemo, useState } from 'react';
import type { QualityPipelineRun } from '../../api/quality.ts';
import { formatCompact, formatDuration } from '../../lib/format.ts';
import { checksSummary, checkTone, checkValue, runKey, runTone, sortChecks, sortRuns } from '../../lib/quality-view.ts';
import { When } from '../flow/RunTables.tsx';

/** Pipeline runs of the window with their checks: failed first, each run opening to its checks. */
export function PipelineChecks({ runs }: { runs: QualityPipelineRun[] }) {
  const sorted = useMemo(() => sortRuns(runs), [runs]);
  // the worst run starts open, so a failed check is on screen without a click
  const firstFailed = sorted[0] && sorted[0].failed_checks > 0 ? runKey(sorted[0]) : null;
  const [open, setOpen] = useState<Set<string>>(() => new Set(firstFailed ? [firstFailed] : []));
  const toggle = (k: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });
  return (
    <div className="table-wrap">
      <table className="data pipeline-checks" data-testid="pipeline-checks">
        <caption className="sr-only">Pipeline runs in the range and their data checks, failed first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Stage</th>
            <th scope="col">Status</th>
            <th scope="col">Checks</th>
            <th scope="col">Started</th>
            <th scope="col">Load time</th>
            <th scope="col" className="num">
              Rows in → out
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const k = runKey(r);
            const expanded = open.has(k);
            const tone = runTone(r);
            return (
              <Fragment key={k}>
                <tr data-testid={`check-run-${r.run_id}`} data-failed={r.failed_checks}>
                  <th scope="row">
                    <button type="button" className="link-button expander" aria-expanded={expanded} aria-controls={`checks-${k}`} onClick={() => toggle(k)} disabled={r.checks.length === 0}>
                      <span aria-hidden="true">{r.checks.length === 0 ? '·' : expanded ? '▾' : '▸'}</span> {r.pipeline} <code>{r.run_id}</code>
                    </button>
                  </th>
                  <td>{r.stage}</td>
                  <td>
                    <span className={`health ${r.status === 'failed' ? 'problem' : r.status === 'running' ? 'no_data' : 'healthy'}`}>{r.status}</span>
                  </td>
                  <td>
                    <span className={`health ${tone}`}>{checksSummary(r)}</span>
                  </td>
                  <td>
                    <When ms={r.started_at} />
                  </td>
                  <td>{r.ended_at === null ? '—' : formatDuration(r.ended_at - r.started_at)}</td>
                  <td className="num">
                    {r.rows_in === null ? '—' : formatCompact(r.rows_in)} → {r.rows_out === null ? '—' : formatCompact(r.rows_out)}
                  </td>
                </tr>
                {expanded && (
                  <tr id={`checks-${k}`} className="check-details">
                    <td colSpan={7}>
                      <ul className="checks">
                        {sortChecks(r.checks).map((c, i) => (
                          <li key={`${c.name}:${i}`} data-testid="pipeline-check" data-status={c.status}>
                            <span className={`health ${checkTone(c.status)}`}>{c.status}</span> <strong>{c.name}</strong>
                            <span className="muted">
                              {' '}
                              value {checkValue(c.value)}
                              {c.expected ? `, expected ${c.expected}` : ''}
                            </span>
                            {c.message && <span className="check-message"> — {c.message}</span>}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
