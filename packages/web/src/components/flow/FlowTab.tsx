import { listDeployments, listPipelineRuns, listRetrainingTriggers, listTrainingRuns, listVersions } from '../../api/models.ts';
import { queryMetric } from '../../api/query.ts';
import { buildFlow, errorCount, type DeploymentRecord } from '../../lib/flow.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorState, Loading } from '../States.tsx';
import { FlowGraph } from './FlowGraph.tsx';
import type { TabProps } from './types.ts';

/** The flow graph from the model's runs, versions, deployments and live traffic. */
export function FlowTab({ model, row, range, refreshKey, search }: TabProps) {
  const id = model.id;
  const state = useAsync(
    (signal) =>
      Promise.all([
        // the latest runs as of the range's end, whenever they started
        listPipelineRuns({ model: id, to: range.to, limit: 300 }),
        listTrainingRuns({ model: id, to: range.to, limit: 100 }),
        listVersions(id),
        listDeployments(id),
        queryMetric({ metric: 'logs.count', model: id, group_by: ['level'] }, range.from, range.to, signal).catch(() => null),
        listRetrainingTriggers(id, signal).catch(() => []),
      ]),
    [id, range.from, range.to],
    refreshKey,
  );
  if (!state.data && state.status === 'error') return <ErrorState error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="Loading the flow" />;
  const [pipelineRuns, trainingRuns, versions, deployments, logs, triggers] = state.data;
  const stages = buildFlow({ pipelineRuns, trainingRuns, versions, deployments: deployments as DeploymentRecord[], overview: row, errors: errorCount(logs), triggers }, Date.now());
  const reasons = row?.health?.reasons ?? [];
  return (
    <section aria-label="Flow">
      <FlowGraph stages={stages} hrefFor={(s) => `/models/${encodeURIComponent(id)}/${s.tab}${search}`} />
      {state.status === 'error' && (
        <p className="stale-note" role="status">
          refresh failed, showing the last answer
        </p>
      )}
      <div className="flow-notes">
        <h2>Why this health</h2>
        {row?.health ? (
          reasons.length > 0 ? (
            <ul data-testid="health-reasons">
              {reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">Every signal is within its thresholds over the range.</p>
          )
        ) : (
          <p className="muted">The server does not report health for this model yet.</p>
        )}
        <p className="muted small">Each box opens its details. Pipelines and training show the newest runs up to the end of the time range; live traffic covers the range.</p>
      </div>
    </section>
  );
}
