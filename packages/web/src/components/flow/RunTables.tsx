// Tables of runs: the pipeline runs of the data-quality tab, and the training tab.
import { listPipelineRuns, listTrainingRuns } from '../../api/models.ts';
import { finalMetrics, formatParams, runStatus, summarizePipelineRuns, summarizeTrainingRuns } from '../../lib/flow.ts';
import { formatCompact, formatDuration, formatValue } from '../../lib/format.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import type { TabProps } from './types.ts';

export function When({ ms }: { ms: number }) {
  const d = new Date(ms);
  return <time dateTime={d.toISOString()}>{d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}</time>;
}

export function StatusText({ status, text }: { status: string; text: string }) {
  return <span className={`health ${status}`}>{text.replace(/_/g, ' ')}</span>;
}

/** The newest pipeline runs up to the end of the range, whenever they started, one row per run. */
export function PipelineRunsSection({ model, range, refreshKey }: Pick<TabProps, 'model' | 'range' | 'refreshKey'>) {
  const runs = useAsync(() => listPipelineRuns({ model: model.id, to: range.to, limit: 1000 }).then(summarizePipelineRuns), [model.id, range.to], refreshKey);
  return (
    <>
      <h2 className="section-title">Pipeline runs</h2>
      <p className="muted small tab-intro">The newest runs up to the end of the time range; a run is failed when one of its stages failed.</p>
      {!runs.data && runs.status === 'error' ? (
        <ErrorState error={runs.error} retry={runs.reload} />
      ) : !runs.data ? (
        <Loading what="Loading pipeline runs" />
      ) : runs.data.length === 0 ? (
        <Empty title="No pipeline run reported">
          <p>Data pipelines report their runs to <code>POST /api/v1/pipeline-runs</code> with this model&apos;s id.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="pipeline-runs">
            <thead>
              <tr>
                <th scope="col">Pipeline</th>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Load time</th>
                <th scope="col">Rows</th>
                <th scope="col">Stages</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.slice(0, 50).map((r) => (
                <tr key={`${r.pipeline}/${r.run_id}`}>
                  <td>{r.pipeline}</td>
                  <td>
                    <code>{r.run_id}</code>
                  </td>
                  <td>
                    <StatusText status={runStatus(r.status)} text={r.status} />
                  </td>
                  <td>
                    <When ms={r.started_at} />
                  </td>
                  <td>{r.ended_at === null ? '—' : formatDuration(r.ended_at - r.started_at)}</td>
                  <td>{r.rows === null ? '—' : formatCompact(r.rows)}</td>
                  <td className="small">
                    {r.stages.map((s) => (
                      <span key={s.stage} className={`stage-chip ${runStatus(s.status)}`}>
                        {s.stage} {s.status}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function TrainingTab({ model, range, refreshKey }: TabProps) {
  const runs = useAsync(() => listTrainingRuns({ model: model.id, to: range.to, limit: 500 }).then(summarizeTrainingRuns), [model.id, range.to], refreshKey);
  if (!runs.data && runs.status === 'error') return <ErrorState error={runs.error} retry={runs.reload} />;
  if (!runs.data) return <Loading what="Loading training runs" />;
  if (runs.data.length === 0)
    return (
      <Empty title="No training run reported">
        <p>Training jobs report their runs, parameters and metric curves to <code>POST /api/v1/training-runs</code> with this model&apos;s id.</p>
      </Empty>
    );
  return (
    <section aria-label="Training runs">
      <p className="muted small tab-intro">The newest runs up to the end of the time range, with their parameters and the last value of each metric curve.</p>
      <div className="table-wrap">
        <table className="data" data-testid="training-runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Version</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Parameters</th>
              <th scope="col">Final metrics</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.slice(0, 100).map((r) => (
              <tr key={r.run_id}>
                <td>
                  <code>{r.run_id}</code>
                </td>
                <td>
                  <StatusText status={runStatus(r.status)} text={r.status} />
                </td>
                <td>{r.version ?? <span className="muted">—</span>}</td>
                <td>
                  <When ms={r.started_at} />
                </td>
                <td>{r.ended_at === null ? '—' : formatDuration(r.ended_at - r.started_at)}</td>
                <td className="small">
                  {formatParams(r.params).map((p) => (
                    <code key={p} className="kv">
                      {p}
                    </code>
                  ))}
                </td>
                <td className="small">
                  {Object.entries(finalMetrics(r.metrics)).map(([k, v]) => (
                    <span key={k} className="kv">
                      {k} <strong>{formatValue(v)}</strong>
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
