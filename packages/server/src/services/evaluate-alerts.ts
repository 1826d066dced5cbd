// One evaluation cycle of the alert rules at `now` (docs/alerts.md, "Evaluation"). For each due,
// enabled rule: read its metric through the query API's own code (an internal scope over every
// model), take each series' value at the last fully elapsed step (alert-series.ts), step the pure
// state machine from the stored state, and record the new states, their transitions and their
// notifications, grouped per channel and written crash-safely with the states (alert-delivery.ts,
// writeCycle). A series matched by an active
// silence changes state and history like any other but enqueues nothing. A rule whose query fails
// moves its series to `error` (a firing one stays firing, with the error noted). A rule with
// `retrain` also enqueues a retraining trigger when a series starts firing, at most once per
// cooldown per model (retraining-triggers.ts), in the same transaction.
//
// Cost: rules reading the same metric, step, version, filters and grouping share one query; rules
// on a single model are merged across models (grouped by model, then split), so 10,000 rules over
// 100 models make a few dozen queries, not 10,000.
import {
  AlertRuleSchema,
  initialAlertState,
  nextAlertState,
  notificationKey,
  outcomeOf,
  type AlertRule,
  type AlertState,
  type Series,
  type StepResult,
} from '@vigil/core';
import type { Silence, StoredAlertRule, StoredAlertState } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import type { Route } from '../notify/channel.ts';
import { ALERTMANAGER_REFRESH_MS, changeMark, isSilenced, matchLabels, membersOf, notificationOf, splitDetail, writeCycle, writeUnlessChanged, type Stepped } from './alert-delivery.ts';
import { baselineOf, estimatedDrop, evaluatedMetricOf, historySteps, metricQueryOf, seriesKeyOf, singleModel, stepEnd, stepOf, valuesOf, type Points } from './alert-series.ts';
import { answerQuery } from './query-metric.ts';
import { RetrainCooldowns, retrainEntry, triggerModel } from './retraining-triggers.ts';

/** Models merged into one query at most: keeps a merged answer under the query's series cap. */
const MERGE_CHUNK = 100;

export interface EvaluationSummary {
  /** Ids of the rules evaluated. */
  evaluated: string[];
  queries: number;
  series: number;
  transitions: number;
  enqueued: number;
  /** Rules whose query or evaluation failed. */
  failed: number;
}

interface Planned {
  id: string;
  rule: AlertRule;
  step: number;
  from: number;
  to: number;
  /** The single model a merged rule is on; null when the rule is queried as written. */
  merged: string | null;
}

const parsed = new Map<string, { updatedAt: string; rule: AlertRule | null }>();

/** The stored spec, validated once per version of the rule; null when it no longer validates. */
export function ruleOf(s: StoredAlertRule): AlertRule | null {
  const hit = parsed.get(s.id);
  if (hit && hit.updatedAt === s.updated_at) return hit.rule;
  const r = AlertRuleSchema.safeParse({ ...s.spec, id: s.id, name: s.name });
  parsed.set(s.id, { updatedAt: s.updated_at, rule: r.success ? r.data : null });
  return r.success ? r.data : null;
}

function plan(id: string, rule: AlertRule, now: number): Planned {
  const step = stepOf(rule);
  const to = stepEnd(now, step);
  const mergeable = singleModel(rule) !== null && (metricQueryOf(rule, 0, 1, step, evaluatedMetricOf(rule)).metric.group_by.includes('model'));
  return { id, rule, step, from: to - historySteps(rule, step) * step, to, merged: mergeable ? singleModel(rule) : null };
}

function batchKey(p: Planned): string {
  const { version, filters, group_by: g } = p.rule;
  return JSON.stringify([evaluatedMetricOf(p.rule), p.step, version ?? null, Object.entries(filters).sort(), g, p.merged === null ? (p.rule.model ?? null) : '*']);
}

/** Runs the batch's one query (per chunk of merged models) and hands each rule its series. */
async function readBatch(ctx: ServiceContext, batch: Planned[]): Promise<{ queries: number; series: Map<Planned, Series[]> }> {
  const first = batch[0] as Planned;
  const from = Math.min(...batch.map((p) => p.from));
  const out = new Map<Planned, Series[]>();
  if (first.merged === null) {
    const a = await answerQuery(ctx, metricQueryOf(first.rule, from, first.to, first.step, evaluatedMetricOf(first.rule)));
    for (const p of batch) out.set(p, a.series);
    return { queries: 1, series: out };
  }
  const models = [...new Set(batch.map((p) => p.merged as string))];
  const byModel = new Map<string, Series[]>();
  let queries = 0;
  for (let i = 0; i < models.length; i += MERGE_CHUNK) {
    const chunk = models.slice(i, i + MERGE_CHUNK);
    const q = metricQueryOf({ ...first.rule, model: chunk }, from, first.to, first.step, evaluatedMetricOf(first.rule));
    q.groupBy = [...new Set([...q.groupBy, 'model'])];
    const a = await answerQuery(ctx, q);
    queries++;
    for (const s of a.series) {
      const m = s.labels.model ?? '';
      byModel.set(m, [...(byModel.get(m) ?? []), s]);
    }
  }
  for (const p of batch) {
    const keep = p.rule.group_by.includes('model');
    out.set(p, (byModel.get(p.merged as string) ?? []).map((s) => (keep ? s : { labels: Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== 'model')), points: s.points })));
  }
  return { queries, series: out };
}

