// The resolution of a deleted or disabled rule's firing alerts (docs/alerts.md, "Deleting or
// disabling a firing rule"), written as an evaluation cycle's are (alert-delivery.ts).
import { nextAlertState } from '@vigil/core';
import type { StoredAlertRule } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import type { Route } from '../notify/channel.ts';
import { membersOf, notificationOf, splitDetail, writeCycle, type Stepped } from './alert-delivery.ts';
import { ruleOf } from './evaluate-alerts.ts';

/**
 * A rule is being deleted or disabled: its firing series resolve now, and their resolved
 * notifications are enqueued (grouped and written as an evaluation cycle's, writeCycle) before the
 * change, so no receiver keeps an alert open (a PagerDuty incident, an Alertmanager alert until its
 * resolve_timeout). Silences and routes apply as to any resolution. Members a crashed cycle left in
 * the states are flushed too. Returns the outbox entries enqueued. Call it inside changeRule
 * (alert-delivery.ts), with the change it precedes, so no cycle writes the rule meanwhile.
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
  const summary = { transitions: 0, enqueued: 0 };
  await writeCycle(ctx, id, stepped, { channelIds: cycle.channelIds, now, nowIso, summary, cooldowns: null, kind: input.why });
  return summary.enqueued;
}
