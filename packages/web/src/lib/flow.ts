// A model's flow, pipelines → training → versions → deployments → live traffic: what each stage's
// status and key figure are, from the records the page fetched. Pure (the clock comes in as `now`),
// so every rule is tested from a table and the components only draw.
import type { Deployment, ModelOverview, ModelVersion, RetrainingTrigger } from '../api/models.ts';
import type { QueryAnswer } from '../api/query.ts';
import { formatCompact, formatDuration, formatRelative, formatValue } from './format.ts';
import { cardStatus, type CardStatus } from './overview.ts';

export type StageStatus = CardStatus;
export type StageName = 'pipelines' | 'training' | 'versions' | 'deployments' | 'live';

export const TABS = [
  { id: 'flow', label: 'Flow' },
  { id: 'inference', label: 'Inference' },
  { id: 'data-quality', label: 'Data quality' },
  { id: 'drift', label: 'Drift' },
  { id: 'performance', label: 'Performance' },
  { id: 'training', label: 'Training' },
  { id: 'lifecycle', label: 'Lifecycle' },
] as const;
export type TabId = (typeof TABS)[number]['id'];

export const isTab = (t: string | undefined): t is TabId => TABS.some((x) => x.id === t);

export interface Stage {
  name: StageName;
  title: string;
  /** The tab with the stage's details. */
  tab: TabId;
  status: StageStatus;
  /** The status in words, so colour is never the only signal. */
  statusText: string;
  /** The key figure, large. */
  figure: string;
  /** Smaller lines under it. */
  details: string[];
}

// ---------------------------------------------------------------- times