export interface EvaluateInput {
  now: number;
  /** Which rules this cycle evaluates (the scheduler's intervals); all enabled rules by default. */
  isDue?: (rule: StoredAlertRule, spec: AlertRule) => boolean;
}

export async function evaluateAlerts({ ctx, input }: { ctx: ServiceContext; input: EvaluateInput }): Promise<EvaluationSummary> {
  const { now } = input;
  const nowIso = new Date(now).toISOString();
  const meta = ctx.stores.meta;
  // before the reads: a rule changed after them is not written by this cycle (alert-delivery.ts)
  const mark = changeMark();
  const [stored, states, silences, channels] = await Promise.all([meta.listAlertRules(), meta.listAlertStates(), meta.listSilences(nowIso), meta.listChannels()]);
  const channelIds = new Set(channels.map((c) => c.id));
  const alertmanagers = new Set(channels.filter((c) => c.type === 'alertmanager').map((c) => c.id));
  // each channel's route (docs/alerts.md, "Routing"): which notifications it takes
  const routes = new Map(channels.map((c) => [c.id, (c.config as { route?: Route }).route]));
  const statesOf = new Map<string, StoredAlertState[]>();
  for (const s of states) statesOf.set(s.rule_id, [...(statesOf.get(s.rule_id) ?? []), s]);
  const summary: EvaluationSummary = { evaluated: [], queries: 0, series: 0, transitions: 0, enqueued: 0, failed: 0 };
  const cooldowns = new RetrainCooldowns(ctx);

  const batches = new Map<string, Planned[]>();
  for (const s of stored) {
    if (!s.enabled) continue;
    const rule = ruleOf(s);
    if (rule === null) {
      ctx.log.warn('alert rule no longer validates; skipped', { rule: s.id });
      continue;
    }
    if (input.isDue && !input.isDue(s, rule)) continue;
    const p = plan(s.id, rule, now);
    const k = batchKey(p);
    batches.set(k, [...(batches.get(k) ?? []), p]);
  }

  for (const batch of batches.values()) {
    let read: Map<Planned, Series[]> | null = null;
    let error: string | null = null;
    try {
      const r = await readBatch(ctx, batch);
      read = r.series;
      summary.queries += r.queries;
    } catch (e) {
      error = `query failed: ${(e as Error).message}`;
      summary.queries++;
      ctx.log.warn('alert query failed', { rules: batch.length, metric: batch[0]?.rule.metric, err: (e as Error).message });
    }
    for (const p of batch) {
      summary.evaluated.push(p.id);
      try {
        await evaluateRule(ctx, p, read?.get(p) ?? null, error, statesOf.get(p.id) ?? [], { silences, channelIds, alertmanagers, routes, cooldowns, mark }, now, nowIso, summary);
      } catch (e) {
        summary.failed++;
        ctx.log.error('alert evaluation failed', { rule: p.id, err: (e as Error).message });
      }
    }
  }
  return summary;
}

interface Cycle {
  silences: Silence[];
  channelIds: Set<string>;
  alertmanagers: Set<string>;
  routes: Map<string, Route | undefined>;
  cooldowns: RetrainCooldowns;
  /** changeMark() before the cycle read the rules and states. */
  mark: number;
}

