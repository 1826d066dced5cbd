// Alert rules, their current alerts and their history. A rule reaches the models its `model` filter
// names; without one it watches every model, so reading it needs read on all models and changing it
// write on all. Rules the caller may not read are absent from lists and read as missing (404).
import { can, canAll, VigilError, type AlertRule } from '@vigil/core';
import type { StoredAlertRule } from '@vigil/storage';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { changeRule } from './alert-delivery.ts';
import { resolveFiringSeries } from './resolve-firing-series.ts';

export type RuleView = AlertRule & { enabled: boolean; created_by: string | null; created_at: string; updated_at: string };

export interface RuleInput {
  rule: AlertRule;
  enabled: boolean;
}

/** States worth showing: an ok or resolved series is not an alert. */
export const ALERT_STATES = ['firing', 'pending', 'no_data', 'error'] as const;

export interface AlertView {
  rule_id: string;
  rule_name: string;
  severity: string;
  state: string;
  labels: Record<string, string>;
  /** When the series entered this state (ISO). */
  since: string | null;
  value: number | null;
  error: string | null;
  updated_at: string;
}

const iso = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null);
const modelsOf = (spec: Record<string, unknown>): string[] | null => (spec.model === undefined ? null : [spec.model as string | string[]].flat());

async function allowed(ctx: ServiceContext, actor: Actor, action: 'read' | 'write', spec: Record<string, unknown>): Promise<boolean> {
  const models = modelsOf(spec);
  if (models === null) return canAll(actor.principal, action);
  for (const id of models) {
    const entry = await ctx.registry.get(id);
    if (!can(actor.principal, action, { id, owner_team: entry?.model.owner_team ?? null })) return false;
  }
  return true;
}

const view = (r: StoredAlertRule): RuleView => ({ ...(r.spec as AlertRule), id: r.id, name: r.name, enabled: r.enabled, created_by: r.created_by, created_at: r.created_at, updated_at: r.updated_at });
const missing = (id: string) => new VigilError('not_found', `alert rule "${id}" does not exist`, { hint: 'list rules with GET /api/v1/alerts/rules' });

async function readable(ctx: ServiceContext, actor: Actor, id: string): Promise<StoredAlertRule> {
  const r = await ctx.stores.meta.getAlertRule(id);
  if (!r || !(await allowed(ctx, actor, 'read', r.spec))) throw missing(id);
  return r;
}

async function assertWritable(ctx: ServiceContext, actor: Actor, spec: Record<string, unknown>): Promise<void> {
  if (await allowed(ctx, actor, 'write', spec)) return;
  const models = modelsOf(spec);
  throw new VigilError('forbidden', models === null ? 'a rule without a model filter watches every model: changing it needs the editor role on all models' : `changing a rule on ${models.map((m) => `"${m}"`).join(', ')} needs the editor role on each`, {
    hint: 'set "model" to models you may edit',
  });
}

/** Every channel a rule names exists, and a retraining target is a webhook. */
async function assertChannels(ctx: ServiceContext, rule: AlertRule): Promise<void> {
  const details: { field: string; message: string }[] = [];
  for (const [i, id] of rule.channels.entries()) if (!(await ctx.stores.meta.getChannel(id))) details.push({ field: `channels.${i}`, message: `no notification channel "${id}"` });
  if (rule.retrain) {
    const c = await ctx.stores.meta.getChannel(rule.retrain.channel);
    if (!c) details.push({ field: 'retrain.channel', message: `no notification channel "${rule.retrain.channel}"` });
    else if (c.type !== 'webhook') details.push({ field: 'retrain.channel', message: `channel "${rule.retrain.channel}" is a ${c.type} channel; retraining triggers go to a webhook` });
  }
  if (details.length) throw new VigilError('validation_failed', 'invalid rule', { details, hint: 'create channels with POST /api/v1/alerts/channels, or list them with GET' });
}

export async function listRules({ ctx, actor }: { ctx: ServiceContext; actor: Actor }): Promise<RuleView[]> {
  const out: RuleView[] = [];
  for (const r of await ctx.stores.meta.listAlertRules()) if (await allowed(ctx, actor, 'read', r.spec)) out.push(view(r));
  return out;
}

