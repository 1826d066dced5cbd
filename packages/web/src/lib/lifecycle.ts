// A model's lifecycle as one timeline: versions registered, deployments started and retraining
// triggers sent by alert rules, newest first. Pure, like flow.ts: the tab only draws the rows.
import type { ModelVersion, RetrainingTrigger } from '../api/models.ts';
import { deploymentEnd, outcomeLabel, outcomeStatus, toMs, triggerRuleName, type DeploymentRecord, type StageStatus } from './flow.ts';
import { formatValue } from './format.ts';

export interface LifecycleEvent {
  key: string;
  at: number;
  kind: 'version' | 'deployment' | 'retrain';
  /** The kind in words, first column. */
  what: string;
  title: string;
  /** Smaller lines: a reason, validation metrics, notes. */
  details: string[];
  status: StageStatus;
  /** The status in words, so colour is never the only signal. */
  statusText: string;
}

/** A trigger's delivery to the pipeline in words and colour: sent green, failed red, on its way grey. */
export function deliveryStatus(d: RetrainingTrigger['delivery']): { status: StageStatus; text: string } {
  const tries = `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`;
  switch (d.status) {
    case 'sent':
      return { status: 'healthy', text: `delivered (${tries})` };
    case 'failed':
      return { status: 'problem', text: `not delivered after ${tries}${d.last_error ? `: ${d.last_error}` : ''}` };
    case 'sending':
      return { status: 'unknown', text: 'sending' };
    default:
      return { status: 'unknown', text: d.attempts ? `pending, retrying (${tries})` : 'pending' };
  }
}

/**
 * Why a trigger was sent, in short lines: the server's reason without the rule's name (the row
 * names it), else the value against the threshold from the evidence; then the step evaluated.
 */
export function triggerEvidence(t: Pick<RetrainingTrigger, 'evidence' | 'reason' | 'rule_id'>): string[] {
  const e = t.evidence;
  const out: string[] = [];
  const prefix = `${triggerRuleName(t)}: `;
  const reason = t.reason.startsWith(prefix) ? t.reason.slice(prefix.length) : t.reason;
  if (reason) out.push(reason);
  else if (typeof e.metric === 'string' && typeof e.value === 'number') {
    const threshold = typeof e.threshold === 'number' && typeof e.op === 'string' ? ` (${e.op} ${formatValue(e.threshold)})` : '';
    out.push(`${e.metric} ${formatValue(e.value)}${threshold}`);
  }
  const w = e.window as { from?: string; to?: string } | undefined;
  const from = toMs(w?.from);
  if (from !== null) out.push(`step from ${new Date(from).toISOString().slice(11, 16)} UTC`);
  return out;
}

/** Versions, deployments and retraining triggers on one timeline, newest first (on a tie: trigger, deployment, version). */
export function lifecycleEvents(versions: readonly Pick<ModelVersion, 'version' | 'created_at' | 'validation_metrics'>[], deployments: readonly DeploymentRecord[], triggers: readonly RetrainingTrigger[]): LifecycleEvent[] {
  const out: LifecycleEvent[] = [];
  for (const v of versions) {
    const metrics = Object.entries(v.validation_metrics).map(([k, x]) => `${k} ${formatValue(x)}`);
    out.push({ key: `v:${v.version}`, at: toMs(v.created_at) ?? 0, kind: 'version', what: 'Version registered', title: v.version, details: metrics.length ? [metrics.join(' · ')] : [], status: 'healthy', statusText: 'registered' });
  }
  for (const d of deployments) {
    const end = toMs(deploymentEnd(d));
    const details = [...(end !== null ? [`ended ${new Date(end).toLocaleString()}`] : []), ...(d.notes ? [d.notes] : [])];
    out.push({ key: `d:${d.id}`, at: toMs(d.started_at) ?? 0, kind: 'deployment', what: 'Deployment', title: `${d.version} to ${d.environment}`, details, status: outcomeStatus(d.outcome), statusText: outcomeLabel(d.outcome) });
  }
  for (const t of triggers) {
    const delivery = deliveryStatus(t.delivery);
    out.push({
      key: `t:${t.trigger_id}`,
      at: toMs(t.triggered_at) ?? 0,
      kind: 'retrain',
      what: 'Retraining requested',
      title: `by ${triggerRuleName(t)}${t.version ? ` (serving ${t.version})` : ''}`,
      details: triggerEvidence(t),
      status: delivery.status,
      statusText: delivery.text,
    });
  }
  const order = { retrain: 0, deployment: 1, version: 2 } as const;
  return out.sort((a, b) => b.at - a.at || order[a.kind] - order[b.kind] || a.key.localeCompare(b.key));
}
