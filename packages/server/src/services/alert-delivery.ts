// How a rule's notifications of one cycle reach the outbox (docs/alerts.md, "Evaluation" and
// "Grouping"): who gets each one (silences, the rule's channels, their routes), how they are grouped
// (one outbox entry per rule, channel and cycle), and the crash-safe write of the groups with the
// states of the series they list (writeCycle, whose comment states the protocol). Shared by the
// evaluation cycle (evaluate-alerts.ts) and the resolution of a deleted or disabled rule's alerts
// (resolve-firing-series.ts), which also exclude each other here (changeRule).
import { createHash } from 'node:crypto';
import { renderTemplate, type AlertRule, type AlertState, type StepResult } from '@vigil/core';
import type { NewNotification, Silence, StoredAlertState } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { routeAllows, type Route } from '../notify/channel.ts';
import { groupOf } from '../notify/group.ts';
import type { Notification } from '../notify/notification.ts';
import { seriesKeyOf } from './alert-series.ts';
import type { RetrainCooldowns } from './retraining-triggers.ts';

/** What decides who gets a notification: active silences, the channels that exist, their routes. */
export interface Audience {
  silences: Silence[];
  channelIds: Set<string>;
  routes: Map<string, Route | undefined>;
}

/** The counts a write adds to (an EvaluationSummary). */
export interface Tally {
  transitions: number;
  enqueued: number;
}

/** How often a firing alert is sent again to Alertmanager: well inside its default resolve_timeout (5 min). */
export const ALERTMANAGER_REFRESH_MS = 2 * 60_000;

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

/** A series' notification for one channel, waiting for its group's outbox entry. */
export interface Member {
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
export function splitDetail(detail: Record<string, unknown>): { state: AlertState; unsent: Unsent[] } {
  const { unsent, ...state } = detail;
  return { state: state as unknown as AlertState, unsent: Array.isArray(unsent) ? (unsent as Unsent[]) : [] };
}

/** Every label a silence or a route matches: the notification's plus alertname, rule_id and severity. */
export const matchLabels = (id: string, rule: AlertRule, n: Notification) => ({ ...n.labels, alertname: rule.name, rule_id: id, severity: rule.severity });

/** The channels of the rule a notification goes to: not silenced, existing, and let through by their route. */
export function membersOf(ctx: ServiceContext, id: string, rule: AlertRule, n: Notification, cycle: Audience, now: number): Member[] {
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
export interface Stepped {
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
export async function writeCycle(
  ctx: ServiceContext, ruleId: string, stepped: Stepped[],
  o: { channelIds: Set<string>; now: number; nowIso: string; summary: Tally; cooldowns: RetrainCooldowns | null; kind: 'group' | 'deleted' | 'disabled' },
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

// A rule change (update, disable, delete; the last two resolve the rule's alerts first) and a
// cycle's writes for that rule exclude each other, within this process. A cycle that read the
// rules and states before a change of the rule writes nothing for it: from those stale states it
// would resolve the alerts a second time, or write them firing again on a disabled rule. The next
// cycle evaluates the rule afresh.
let generation = 0;
const changedAt = new Map<string, number>();
const busy = new Map<string, Promise<unknown>>();

async function exclusive<T>(ruleId: string, fn: () => Promise<T>): Promise<T> {
  const run = (busy.get(ruleId) ?? Promise.resolve()).then(fn);
  const tail = run.catch(() => undefined);
  busy.set(ruleId, tail);
  try {
    return await run;
  } finally {
    if (busy.get(ruleId) === tail) busy.delete(ruleId);
  }
}

/** Taken by a cycle before it reads rules and states; see writeUnlessChanged. */
export const changeMark = (): number => generation;

/** Runs a change of the rule while no cycle writes it; cycles that read it before skip their writes. */
export function changeRule<T>(ruleId: string, change: () => Promise<T>): Promise<T> {
  return exclusive(ruleId, async () => {
    try {
      return await change();
    } finally {
      changedAt.set(ruleId, ++generation);
    }
  });
}

/** Runs a cycle's write of the rule unless the rule changed since `mark`; false when skipped. */
export function writeUnlessChanged(ruleId: string, mark: number, write: () => Promise<void>): Promise<boolean> {
  return exclusive(ruleId, async () => {
    if ((changedAt.get(ruleId) ?? -Infinity) > mark) return false;
    await write();
    return true;
  });
}
