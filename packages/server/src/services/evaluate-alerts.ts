// One evaluation cycle of the alert rules at `now` (docs/alerts.md, "Evaluation"). For each due,
// enabled rule: read its metric through the query API's own code (an internal scope over every
// model), take each series' value at the last fully elapsed step (alert-series.ts), step the pure
// state machine from the stored state, and record the new state, its transition and its
// notifications (one per channel of the rule) in one transaction. A series matched by an active
// silence changes state and history like any other but enqueues nothing. A rule whose query fails
// moves its series to `error` (a firing one stays firing, with the error noted). A rule with
// `retrain` also enqueues a retraining trigger when a series starts firing, at most once per
// cooldown per model (retraining-triggers.ts), in the same transaction.
//
// Cost: rules reading the same metric, step, version, filters and grouping share one query; rules
// on a single model are merged across models (grouped by model, then split), so 10,000 rules over
// 100 models make a few dozen queries, not 10,000.
import { createHash } from 'node:crypto';
import {
  AlertRuleSchema,
  initialAlertState,
  nextAlertState,
  notificationKey,
  outcomeOf,
  performanceDrop,
  productionVersionAt,
  renderTemplate,
  type AlertRule,
  type AlertState,
  type Series,
  type StepResult,
} from '@vigil/core';
import type { NewNotification, Silence, StoredAlertRule, StoredAlertState } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { routeAllows, type Route } from '../notify/channel.ts';
import { groupOf } from '../notify/group.ts';
import type { Notification } from '../notify/notification.ts';
import { baselineFrom, estimatedMetric, evaluatedMetricOf, historySteps, metricQueryOf, segmentsOf, seriesKeyOf, stepEnd, stepOf, valuesOf, type Points } from './alert-series.ts';
import { estimatePerformance } from './estimate-performance.ts';
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
function ruleOf(s: StoredAlertRule): AlertRule | null {
  const hit = parsed.get(s.id);
  if (hit && hit.updatedAt === s.updated_at) return hit.rule;
  const r = AlertRuleSchema.safeParse({ ...s.spec, id: s.id, name: s.name });
  parsed.set(s.id, { updatedAt: s.updated_at, rule: r.success ? r.data : null });
  return r.success ? r.data : null;
}

const singleModel = (rule: AlertRule): string | null => (typeof rule.model === 'string' ? rule.model : rule.model?.length === 1 ? (rule.model[0] as string) : null);

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

/** Every label a silence matcher may name: the series', the rule's rendered labels, and alertname, rule_id, severity. */
export function alertLabels(id: string, rule: AlertRule, series: Record<string, string>, value: number | null): Record<string, string> {
  const ctx = { labels: series, value, rule: { id, name: rule.name, severity: rule.severity, metric: rule.metric } };
  const own = Object.fromEntries(Object.entries(rule.labels).map(([k, v]) => [k, renderTemplate(v, ctx)]));
  return { ...series, ...own };
}

/** The Notification a step's notify stands for (docs: notify/notification.ts). */
export function notificationOf(id: string, rule: AlertRule, series: Record<string, string>, step: StepResult, now: number, prevFiringSince: number | null): Notification {
  const value = step.state.value;
  const ctx = { labels: series, value, rule: { id, name: rule.name, severity: rule.severity, metric: rule.metric } };
  const resolved = step.notify === 'resolved';
  return {
    rule_id: id,
    rule_name: rule.name,
    severity: rule.severity,
    status: resolved ? 'resolved' : 'firing',
    labels: alertLabels(id, rule, series, value),
    annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, renderTemplate(v, ctx)])),
    value,
    starts_at: (resolved ? prevFiringSince : step.state.firingSince) ?? now,
    ...(resolved ? { ends_at: now } : {}),
    ...(rule.runbook_url ? { runbook_url: rule.runbook_url } : {}),
    dedup_key: `${id}|${seriesKeyOf(series)}`,
    generator_url: `/alerts/${encodeURIComponent(id)}`,
  };
}

/** A silence that has begun and whose every matcher equals a label. */
export function isSilenced(silences: readonly Silence[], labels: Readonly<Record<string, string>>, now: number): boolean {
  return silences.some((s) => Date.parse(s.starts_at) <= now && Date.parse(s.ends_at) > now && Object.entries(s.matchers).every(([k, v]) => labels[k] === v));
}