/** Epoch ms of a timestamp the API sends as epoch ms or RFC 3339, or null. */
export function toMs(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

const worse = (a: StageStatus, b: StageStatus): StageStatus => {
  const rank: Record<StageStatus, number> = { problem: 4, warning: 3, healthy: 2, unknown: 1, no_data: 0 };
  return rank[b] > rank[a] ? b : a;
};
/** The worst of several statuses; `no_data` when there are none. */
export const worstStatus = (all: readonly StageStatus[]): StageStatus => all.reduce<StageStatus>(worse, 'no_data');

// ---------------------------------------------------------------- pipelines

/** A pipeline-run event as the API lists it (each stage sends `running`, then how it ended). */
export interface PipelineEvent {
  pipeline: string;
  run_id: string;
  stage: string;
  status: string;
  started_at: string | number;
  ended_at: string | number | null;
  rows_in: number | null;
  rows_out: number | null;
}

export interface PipelineRunSummary {
  pipeline: string;
  run_id: string;
  /** `failed` if a stage failed, else `running` while a stage runs, else `succeeded` (or `skipped` when every stage was). */
  status: 'failed' | 'running' | 'succeeded' | 'skipped';
  started_at: number;
  /** When the last stage ended; null while running. */
  ended_at: number | null;
  /** Rows out of the last stage that produced rows, else rows in of the first stage. */
  rows: number | null;
  stages: { stage: string; status: string; started_at: number; ended_at: number | null; rows_in: number | null; rows_out: number | null }[];
}

/** Folds stage events into one summary per run, newest first. */
export function summarizePipelineRuns(events: readonly PipelineEvent[]): PipelineRunSummary[] {
  const runs = new Map<string, Map<string, PipelineEvent>>();
  for (const e of events) {
    const key = `${e.pipeline}\u0000${e.run_id}`;
    const stages = runs.get(key) ?? new Map<string, PipelineEvent>();
    runs.set(key, stages);
    const prev = stages.get(e.stage);
    // a stage's final event (not `running`) wins over its start; of two finals the later one
    if (!prev || (prev.status === 'running' && e.status !== 'running') || (e.status !== 'running' && (toMs(e.ended_at) ?? 0) > (toMs(prev.ended_at) ?? 0))) stages.set(e.stage, e);
  }
  const out: PipelineRunSummary[] = [];
  for (const stageMap of runs.values()) {
    const stages = [...stageMap.values()]
      .map((e) => ({ stage: e.stage, status: e.status, started_at: toMs(e.started_at) ?? 0, ended_at: toMs(e.ended_at), rows_in: e.rows_in, rows_out: e.rows_out }))
      .sort((a, b) => a.started_at - b.started_at || (a.ended_at ?? Infinity) - (b.ended_at ?? Infinity));
    const first = stages[0] as (typeof stages)[number];
    const statuses = stages.map((s) => s.status);
    const status: PipelineRunSummary['status'] = statuses.includes('failed') ? 'failed' : statuses.includes('running') ? 'running' : statuses.every((s) => s === 'skipped') ? 'skipped' : 'succeeded';
    const ends = stages.map((s) => s.ended_at).filter((t): t is number => t !== null);
    const produced = stages.filter((s) => s.status === 'succeeded' && s.rows_out !== null);
    const e0 = stageMap.values().next().value as PipelineEvent;
    out.push({
      pipeline: e0.pipeline,
      run_id: e0.run_id,
      status,
      started_at: Math.min(...stages.map((s) => s.started_at)),
      ended_at: status === 'running' || ends.length === 0 ? null : Math.max(...ends),
      rows: produced.length ? (produced[produced.length - 1] as (typeof produced)[number]).rows_out : first.rows_in,
      stages,
    });
  }
  return out.sort((a, b) => b.started_at - a.started_at || a.pipeline.localeCompare(b.pipeline));
}

/** Red when a pipeline's latest run failed; green when they ran or run; grey without runs. */
export function pipelineStage(runs: readonly PipelineRunSummary[], now: number): Stage {
  const base = { name: 'pipelines' as const, title: 'Data pipelines', tab: 'data-quality' as const };
  const last = runs[0];
  if (!last) return { ...base, status: 'no_data', statusText: 'No runs', figure: '—', details: ['no pipeline run reported for this model'] };
  const latestPer = new Map<string, PipelineRunSummary>();
  for (const r of runs) if (!latestPer.has(r.pipeline)) latestPer.set(r.pipeline, r);
  const failing = [...latestPer.values()].filter((r) => r.status === 'failed');
  const status: StageStatus = failing.length ? 'problem' : 'healthy';
  const details = [`${last.pipeline} · ${formatRelative(last.started_at, now)}`];
  if (last.ended_at !== null) details.push(`load time ${formatDuration(last.ended_at - last.started_at)}`);
  else if (last.status === 'running') details.push(`running for ${formatDuration(Math.max(0, now - last.started_at))}`);
  if (last.rows !== null) details.push(`${formatCompact(last.rows)} rows`);
  for (const f of failing) if (f !== last) details.push(`${f.pipeline}: last run failed`);
  return { ...base, status, statusText: failing.length ? 'Failed' : last.status === 'running' ? 'Running' : 'Healthy', figure: `Last run ${last.status}`, details };
}

// ---------------------------------------------------------------- training

export interface TrainingEvent {
  run_id: string;
  version: string | null;
  status: string;
  started_at: string | number;
  ended_at: string | number | null;
  params: Record<string, unknown>;
  metrics: Record<string, [number, number][]>;
}

export interface TrainingRunSummary {
  run_id: string;
  version: string | null;
  status: string;
  started_at: number;
  ended_at: number | null;
  params: Record<string, unknown>;
  metrics: Record<string, [number, number][]>;
}

/** One row per run (its final event, else its start), newest first. */
export function summarizeTrainingRuns(events: readonly TrainingEvent[]): TrainingRunSummary[] {
  const byRun = new Map<string, TrainingRunSummary>();
  for (const e of events) {
    const prev = byRun.get(e.run_id);
    const row: TrainingRunSummary = { run_id: e.run_id, version: e.version, status: e.status, started_at: toMs(e.started_at) ?? 0, ended_at: toMs(e.ended_at), params: e.params ?? {}, metrics: e.metrics ?? {} };
    if (!prev) {
      byRun.set(e.run_id, row);
      continue;
    }
    // the final event wins; what it leaves out (version, parameters) comes from the other
    const [main, other] = prev.status === 'running' && e.status !== 'running' ? [row, prev] : [prev, row];
    byRun.set(e.run_id, { ...main, version: main.version ?? other.version, params: Object.keys(main.params).length ? main.params : other.params });
  }
  return [...byRun.values()].sort((a, b) => b.started_at - a.started_at || a.run_id.localeCompare(b.run_id));
}

/** The last value (by step) of each metric curve. */
export function finalMetrics(metrics: Record<string, [number, number][]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, curve] of Object.entries(metrics)) {
    let best: [number, number] | null = null;
    for (const p of curve) if (Number.isFinite(p[1]) && (!best || p[0] >= best[0])) best = p;
    if (best) out[name] = best[1];
  }
  return out;
}

