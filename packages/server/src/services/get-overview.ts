import { alertHealth, ENDS_NOW_TOLERANCE_MS, isViolationKind, modelHealth, type FiringAlert, sketchQuantile, subtractBins, type ModelHealth } from '@vigil/core';
import type { CountRow, RollupQuery } from '@vigil/storage';
import type { Actor, ServiceContext } from '../context.ts';
import { auditReadAlongside } from './authorize.ts';
import { listModels } from './get-model.ts';
import { currentDeployment } from './manage-deployments.ts';

export interface ModelOverview {
  id: string;
  name: string;
  task: string;
  owner_team: string | null;
  tags: string[];
  production_version: string | null;
  last_deployment: { version: string; environment: string; outcome: string; started_at: string } | null;
  predictions: number;
  rate_per_s: number;
  latency_mean_ms: number | null;
  latency_p99_ms: number | null;
  label_coverage: number | null;
  last_seen: number | null;
  health: ModelHealth;
}

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * The grid for per-model counts of logs and violations over [from, to): the stores place buckets
 * on the epoch grid of the step, so the range starts at the first whole step at or after `from`.
 * The step is at most 1/24 of the range (what is dropped at the start stays under ~4%) and at most
 * an hour, so a 30-day range is 720 buckets per model at most.
 */
function countGrid(from: number, to: number): { from: number; stepMs: number } {
  const stepMs = [HOUR, MINUTE, SECOND].find((s) => s * 24 <= to - from) ?? SECOND;
  return { from: Math.ceil(from / stepMs) * stepMs, stepMs };
}

const query = (from: number, to: number, stepMs: number, groupBy: string[]): RollupQuery => ({ from, to, stepMs, models: null, versions: null, segments: {}, groupBy, filters: {} });

/**
 * Latency of the range's latest part against the rest of the range. The rest is the range's
 * sketch less the latest part's (sketches split by subtracting counts), so it costs no extra read
 * of the range and the baseline never contains the part it is compared with.
 */
function latencySignals(range: ReadonlyMap<number, number> | undefined, latest: ReadonlyMap<number, number> | undefined) {
  if (!range || !latest) return { recentLatencyP99: null, baselineLatencyP99: null };
  return { recentLatencyP99: sketchQuantile(latest, 0.99), baselineLatencyP99: sketchQuantile(subtractBins(range, latest), 0.99) };
}

/** Sums the counts per model, keeping only rows `keep` accepts. */
function perModel(rows: CountRow[], keep: (r: CountRow) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const m = r.group.model;
    if (m !== undefined && keep(r)) out.set(m, (out.get(m) ?? 0) + r.count);
  }
  return out;
}

/**
 * The signals health needs, one read each for all models: error logs, violations, the latency of
 * the range's latest hour and, when the range ends now, the last minute with traffic.
 */
async function healthSignals(ctx: ServiceContext, from: number, to: number, now: number) {
  const g = countGrid(from, to);
  const counted = g.from < to;
  const endsNow = to >= now - ENDS_NOW_TOLERANCE_MS;
  // the overview's last bucket may be an hour bucket; the minutes of the last hour say when exactly
  const recentFrom = Math.max(from, Math.floor((to - HOUR) / MINUTE) * MINUTE);
  // the range's most recent part, for latency against the range: its last hour, or last quarter
  const latestFrom = Math.max(from, to - Math.min(HOUR, (to - from) / 4));
  const [logs, quality, latest, recent] = await Promise.all([
    counted ? ctx.stores.events.queryLogs(query(g.from, to, g.stepMs, ['model', 'level'])) : [],
    counted ? ctx.stores.events.queryQuality(query(g.from, to, g.stepMs, ['model', 'kind'])) : [],
    ctx.stores.events.overview(latestFrom, to),
    // the latest part's overview already says, to the minute, when each model last had traffic
    // when that part is the last hour; a shorter range reads its last hour's minutes
    endsNow && latestFrom > recentFrom ? ctx.stores.events.queryInference(query(recentFrom, to, MINUTE, ['model'])) : [],
  ]);
  const lastMinute = new Map<string, number>();
  if (endsNow) for (const r of latest) if (r.last_bucket !== null && r.count > 0) lastMinute.set(r.model, r.last_bucket);
  for (const r of recent) {
    const m = r.group.model;
    if (m !== undefined && r.count > 0 && r.bucket >= (lastMinute.get(m) ?? -Infinity)) lastMinute.set(m, r.bucket);
  }
  return {
    errors: perModel(logs, (r) => r.group.level === 'error' || r.group.level === 'fatal'),
    // refused records and duplicates share the table: health counts feature violations only
    violations: perModel(quality, (r) => isViolationKind(r.group.kind ?? '')),
    latestBins: new Map(latest.map((r) => [r.model, r.latency_bins])),
    lastMinute,
  };
}