/** The version's validation value a performance_drop series is compared with; null when none is known. */
async function baselineOf(ctx: ServiceContext, rule: AlertRule, labels: Record<string, string>, now: number): Promise<number | null> {
  const model = labels.model ?? singleModel(rule);
  if (model === null) return null;
  const version = labels.version ?? rule.version ?? productionVersionAt(await ctx.stores.meta.listDeployments(model, { environment: 'production' }), now);
  if (version === null) return null;
  const v = await ctx.stores.meta.getVersion(model, version);
  return v ? baselineFrom(rule.metric, v.validation_metrics) : null;
}

/**
 * performance_drop on estimated values: the label-free estimate (CBPE, estimate-performance.ts) of
 * the series' model, version (else all versions) and segments over the evaluated step, against the
 * version's validation metric as for realized values. No baseline or no estimate is no data; a
 * model the estimate cannot serve (no reference, a regressor) is an error, saying why.
 */
async function estimatedDrop(ctx: ServiceContext, p: Planned, labels: Record<string, string>, now: number): Promise<number | null> {
  const { rule } = p;
  const c = rule.condition;
  if (c.kind !== 'performance_drop') return null;
  const model = labels.model ?? singleModel(rule);
  if (model === null) throw new Error('an estimated performance_drop reads one model at a time: set "model" or group by model');
  const baseline = await baselineOf(ctx, rule, labels, now);
  if (baseline === null) return null;
  const est = await estimatePerformance({ ctx, input: { modelId: model, from: p.to - p.step, to: p.to, version: labels.version ?? rule.version ?? null, segments: segmentsOf(rule), stepMs: null, reference: null } });
  if (est.status === 'no_reference') throw new Error(`no performance estimate: ${est.reason ?? 'no labelled reference'}`);
  if (est.status !== 'ok') return null;
  const live = estimatedMetric(rule.metric, est.metrics.accuracy.estimate, est.positive, est.confusion_matrix);
  return live === null ? null : performanceDrop(rule.metric, live, baseline, c.mode);
}

export interface EvaluateInput {
  now: number;
  /** Which rules this cycle evaluates (the scheduler's intervals); all enabled rules by default. */
  isDue?: (rule: StoredAlertRule, spec: AlertRule) => boolean;
}

/** How often a firing alert is sent again to Alertmanager: well inside its default resolve_timeout (5 min). */
export const ALERTMANAGER_REFRESH_MS = 2 * 60_000;

export async function evaluateAlerts({ ctx, input }: { ctx: ServiceContext; input: EvaluateInput }): Promise<EvaluationSummary> {
  const { now } = input;
  const nowIso = new Date(now).toISOString();
  const meta = ctx.stores.meta;
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
        await evaluateRule(ctx, p, read?.get(p) ?? null, error, statesOf.get(p.id) ?? [], { silences, channelIds, alertmanagers, routes, cooldowns }, now, nowIso, summary);
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
}

/** A series' notification for one channel, waiting for its group's outbox entry. */
interface Member {
  channel: string;
  n: Notification;
}

/**
 * A member written with a series' state before its group entry was (a crash between the two writes
 * leaves it there), with its group's key: the next cycle rebuilds that entry, and it is enqueued
 * once whether or not it had already been written.
 */
interface Unsent extends Member {
  key: string;
}

/**
 * The outbox key of the group of `rule`'s notifications for `channel` made at `at`: by an evaluation
 * cycle (`group`), or when the rule was deleted or disabled.
 */
export const groupKey = (ruleId: string, channel: string, at: number, kind: 'group' | 'deleted' | 'disabled' = 'group'): string => `${ruleId}|${kind}|${channel}|${at}`;

/** A stored state's core part, and the members it still holds (see Unsent). */
function splitDetail(detail: Record<string, unknown>): { state: AlertState; unsent: Unsent[] } {
  const { unsent, ...state } = detail;
  return { state: state as unknown as AlertState, unsent: Array.isArray(unsent) ? (unsent as Unsent[]) : [] };
}

/** Every label a silence or a route matches: the notification's plus alertname, rule_id and severity. */
const matchLabels = (id: string, rule: AlertRule, n: Notification) => ({ ...n.labels, alertname: rule.name, rule_id: id, severity: rule.severity });

/** The channels of the rule a notification goes to: not silenced, existing, and let through by their route. */
function membersOf(ctx: ServiceContext, id: string, rule: AlertRule, n: Notification, cycle: Pick<Cycle, 'silences' | 'channelIds' | 'routes'>, now: number): Member[] {
  const labels = matchLabels(id, rule, n);
  if (isSilenced(cycle.silences, labels, now)) return [];
  const out: Member[] = [];
  for (const ch of rule.channels) {
    if (!cycle.channelIds.has(ch)) {
      ctx.log.warn('alert rule names a channel that does not exist; notification skipped', { rule: id, channel: ch });
      continue;
    }
    // the channel's route decides (both transitions of an alert go the same way: the labels and severity do not change)
    if (routeAllows(cycle.routes.get(ch), labels, rule.severity)) out.push({ channel: ch, n });
  }
  return out;
}

