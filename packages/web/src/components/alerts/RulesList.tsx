import { Link } from 'react-router-dom';
import { listRules } from '../../api/alerts.ts';
import { conditionText, durationText } from '../../lib/alerts-view.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { SeverityBadge } from './Badges.tsx';

export function RulesList({ editor, why }: { editor: boolean; why: string }) {
  const rules = useAsync((signal) => listRules(signal), []);
  let body;
  if (rules.status === 'error' && !rules.data) body = <ErrorState error={rules.error} retry={rules.reload} />;
  else if (!rules.data) body = <Loading what="Loading rules" />;
  else if (!rules.data.length)
    body = (
      <Empty title="No alert rules yet">
        <p>{editor ? 'Create one: pick a metric, a threshold, and preview how it would have behaved over the last week.' : 'None you may read.'}</p>
      </Empty>
    );
  else
    body = (
      <table className="data" data-testid="rules-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Severity</th>
            <th>Metric</th>
            <th>Model</th>
            <th>Condition</th>
            <th>For</th>
            <th>Channels</th>
            <th>Enabled</th>
          </tr>
        </thead>
        <tbody>
          {rules.data.map((r) => (
            <tr key={r.id} data-testid={`rule-row-${r.name}`}>
              <td>
                <Link to={`/alerts/rules/${encodeURIComponent(r.id)}`}>{r.name}</Link>
              </td>
              <td>
                <SeverityBadge severity={r.severity} />
              </td>
              <td>
                <code>{r.metric}</code>
              </td>
              <td>{r.model ? [r.model].flat().join(', ') : <span className="muted">all</span>}</td>
              <td>{conditionText(r)}</td>
              <td>{durationText(r.for)}</td>
              <td>{r.channels.length}</td>
              <td>{r.enabled ? 'yes' : <span className="muted">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <section>
      <div className="section-head">
        <h2>Rules</h2>
        <div className="spacer" />
        {editor ? (
          <Link className="button primary" to="/alerts/rules/new" data-testid="new-rule">
            New rule
          </Link>
        ) : (
          <button type="button" className="primary" disabled title={why}>
            New rule
          </button>
        )}
      </div>
      {!editor && <p className="muted small">{why}</p>}
      {body}
    </section>
  );
}