/** The run's validation figure: a `val_` metric that is not a loss first, then any `val_`, then the first. */
export function runScore(metrics: Record<string, [number, number][]>): { name: string; value: number } | null {
  const final = finalMetrics(metrics);
  const names = Object.keys(final);
  const pick = names.find((n) => n.startsWith('val_') && !/loss/.test(n)) ?? names.find((n) => n.startsWith('val_')) ?? names[0];
  return pick === undefined ? null : { name: pick, value: final[pick] as number };
}

/** Red when the last run failed; the score is the version's first validation metric, else the run's own. */
export function trainingStage(runs: readonly TrainingRunSummary[], versions: readonly Pick<ModelVersion, 'version' | 'validation_metrics'>[], now: number): Stage {
  const base = { name: 'training' as const, title: 'Training runs', tab: 'training' as const };
  const last = runs[0];
  if (!last) return { ...base, status: 'no_data', statusText: 'No runs', figure: '—', details: ['no training run reported for this model'] };
  const version = last.version ? versions.find((v) => v.version === last.version) : undefined;
  const first = version ? Object.entries(version.validation_metrics)[0] : undefined;
  const score = first ? { name: first[0], value: first[1] } : runScore(last.metrics);
  const status: StageStatus = last.status === 'failed' ? 'problem' : 'healthy';
  const details = [`${last.run_id} · ${formatRelative(last.started_at, now)}`];
  if (last.version) details.push(`version ${last.version}`);
  return {
    ...base,
    status,
    statusText: last.status === 'failed' ? 'Failed' : last.status === 'running' ? 'Running' : 'Healthy',
    figure: score ? `${score.name} ${formatValue(score.value)}` : `Last run ${last.status}`,
    details: score ? [`last run ${last.status}`, ...details] : details,
  };
}

// ---------------------------------------------------------------- retraining triggers

/** The rule that asked for retraining, in words: its name from the evidence, else the reason's prefix, else its id. */
export function triggerRuleName(t: Pick<RetrainingTrigger, 'rule_id' | 'reason' | 'evidence'>): string {
  if (typeof t.evidence.rule_name === 'string' && t.evidence.rule_name) return t.evidence.rule_name;
  const colon = t.reason.indexOf(': ');
  return colon > 0 ? t.reason.slice(0, colon) : t.rule_id;
}

/**
 * The training stage with the model's last retraining trigger (newest first, as the API lists
 * them): "retraining requested 2 h ago by <rule>"; a trigger the pipeline never got turns it amber.
 */
export function withLastTrigger(stage: Stage, triggers: readonly Pick<RetrainingTrigger, 'rule_id' | 'reason' | 'evidence' | 'triggered_at' | 'delivery'>[], now: number): Stage {
  const last = triggers[0];
  if (!last) return stage;
  const at = toMs(last.triggered_at) ?? now;
  const lines = [`retraining requested ${formatRelative(at, now)} by ${triggerRuleName(last)}`];
  if (last.delivery.status === 'failed') lines.push('the pipeline did not receive it');
  else if (last.delivery.status !== 'sent') lines.push('delivery to the pipeline pending');
  const failed = last.delivery.status === 'failed';
  return {
    ...stage,
    status: failed ? worstStatus([stage.status, 'warning']) : stage.status,
    statusText: failed && stage.status !== 'problem' ? 'Retrain not delivered' : stage.status === 'no_data' ? 'Retrain requested' : stage.statusText,
    details: [...lines, ...stage.details],
  };
}