/** Groups members by key into outbox entries, in first-seen order. */
function groupEntries(members: Iterable<{ key: string; channel: string; n: Notification }>): NewNotification[] {
  const byKey = new Map<string, { channel: string; alerts: Notification[] }>();
  for (const m of members) {
    const g = byKey.get(m.key) ?? { channel: m.channel, alerts: [] };
    g.alerts.push(m.n);
    byKey.set(m.key, g);
  }
  return [...byKey].map(([key, g]) => ({ dedup_key: key, channel_id: g.channel, payload: groupOf(key, g.alerts) as unknown as Record<string, unknown> }));
}

/** One series' outcome of a cycle, before anything is written. */
interface Stepped {
  key: string;
  labels: Record<string, string>;
  step: StepResult;
  prevStored: StoredAlertState | undefined;
  /** Members left over from an earlier cycle (see Unsent). */
  leftover: Unsent[];
  members: Member[];
  refresh: Member[];
  /** Entries written with the series' own state (retraining triggers). */
  own: NewNotification[];
  retrained: string | null;
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
      d.refresh = membersOf(ctx, p.id, rule, n, { ...cycle, channelIds: cycle.alertmanagers }, now);
    }
  }
  await writeCycle(ctx, p.id, stepped, { channelIds, now, nowIso, summary, cooldowns: cycle.cooldowns, kind: 'group' });
}

/** The value compared for each point of a series (the last one is evaluated); throws when it cannot be computed. */
async function seriesValues(ctx: ServiceContext, p: Planned, labels: Record<string, string>, points: Points, now: number): Promise<(number | null)[]> {
  const { rule, step } = p;
  if (rule.condition.kind === 'performance_drop' && rule.condition.source === 'estimated') return (points[points.length - 1]?.[1] ?? null) === null ? [null] : [await estimatedDrop(ctx, p, labels, now)];
  const baseline = rule.condition.kind === 'performance_drop' ? await baselineOf(ctx, rule, labels, now) : null;
  return points.length ? valuesOf(rule, points, step, points.length - 1, baseline) : [];
}

/**
 * Writes a rule's cycle so that its groups (one outbox entry per channel) are written atomically
 * with every series they list, through the store's one-series transaction (recordEvaluation):
 *
 * 1. each notifying series but the last is written with its members kept in its state (`unsent`);
 * 2. the series that need no group entry are written (or skipped when unchanged);
 * 3. the last notifying series (the carrier) is written with every group entry: this cycle's
 *    members, members left over from a crashed cycle (under their own cycle's key), Alertmanager
 *    refreshes;
 * 4. the states written in 1, and those that held leftovers, are written again without them.
 *
 * A crash in 1 or 2 leaves members in states, and the next cycle enqueues them under this cycle's
 * group key; a crash in 4 leaves members whose group exists, and the next cycle's rebuilt entry
 * has the same key, so it is not enqueued again. A series not written yet is evaluated again by
 * the next cycle. So nothing is lost and no group is enqueued twice.
 */
