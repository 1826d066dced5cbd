import { listDeployments, listRetrainingTriggers, listVersions, type ModelVersion, type RetrainingTrigger } from '../../api/models.ts';
import { deploymentEnd, deploymentsByEnvironment, outcomeLabel, outcomeStatus, currentOf, servingEnvironments, toMs, type DeploymentRecord } from '../../lib/flow.ts';
import { formatDuration, formatValue } from '../../lib/format.ts';
import { lifecycleEvents } from '../../lib/lifecycle.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { LifecycleTimeline } from './LifecycleTimeline.tsx';
import { StatusText, When } from './RunTables.tsx';
import type { TabProps } from './types.ts';

type VersionRecord = ModelVersion & { source?: string | null };

/** One timeline of versions, deployments and retraining triggers; then versions with their validation metrics, and each environment's deployment history. */
export function LifecycleTab({ model, refreshKey }: TabProps) {
  const state = useAsync(
    // triggers are an extra: a failure to read them leaves the rest of the tab
    (signal) => Promise.all([listVersions(model.id), listDeployments(model.id), listRetrainingTriggers(model.id, signal).catch(() => null)]),
    [model.id],
    refreshKey,
  );
  if (!state.data && state.status === 'error') return <ErrorState error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="Loading versions and deployments" />;
  const [versions, deploymentsRaw, triggers] = state.data as [VersionRecord[], DeploymentRecord[], RetrainingTrigger[] | null];
  const deployments = deploymentsRaw;
  const events = lifecycleEvents(versions, deployments, triggers ?? []);
  const serving = servingEnvironments(deployments);
  const now = Date.now();
  return (
    <section aria-label="Lifecycle">
      <LifecycleTimeline events={events} triggersFailed={triggers === null} />
      <h2 className="section-title">Versions</h2>
      {versions.length === 0 ? (
        <Empty title="No version registered">
          <p>
            Register one with <code>POST /api/v1/models/{model.id}/versions</code>, with its validation metrics.
          </p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Serving</th>
                <th scope="col">Created</th>
                <th scope="col">Validation metrics</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    <strong>{v.version}</strong>
                  </td>
                  <td>{(serving.get(v.version) ?? []).join(', ') || <span className="muted">—</span>}</td>
                  <td>
                    <When ms={toMs(v.created_at) ?? 0} />
                  </td>
                  <td className="small">
                    {Object.entries(v.validation_metrics).map(([k, val]) => (
                      <span key={k} className="kv">
                        {k} <strong>{formatValue(val)}</strong>
                      </span>
                    ))}
                  </td>
                  <td className="small">{v.source ? <code>{v.source}</code> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 className="section-title">Deployments</h2>
      {deployments.length === 0 ? (
        <Empty title="No deployment recorded">
          <p>
            Record one with <code>POST /api/v1/models/{model.id}/deployments</code>.
          </p>
        </Empty>
      ) : (
        deploymentsByEnvironment(deployments).map(([env, list]) => (
          <div key={env} className="env-timeline">
            <h3>
              {env} <span className="muted small">· {list.length} {list.length === 1 ? 'deployment' : 'deployments'}</span>
            </h3>
            <div className="table-wrap">
              <table className="data" data-testid={`deployments-${env}`}>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Started</th>
                    <th scope="col">Ended</th>
                    <th scope="col">Lasted</th>
                    <th scope="col">Notes</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((d) => {
                    const start = toMs(d.started_at) ?? 0;
                    const end = toMs(deploymentEnd(d));
                    // only the environment's current deployment serves (the rule of servingEnvironments);
                    // an open-ended older, failed or rolled-back one does not
                    const serving = end === null && currentOf(list) === d;
                    return (
                      <tr key={d.id}>
                        <td>
                          <strong>{d.version}</strong>
                        </td>
                        <td>
                          <StatusText status={outcomeStatus(d.outcome)} text={outcomeLabel(d.outcome)} />
                        </td>
                        <td>
                          <When ms={start} />
                        </td>
                        <td>{end !== null ? <When ms={end} /> : <span className="muted">{serving ? 'still serving' : 'not recorded'}</span>}</td>
                        <td>{end !== null || serving ? formatDuration((end ?? now) - start) : '—'}</td>
                        <td className="small">{d.notes ?? ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        ))
      )}
    </section>
  );
}