// ---------------------------------------------------------------- versions and deployments

export function versionsStage(versions: readonly Pick<ModelVersion, 'version' | 'created_at'>[], productionVersion: string | null): Stage {
  const base = { name: 'versions' as const, title: 'Versions', tab: 'lifecycle' as const };
  if (versions.length === 0) return { ...base, status: 'no_data', statusText: 'None', figure: '—', details: ['no version registered'] };
  const newest = [...versions].sort((a, b) => (toMs(b.created_at) ?? 0) - (toMs(a.created_at) ?? 0))[0] as (typeof versions)[number];
  const details = [`${versions.length} ${versions.length === 1 ? 'version' : 'versions'} registered`];
  if (newest.version !== productionVersion) details.push(`newest ${newest.version}`);
  return { ...base, status: 'healthy', statusText: 'Registered', figure: productionVersion ? `${productionVersion} in production` : 'none in production', details };
}

/** A deployment as the API sends it (`ended_at`; older clients call it `finished_at`). */
export type DeploymentRecord = Pick<Deployment, 'id' | 'version' | 'environment' | 'started_at' | 'outcome'> & { ended_at?: string | null; finished_at?: string | null; notes?: string | null };

export const deploymentEnd = (d: DeploymentRecord): string | null => d.ended_at ?? d.finished_at ?? null;

export function outcomeStatus(outcome: string): StageStatus {
  switch (outcome) {
    case 'failed':
      return 'problem';
    case 'rolled_back':
      return 'warning';
    case 'succeeded':
    case 'success':
    case 'in_progress':
      return 'healthy';
    default:
      return 'unknown';
  }
}

export const outcomeLabel = (outcome: string) => outcome.replace(/_/g, ' ');

/** Environments with their deployments, newest first; production first, then by name. */
export function deploymentsByEnvironment<T extends DeploymentRecord>(deployments: readonly T[]): [string, T[]][] {
  const by = new Map<string, T[]>();
  for (const d of deployments) by.set(d.environment, [...(by.get(d.environment) ?? []), d]);
  for (const list of by.values()) list.sort((a, b) => (toMs(b.started_at) ?? 0) - (toMs(a.started_at) ?? 0));
  return [...by.entries()].sort(([a], [b]) => (a === 'production' ? -1 : b === 'production' ? 1 : a.localeCompare(b)));
}

/** Coloured by the worst of each environment's last outcome: failed red, rolled back amber. */
export function deploymentStage(deployments: readonly DeploymentRecord[], now: number): Stage {
  const base = { name: 'deployments' as const, title: 'Deployments', tab: 'lifecycle' as const };
  const envs = deploymentsByEnvironment(deployments);
  if (envs.length === 0) return { ...base, status: 'no_data', statusText: 'None', figure: '—', details: ['no deployment recorded'] };
  const lasts = envs.map(([env, list]) => [env, list[0] as DeploymentRecord] as const);
  const status = worstStatus(lasts.map(([, d]) => outcomeStatus(d.outcome)));
  const [env0, d0] = lasts[0] as (typeof lasts)[number];
  return {
    ...base,
    status,
    statusText: status === 'problem' ? 'Failed' : status === 'warning' ? 'Rolled back' : status === 'healthy' ? 'Healthy' : 'Unknown',
    figure: `${env0}: ${outcomeLabel(d0.outcome)}`,
    details: lasts.map(([env, d]) => `${env} ${d.version} · ${outcomeLabel(d.outcome)} · ${formatRelative(toMs(d.started_at) ?? now, now)}`),
  };
}

// ---------------------------------------------------------------- live traffic