async function writeCycle(
  ctx: ServiceContext, ruleId: string, stepped: Stepped[],
  o: { channelIds: Set<string>; now: number; nowIso: string; summary: EvaluationSummary; cooldowns: RetrainCooldowns | null; kind: 'group' | 'deleted' | 'disabled' },
): Promise<void> {
  const { channelIds, now, nowIso, summary, cooldowns } = o;
  const meta = ctx.stores.meta;
  const write = async (d: Stepped, o: { unsent?: Unsent[]; transition: boolean; extra?: NewNotification[] }): Promise<void> => {
    const t = o.transition ? d.step.transition : null;
    const detail = { ...(d.step.state as unknown as Record<string, unknown>), ...(o.unsent ? { unsent: o.unsent } : {}) };
    const r = await meta.recordEvaluation({
      rule_id: ruleId, series_key: d.key, labels: d.labels, state: d.step.state.status, detail,
      transition: t ? { from_state: t.from, to_state: t.to, value: t.value, detail: { ...(t.error ? { error: t.error } : {}), ...(d.step.notify ? { notify: d.step.notify } : {}) } } : null,
      notifications: [...(o.transition ? d.own : []), ...(o.extra ?? [])],
    }, nowIso);
    if (t) summary.transitions++;
    summary.enqueued += r.enqueued;
    if (o.transition && d.retrained !== null) cooldowns?.noteTriggered(d.retrained, now);
  };
  const notifying = stepped.filter((d) => d.members.length > 0);
  const carrier = notifying[notifying.length - 1] ?? [...stepped].reverse().find((d) => d.leftover.length > 0 || d.refresh.length > 0) ?? null;
  const members: { key: string; channel: string; n: Notification }[] = [];
  for (const d of stepped) for (const m of d.leftover) if (channelIds.has(m.channel)) members.push(m);
  const own = (m: Member): Unsent => ({ ...m, key: groupKey(ruleId, m.channel, now, o.kind) });
  for (const d of notifying) for (const m of d.members) members.push(own(m));
  const refresh = stepped.flatMap((d) => d.refresh.map((m) => ({ ...m, series: d.key })));
  if (refresh.length > 0) {
    // a refresh goes once per slot and set of series: a later cycle in the slot with more due series sends them all again (Alertmanager merges)
    const slot = Math.floor(now / ALERTMANAGER_REFRESH_MS);
    const sets = createHash('sha256').update(JSON.stringify([...new Set(refresh.map((m) => m.series))].sort())).digest('hex').slice(0, 16);
    for (const m of refresh) members.push({ key: `${ruleId}|alertmanager-refresh|${slot}|${m.channel}|${sets}`, channel: m.channel, n: m.n });
  }

  for (const d of notifying) if (d !== carrier) await write(d, { unsent: [...d.leftover, ...d.members.map(own)], transition: true });
  for (const d of stepped) {
    if (d === carrier || d.members.length > 0 || d.leftover.length > 0) continue;
    // an unchanged state is not rewritten: most series of most cycles stay ok with the same value
    if (d.prevStored && d.step.transition === null && d.own.length === 0 && JSON.stringify(d.step.state) === JSON.stringify(d.prevStored.detail)) continue;
    await write(d, { transition: true });
  }
  if (carrier) await write(carrier, { transition: true, extra: groupEntries(members) });
  for (const d of stepped) {
    if (d === carrier) continue;
    if (d.members.length > 0) await write(d, { transition: false });
    else if (d.leftover.length > 0) await write(d, { transition: true });
  }
}

/**
 * A rule is being deleted or disabled: its firing series resolve now, and their resolved
 * notifications are enqueued (grouped and written as an evaluation cycle's, writeCycle) before the
 * change, so no receiver keeps an alert open (a PagerDuty incident, an Alertmanager alert until its
 * resolve_timeout). Silences and routes apply as to any resolution. Members a crashed cycle left in
 * the states are flushed too. Returns the outbox entries enqueued.
 */
export async function resolveFiringSeries(ctx: ServiceContext, input: { rule: StoredAlertRule; why: 'deleted' | 'disabled' }): Promise<number> {
  const rule = ruleOf(input.rule);
  if (rule === null) return 0;
  const id = input.rule.id;
  const now = ctx.clock.now();
  const nowIso = new Date(now).toISOString();
  const meta = ctx.stores.meta;
  const [states, silences, channels] = await Promise.all([meta.listAlertStates(id), meta.listSilences(nowIso), meta.listChannels()]);
  const cycle = { silences, channelIds: new Set(channels.map((c) => c.id)), routes: new Map(channels.map((c) => [c.id, (c.config as { route?: Route }).route])) };
  const stepped: Stepped[] = [];
  for (const st of states) {
    const { state: prev, unsent } = splitDetail(st.detail);
    if (prev.status !== 'firing' && unsent.length === 0) continue;
    // the state machine's own resolution: a clear with no keep_firing_for left
    const step = prev.status === 'firing' ? nextAlertState(prev, { now, outcome: 'clear', value: prev.value }, { ...rule, keep_firing_for: 0 }) : { state: prev, transition: null, notify: null };
    const members = step.notify === 'resolved' ? membersOf(ctx, id, rule, notificationOf(id, rule, st.labels, step, now, prev.firingSince), cycle, now) : [];
    stepped.push({ key: st.series_key, labels: st.labels, step, prevStored: st, leftover: unsent, members, refresh: [], own: [], retrained: null });
  }
  const summary: EvaluationSummary = { evaluated: [id], queries: 0, series: stepped.length, transitions: 0, enqueued: 0, failed: 0 };
  await writeCycle(ctx, id, stepped, { channelIds: cycle.channelIds, now, nowIso, summary, cooldowns: null, kind: input.why });
  return summary.enqueued;
}
