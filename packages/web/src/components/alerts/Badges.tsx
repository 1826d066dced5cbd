import type { AlertStateName, Severity } from '../../api/alerts.ts';
import { SEVERITY, STATE_LABEL } from '../../lib/alerts-view.ts';

/** Severity in colour and in words. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const s = SEVERITY[severity] ?? { label: severity, tone: 'info' };
  return (
    <span className={`sev-badge tone-${s.tone}`} data-testid="severity">
      {s.label}
    </span>
  );
}

export function StateBadge({ state }: { state: AlertStateName }) {
  return (
    <span className={`alert-state state-${state}`} data-testid="alert-state">
      {STATE_LABEL[state] ?? state}
    </span>
  );
}

export function LabelList({ labels }: { labels: Record<string, string> }) {
  const keys = Object.keys(labels).sort();
  if (!keys.length) return <span className="muted">—</span>;
  return (
    <span className="label-list">
      {keys.map((k) => (
        <code key={k} className="label-pair">
          {k}={labels[k]}
        </code>
      ))}
    </span>
  );
}