async function evaluateRule(ctx: ServiceContext, p: Planned, answer: Series[] | null, error: string | null, stored: StoredAlertState[], cycle: Cycle, now: number, nowIso: string, summary: EvaluationSummary): Promise<void> {
  const { channelIds } = cycle;
  const { rule, step } = p;
  if (error !== null) summary.failed++;
  // the series to step: those answered, plus stored ones that vanished (their data stopped), plus
  // the ungrouped series even when the answer is empty
  const series = new Map<string, { labels: Record<string, string>; points: Points }>();
  for (const s of answer ?? []) {
    const first = s.points.findIndex(([t]) => t >= p.from);
    series.set(seriesKeyOf(s.labels), { labels: s.labels, points: first < 0 ? [] : s.points.slice(first) });
  }
  const empty: Points = Array.from({ length: (p.to - p.from) / step }, (_, i) => [p.from + i * step, null] as const);
  for (const st of stored) if (!series.has(st.series_key)) series.set(st.series_key, { labels: st.labels, points: empty });
  if (series.size === 0 && (rule.group_by.length === 0 || error !== null)) series.set('{}', { labels: {}, points: empty });

  const byKey = new Map(stored.map((s) => [s.series_key, s]));
  const stepped: Stepped[] = [];
  for (const [key, s] of series) {
    summary.series++;
    const prevStored = byKey.get(key);
    const { state: prevState, unsent: leftover } = prevStored ? splitDetail(prevStored.detail) : { state: initialAlertState(now), unsent: [] };
    const prev: AlertState = prevState;
    let value: number | null = null;
    let step_: StepResult;
    if (error !== null) {
      step_ = nextAlertState(prev, { now, outcome: 'error', value: null, error }, rule);
    } else {
      try {
        const vals = await seriesValues(ctx, p, s.labels, s.points, now);
        value = vals[vals.length - 1] ?? null;
        step_ = nextAlertState(prev, { now, outcome: outcomeOf(rule, value, prev), value }, rule);
      } catch (e) {
        step_ = nextAlertState(prev, { now, outcome: 'error', value: null, error: (e as Error).message }, rule);
      }
    }
    const d: Stepped = { key, labels: s.labels, step: step_, prevStored, leftover, members: [], refresh: [], own: [], retrained: null };
    stepped.push(d);
    if (step_.notify !== null) {
      const n = notificationOf(p.id, rule, s.labels, step_, now, prev.firingSince);
      d.members = membersOf(ctx, p.id, rule, n, cycle, now);
      const silenced = isSilenced(cycle.silences, matchLabels(p.id, rule, n), now);
      if (!silenced && step_.notify === 'firing' && rule.retrain) {
        const retrain = rule.retrain;
        const model = triggerModel(rule, s.labels);
        const nkey = notificationKey(p.id, s.labels, step_) as string;
        if (model === null) ctx.log.warn('retraining trigger skipped: the series names no single model', { rule: p.id });
        else if (!channelIds.has(retrain.channel)) ctx.log.warn('retraining trigger skipped: its channel does not exist', { rule: p.id, channel: retrain.channel });
        else if (!(await cycle.cooldowns.allows(model, now, retrain.cooldown))) ctx.log.info('retraining trigger skipped: within the cooldown', { rule: p.id, model });
        else {
          d.own.push(await retrainEntry(ctx, { ruleId: p.id, rule: { ...rule, retrain }, labels: s.labels, notificationKey: nkey, value, window: { from: p.to - step, to: p.to }, now }, model));
          d.retrained = model;
        }
      }
    }
    // Alertmanager resolves an alert it has not heard of for its resolve_timeout (5 min by default),
    // as Prometheus re-sends firing alerts: a firing series is sent again to its Alertmanager
    // channels once per ALERTMANAGER_REFRESH_MS slot from the second slot of its firing on;
    // Alertmanager keeps one alert per label set
    if (step_.notify === null && step_.state.status === 'firing' && now - (step_.state.firingSince ?? now) >= ALERTMANAGER_REFRESH_MS && rule.channels.some((ch) => cycle.alertmanagers.has(ch))) {
      const n = notificationOf(p.id, rule, s.labels, { ...step_, notify: 'firing' }, now, prev.firingSince);
      d.refresh = membersOf(ctx, p.id, { ...rule, channels: rule.channels.filter((ch) => cycle.alertmanagers.has(ch)) }, n, cycle, now);
    }
  }
  const written = await writeUnlessChanged(p.id, cycle.mark, () => writeCycle(ctx, p.id, stepped, { channelIds, now, nowIso, summary, cooldowns: cycle.cooldowns, kind: 'group' }));
  if (!written) ctx.log.info('alert rule changed during the cycle; its evaluation is left to the next one', { rule: p.id });
}

/** The value compared for each point of a series (the last one is evaluated); throws when it cannot be computed. */
async function seriesValues(ctx: ServiceContext, p: Planned, labels: Record<string, string>, points: Points, now: number): Promise<(number | null)[]> {
  const { rule, step } = p;
  if (rule.condition.kind === 'performance_drop' && rule.condition.source === 'estimated') return (points[points.length - 1]?.[1] ?? null) === null ? [null] : [await estimatedDrop(ctx, rule, labels, { from: p.to - step, to: p.to }, now)];
  const baseline = rule.condition.kind === 'performance_drop' ? await baselineOf(ctx, rule, labels, now) : null;
  return points.length ? valuesOf(rule, points, step, points.length - 1, baseline) : [];
}