export async function getRule({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<RuleView> {
  return view(await readable(ctx, actor, input.id));
}

export async function createRule({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: RuleInput }): Promise<RuleView> {
  await assertWritable(ctx, actor, input.rule);
  await assertChannels(ctx, input.rule);
  const now = new Date(ctx.clock.now()).toISOString();
  // the id is the store's: the spec is saved once with a placeholder, then with its own id
  const created = await ctx.stores.meta.createAlertRule({ name: input.rule.name, enabled: input.enabled, spec: { ...input.rule }, created_by: actor.principal.userId }, now);
  const r = await ctx.stores.meta.updateAlertRule(created.id, { name: input.rule.name, enabled: input.enabled, spec: { ...input.rule, id: created.id } }, now);
  await ctx.audit.record(auditBy(actor, 'alert_rule.create', { type: 'alert_rule', id: r.id }, 'success', { name: r.name, enabled: r.enabled, metric: input.rule.metric, model: input.rule.model ?? null }));
  return view(r);
}

export async function updateRule({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: RuleInput & { id: string } }): Promise<RuleView> {
  const cur = await readable(ctx, actor, input.id);
  await assertWritable(ctx, actor, cur.spec);
  await assertWritable(ctx, actor, input.rule);
  await assertChannels(ctx, input.rule);
  // the store has no transaction spanning both: the resolved notifications go first, so a failed
  // update leaves them sent and the rule enabled (its next cycle fires again if the breach holds)
  // update, while no evaluation cycle writes the rule (alert-delivery.ts, changeRule)
  const r = await changeRule(input.id, async () => {
    if (cur.enabled && !input.enabled) await resolveFiringSeries(ctx, { rule: cur, why: 'disabled' });
    return ctx.stores.meta.updateAlertRule(input.id, { name: input.rule.name, enabled: input.enabled, spec: { ...input.rule, id: input.id } }, new Date(ctx.clock.now()).toISOString());
  });
  await ctx.audit.record(auditBy(actor, 'alert_rule.update', { type: 'alert_rule', id: r.id }, 'success', { name: r.name, enabled: r.enabled, metric: input.rule.metric, model: input.rule.model ?? null }));
  return view(r);
}

export async function deleteRule({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  const cur = await readable(ctx, actor, input.id);
  await assertWritable(ctx, actor, cur.spec);
  // before the delete (recordEvaluation needs the rule): its firing alerts are resolved at every receiver
  await changeRule(input.id, async () => {
    await resolveFiringSeries(ctx, { rule: cur, why: 'deleted' });
    await ctx.stores.meta.deleteAlertRule(input.id);
  });
  await ctx.audit.record(auditBy(actor, 'alert_rule.delete', { type: 'alert_rule', id: cur.id }, 'success', { name: cur.name }));
}

/** Rules the caller may read, by id. */
async function readableRules(ctx: ServiceContext, actor: Actor): Promise<Map<string, StoredAlertRule>> {
  const out = new Map<string, StoredAlertRule>();
  for (const r of await ctx.stores.meta.listAlertRules()) if (await allowed(ctx, actor, 'read', r.spec)) out.set(r.id, r);
  return out;
}

/** Series of enabled rules that are firing, pending, without data or failing, most severe first, then oldest. */
export async function listAlerts({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { state?: string; ruleId?: string } }): Promise<AlertView[]> {
  const rules = await readableRules(ctx, actor);
  const wanted = new Set<string>(input.state ? [input.state] : ALERT_STATES);
  const rank = (s: string) => ({ critical: 0, warning: 1, info: 2 })[s] ?? 3;
  const out: AlertView[] = [];
  for (const s of await ctx.stores.meta.listAlertStates(input.ruleId)) {
    const r = rules.get(s.rule_id);
    // a disabled rule is not evaluated: its last state is stale, and health ignores it too
    if (!r || !r.enabled || !wanted.has(s.state)) continue;
    const d = s.detail;
    out.push({
      rule_id: r.id, rule_name: r.name, severity: String(r.spec.severity ?? 'warning'), state: s.state, labels: s.labels,
      since: iso(d.since), value: typeof d.value === 'number' ? d.value : null, error: typeof d.error === 'string' ? d.error : null, updated_at: s.updated_at,
    });
  }
  return out.sort((a, b) => rank(a.severity) - rank(b.severity) || (a.since ?? '').localeCompare(b.since ?? '') || a.rule_name.localeCompare(b.rule_name));
}

/** Transitions, newest first, of the rules the caller may read. */
export async function listHistory({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { ruleId?: string; since?: string; limit: number } }) {
  if (input.ruleId) await readable(ctx, actor, input.ruleId);
  const rules = await readableRules(ctx, actor);
  // a deleted rule's history stays; only a reader of every model may see it (its scope is gone)
  const everything = canAll(actor.principal, 'read');
  // filtering after the store's limit could starve a scoped reader: ask for more, then cut
  const rows = await ctx.stores.meta.listAlertTransitions({ ...(input.ruleId ? { ruleId: input.ruleId } : {}), ...(input.since ? { since: input.since } : {}), limit: input.ruleId || everything ? input.limit : Math.min(10_000, input.limit * 4) });
  return rows
    .filter((t) => everything || rules.has(t.rule_id))
    .slice(0, input.limit)
    .map((t) => ({ id: t.id, rule_id: t.rule_id, rule_name: rules.get(t.rule_id)?.name ?? null, labels: t.labels, from: t.from_state, to: t.to_state, at: t.at, value: t.value, detail: t.detail }));
}
