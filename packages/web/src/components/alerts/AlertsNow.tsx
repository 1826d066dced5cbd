// The alerts that need attention now, then the history of transitions (filtered by rule).
import { useState } from 'react';
import { listAlerts, listHistory, listRules } from '../../api/alerts.ts';
import { countByState, historyRules, sortAlerts, STATE_LABEL } from '../../lib/alerts-view.ts';
import { formatRelative, formatValue } from '../../lib/format.ts';
import { useAsync } from '../../lib/use-async.ts';
import { Empty, ErrorState, Loading } from '../States.tsx';
import { LabelList, SeverityBadge, StateBadge } from './Badges.tsx';

const value = (v: number | null) => (v === null ? <span className="muted">—</span> : formatValue(v));

export function AlertsNow({ refreshKey }: { refreshKey: number }) {
  const alerts = useAsync((signal) => listAlerts(signal).then(sortAlerts), [], refreshKey);
  const [rule, setRule] = useState('');
  const history = useAsync((signal) => Promise.all([listHistory({ rule: rule || undefined }, signal), listRules(signal).catch(() => [])]), [rule], refreshKey);
  const now = Date.now();

  let current;
  if (alerts.status === 'error' && !alerts.data) current = <ErrorState error={alerts.error} retry={alerts.reload} />;
  else if (!alerts.data) current = <Loading what="Loading alerts" />;
  else if (!alerts.data.length)
    current = (
      <Empty title="Nothing is firing">
        <p>No series is firing, pending, without data or failing. Rules are on the Rules tab.</p>
      </Empty>
    );
  else {
    const counts = countByState(alerts.data);
    current = (
      <>
        <p className="muted small" data-testid="alert-counts">
          {Object.entries(counts)
            .map(([s, n]) => `${n} ${STATE_LABEL[s as keyof typeof STATE_LABEL].toLowerCase()}`)
            .join(' · ')}
        </p>
        <table className="data alerts-table" data-testid="alerts-table">
          <thead>
            <tr>
              <th>State</th>
              <th>Severity</th>
              <th>Rule</th>
              <th>Labels</th>
              <th>Since</th>
              <th className="num">Value</th>
            </tr>
          </thead>
          <tbody>
            {alerts.data.map((a) => (
              <tr key={`${a.rule_id}|${JSON.stringify(a.labels)}`} data-testid={`alert-row-${a.rule_id}`}>
                <td>
                  <StateBadge state={a.state} />
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  {a.rule_name}
                  {a.error && <div className="field-error small">{a.error}</div>}
                </td>
                <td>
                  <LabelList labels={a.labels} />
                </td>
                <td title={a.since ? new Date(a.since).toLocaleString() : undefined}>{a.since ? formatRelative(Date.parse(a.since), now) : '—'}</td>
                <td className="num">{value(a.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    );
  }

  let past;
  if (history.status === 'error' && !history.data) past = <ErrorState error={history.error} retry={history.reload} />;
  else if (!history.data) past = <Loading what="Loading history" />;
  else if (!history.data[0].length) past = <Empty title="No transitions yet">{rule && <p>This rule has not changed state.</p>}</Empty>;
  else
    past = (
      <table className="data" data-testid="history-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Rule</th>
            <th>Labels</th>
            <th>Transition</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {history.data[0].map((t) => (
            <tr key={t.id}>
              <td title={new Date(t.at).toLocaleString()}>{formatRelative(Date.parse(t.at), now)}</td>
              <td>{t.rule_name ?? <span className="muted">{t.rule_id} (deleted)</span>}</td>
              <td>
                <LabelList labels={t.labels} />
              </td>
              <td>
                <StateBadge state={t.from} /> → <StateBadge state={t.to} />
              </td>
              <td className="num">{value(t.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  const options = history.data ? historyRules(history.data[0], history.data[1]) : [];
  return (
    <>
      <section aria-labelledby="alerts-now">
        <h2 id="alerts-now">Now</h2>
        {current}
      </section>
      <section aria-labelledby="alerts-history">
        <div className="section-head">
          <h2 id="alerts-history">History</h2>
          <label className="inline-select">
            Rule{' '}
            <select value={rule} onChange={(e) => setRule(e.target.value)} data-testid="history-rule">
              <option value="">All rules</option>
              {options.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {past}
      </section>
    </>
  );
}
