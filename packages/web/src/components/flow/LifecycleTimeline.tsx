import type { LifecycleEvent } from '../../lib/lifecycle.ts';
import { StatusText, When } from './RunTables.tsx';

/** Versions, deployments and retraining triggers, newest first, one row each (lib/lifecycle.ts decides the rows). */
export function LifecycleTimeline({ events, triggersFailed }: { events: LifecycleEvent[]; triggersFailed: boolean }) {
  return (
    <>
      <h2 className="section-title">Timeline</h2>
      <p className="muted small tab-intro">
        Versions registered, deployments and the retraining requests alert rules sent to your pipeline (rules with <code>retrain</code>, docs/notifications.md).
        {triggersFailed && <span role="status"> Retraining requests could not be read.</span>}
      </p>
      {events.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data lifecycle-timeline" data-testid="lifecycle-timeline">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">What</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.key} className={`event-${e.kind}`} data-testid={`timeline-${e.kind}`}>
                  <td>
                    <When ms={e.at} />
                  </td>
                  <td>{e.what}</td>
                  <td>
                    <strong>{e.title}</strong>
                    {e.details.map((d, i) => (
                      <div key={i} className="small muted">
                        {d}
                      </div>
                    ))}
                  </td>
                  <td>
                    <StatusText status={e.status} text={e.statusText} />
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