/**
 * Per model with alert rules, the alerts firing on it now. A rule is on the models its spec names
 * (model filter) and on those its series carry as a model label; a firing series is on its model
 * label's model, else on every model the rule names. Rules on no model (pooled) colour nothing.
 */
async function alertsByModel(ctx: ServiceContext): Promise<Map<string, FiringAlert[]>> {
  const [rules, states] = await Promise.all([ctx.stores.meta.listAlertRules(), ctx.stores.meta.listAlertStates()]);
  const out = new Map<string, FiringAlert[]>();
  const named = new Map<string, { alert: FiringAlert; models: string[] }>();
  for (const r of rules) {
    if (!r.enabled) continue;
    const m = r.spec.model;
    const models = typeof m === 'string' ? [m] : Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : [];
    named.set(r.id, { alert: { name: r.name, severity: typeof r.spec.severity === 'string' ? r.spec.severity : 'warning' }, models });
    for (const id of models) if (!out.has(id)) out.set(id, []);
  }
  for (const st of states) {
    const r = named.get(st.rule_id);
    if (!r) continue;
    const on = st.labels.model !== undefined ? [st.labels.model] : r.models;
    for (const id of on) {
      const list = out.get(id) ?? [];
      if (st.state === 'firing') list.push(r.alert);
      out.set(id, list);
    }
  }
  return out;
}

/** One row per model over [from, to): traffic, latency, label coverage, what serves production, health. */
export async function getOverview({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { from: number; to: number } }): Promise<ModelOverview[]> {
  const now = ctx.clock.now();
  const rowsP = ctx.stores.events.overview(input.from, input.to);
  const signalsP = healthSignals(ctx, input.from, input.to, now);
  const alertsP = alertsByModel(ctx);
  const models = await listModels({ ctx, actor, input: {} });
  const audited = auditReadAlongside(ctx, actor, 'overview', models.map((m) => m.id));
  const [rows, signals, alerts] = await Promise.all([rowsP, signalsP, alertsP]);
  const byModel = new Map(rows.map((r) => [r.model, r]));
  const seconds = (input.to - input.from) / 1000;
  const out = await Promise.all(
    models.map(async (m) => {
      const r = byModel.get(m.id);
      const deployments = await ctx.stores.meta.listDeployments(m.id);
      const last = deployments[0];
      const predictions = r?.count ?? 0;
      const p99 = r ? sketchQuantile(r.latency_bins, 0.99) : null;
      const lastSeen = r?.last_bucket == null ? null : Math.max(r.last_bucket, signals.lastMinute.get(m.id) ?? r.last_bucket);
      const firing = alerts.get(m.id);
      // a model with alert rules takes its colour from them (docs/alerts.md, "Health")
      const health = firing ? alertHealth(firing, predictions) : modelHealth(
        {
          predictions, lastSeenMs: lastSeen, nowMs: now, errorLogs: signals.errors.get(m.id) ?? 0, qualityViolations: signals.violations.get(m.id) ?? 0,
          ...latencySignals(r?.latency_bins, signals.latestBins.get(m.id)), lastDeployment: last ? { outcome: last.outcome, started_at: last.started_at } : null,
        },
        { from: input.from, to: input.to },
      );
      return {
        id: m.id,
        name: m.name,
        task: m.task,
        owner_team: m.owner_team,
        tags: m.tags,
        production_version: currentDeployment(deployments, 'production')?.version ?? null,
        last_deployment: last ? { version: last.version, environment: last.environment, outcome: last.outcome, started_at: last.started_at } : null,
        predictions,
        rate_per_s: predictions / seconds,
        latency_mean_ms: r && r.latency_count > 0 ? r.latency_sum / r.latency_count : null,
        latency_p99_ms: p99,
        label_coverage: r && r.count > 0 ? r.labelled / r.count : null,
        last_seen: lastSeen,
        health,
      };
    }),
  );
  await audited();
  return out;
}