/** Error and fatal log events in a `logs.count` answer grouped by level (or filtered to one). */
export function errorCount(answer: QueryAnswer | null): number | null {
  if (!answer) return null;
  let n = 0;
  for (const s of answer.series) {
    const level = s.labels.level;
    if (level !== undefined && level !== 'error' && level !== 'fatal') continue;
    for (const [, v] of s.points) if (v !== null && Number.isFinite(v)) n += v;
  }
  return n;
}

/** Errors per prediction, or null when there were no predictions (a rate of nothing is no rate). */
export function errorRate(errors: number | null, predictions: number): number | null {
  if (errors === null || predictions <= 0) return null;
  return errors / predictions;
}

/** The overview's health of the model (grey `unknown` while the server sends none), traffic and errors. */
export function liveStage(row: ModelOverview | null, errors: number | null): Stage {
  const base = { name: 'live' as const, title: 'Live traffic', tab: 'inference' as const };
  if (!row) return { ...base, status: 'unknown', statusText: 'Unknown', figure: '—', details: ['no traffic figures for this model'] };
  const status = cardStatus(row);
  const rate = errorRate(errors, row.predictions);
  const details = [`${formatCompact(row.predictions)} predictions`];
  details.push(rate === null ? 'error rate —' : `error rate ${formatValue(rate, 'ratio')} (${formatCompact(errors ?? 0)} errors)`);
  if (row.latency_p99_ms !== null) details.push(`p99 latency ${formatValue(row.latency_p99_ms, 'ms')}`);
  const words: Record<StageStatus, string> = { problem: 'Problem', warning: 'Warning', healthy: 'Healthy', no_data: 'No data', unknown: 'Unknown' };
  return { ...base, status, statusText: words[status], figure: formatValue(row.rate_per_s, 'predictions/s', { short: true }), details };
}

export interface FlowInput {
  pipelineRuns: readonly PipelineEvent[];
  trainingRuns: readonly TrainingEvent[];
  versions: readonly Pick<ModelVersion, 'version' | 'created_at' | 'validation_metrics'>[];
  deployments: readonly DeploymentRecord[];
  overview: ModelOverview | null;
  errors: number | null;
  /** The model's retraining triggers, newest first (absent: none read). */
  triggers?: readonly RetrainingTrigger[];
}

/** The five stages, left to right. */
export function buildFlow(input: FlowInput, now: number): Stage[] {
  const production = input.overview?.production_version ?? null;
  return [
    pipelineStage(summarizePipelineRuns(input.pipelineRuns), now),
    withLastTrigger(trainingStage(summarizeTrainingRuns(input.trainingRuns), input.versions, now), input.triggers ?? [], now),
    versionsStage(input.versions, production),
    deploymentStage(input.deployments, now),
    liveStage(input.overview, input.errors),
  ];
}

// ---------------------------------------------------------------- tables

/** A run's colour in tables: failed red, skipped grey, running and succeeded green. */
export function runStatus(status: string): StageStatus {
  if (status === 'failed') return 'problem';
  if (status === 'skipped') return 'no_data';
  if (status === 'running' || status === 'succeeded') return 'healthy';
  return 'unknown';
}

/**
 * Which environments each version serves: per environment, the newest deployment that has not
 * ended and did not fail or roll back (the server's rule for the production version).
 */
/** The deployment serving an environment: its newest one still open that did not fail or roll back. */
export function currentOf<D extends DeploymentRecord>(newestFirst: readonly D[]): D | undefined {
  return newestFirst.find((d) => deploymentEnd(d) === null && d.outcome !== 'failed' && d.outcome !== 'rolled_back');
}

export function servingEnvironments(deployments: readonly DeploymentRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [env, list] of deploymentsByEnvironment(deployments)) {
    const current = currentOf(list);
    if (current) out.set(current.version, [...(out.get(current.version) ?? []), env]);
  }
  return out;
}

/** Parameters as `key=value` text, in key order. */
export function formatParams(params: Record<string, unknown>): string[] {
  return Object.keys(params)
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
    });
}
