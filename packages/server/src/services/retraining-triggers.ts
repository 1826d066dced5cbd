// Retraining triggers (docs/notifications.md, "Retraining triggers"). A rule with `retrain` enqueues,
// when one of its series starts firing, a signed webhook to the user's pipeline naming the model,
// version, reason and evidence. The trigger is an outbox entry on the rule's retrain channel, written
// in the same transaction as the firing state, so it is durable and sent at least once like any
// notification; its dedup key starts with `retrain|`. The outbox is also the record: the cooldown
// reads the model's last trigger from it, and GET /models/{id}/retraining-triggers lists it.
import { productionVersionAt, thresholdOf, type AlertRule } from '@vigil/core';
import type { NewNotification, OutboxEntry } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { deliveryId } from '../notify/outbox-worker.ts';
import { RETRAIN_KEY_PREFIX, RetrainPayloadSchema, type RetrainPayload } from '../notify/retrain-delivery.ts';
import { getModel } from './get-model.ts';

/** Outbox entries read to find triggers: the newest this many (the store's cap on one listing). */
const SCAN = 10_000;

export interface RetrainingTriggerView {
  trigger_id: string;
  model: string;
  version: string | null;
  rule_id: string;
  reason: string;
  evidence: Record<string, unknown>;
  triggered_at: string;
  /** Delivery to the pipeline: pending, sending, sent or failed (the outbox's). */
  delivery: { status: string; attempts: number; sent_at: string | null; last_error: string | null };
}

const triggersIn = (entries: OutboxEntry[]): { entry: OutboxEntry; payload: RetrainPayload }[] =>
  entries.flatMap((entry) => {
    if (!entry.dedup_key.startsWith(RETRAIN_KEY_PREFIX)) return [];
    const p = RetrainPayloadSchema.safeParse(entry.payload);
    return p.success ? [{ entry, payload: p.data }] : [];
  });

/** One evaluation cycle's view of past triggers: loaded on first use, updated as the cycle enqueues. */
export class RetrainCooldowns {
  private last: Map<string, number> | null = null;
  constructor(private readonly ctx: ServiceContext) {}

  private async load(): Promise<Map<string, number>> {
    if (this.last) return this.last;
    this.last = new Map();
    for (const { payload } of triggersIn(await this.ctx.stores.meta.listNotifications({ limit: SCAN }))) {
      this.last.set(payload.model, Math.max(this.last.get(payload.model) ?? -Infinity, payload.triggered_at));
    }
    return this.last;
  }

  /** Whether a trigger for `model` at `now` respects `cooldown` since the model's last one. */
  async allows(model: string, now: number, cooldown: number): Promise<boolean> {
    const last = (await this.load()).get(model);
    return last === undefined || now - last >= cooldown;
  }

  noteTriggered(model: string, now: number): void {
    this.last?.set(model, now);
  }
}

export interface TriggerInput {
  ruleId: string;
  rule: AlertRule & { retrain: NonNullable<AlertRule['retrain']> };
  labels: Record<string, string>;
  /** The firing notification's key: the trigger's key derives from it, so a replayed step maps onto it. */
  notificationKey: string;
  value: number | null;
  /** The evaluated step, [from, to). */
  window: { from: number; to: number };
  now: number;
}

/** The model a trigger names: the series' model label, else the rule's single model; null when neither. */
export function triggerModel(rule: AlertRule, labels: Record<string, string>): string | null {
  if (labels.model) return labels.model;
  if (typeof rule.model === 'string') return rule.model;
  return rule.model?.length === 1 ? (rule.model[0] as string) : null;
}

/** The outbox entry of a retraining trigger for a series that just started firing. */
export async function retrainEntry(ctx: ServiceContext, t: TriggerInput, model: string): Promise<NewNotification> {
  const version = t.labels.version ?? t.rule.version ?? productionVersionAt(await ctx.stores.meta.listDeployments(model, { environment: 'production' }), t.now);
  const th = thresholdOf(t.rule.condition);
  const shown = t.value === null ? 'no data' : String(Number(t.value.toPrecision(6)));
  const reason = th ? `${t.rule.name}: ${t.rule.metric} ${shown} ${th.op} ${th.value}` : `${t.rule.name}: ${t.rule.metric} ${t.rule.condition.kind} (value ${shown})`;
  const dedupKey = `${RETRAIN_KEY_PREFIX}${model}|${t.notificationKey}`;
  const payload: RetrainPayload = {
    event: 'retrain',
    trigger_id: deliveryId(dedupKey),
    model,
    version,
    rule_id: t.ruleId,
    reason,
    evidence: {
      rule_name: t.rule.name, metric: t.rule.metric, condition: t.rule.condition.kind, value: t.value,
      ...(th ? { threshold: th.value, op: th.op } : {}), labels: t.labels,
      window: { from: new Date(t.window.from).toISOString(), to: new Date(t.window.to).toISOString() },
    },
    triggered_at: t.now,
    generator_url: `/models/${encodeURIComponent(model)}`,
  };
  return { dedup_key: dedupKey, channel_id: t.rule.retrain.channel, payload };
}

/** The model's retraining triggers, newest first (from the newest 10,000 outbox entries). */
export async function listRetrainingTriggers({ ctx, input }: { ctx: ServiceContext; input: { modelId: string } }): Promise<RetrainingTriggerView[]> {
  await getModel({ ctx, input: { id: input.modelId } });
  return triggersIn(await ctx.stores.meta.listNotifications({ limit: SCAN }))
    .filter(({ payload }) => payload.model === input.modelId)
    .sort((a, b) => b.payload.triggered_at - a.payload.triggered_at)
    .map(({ entry, payload }) => ({
      trigger_id: payload.trigger_id, model: payload.model, version: payload.version, rule_id: payload.rule_id, reason: payload.reason, evidence: payload.evidence,
      triggered_at: new Date(payload.triggered_at).toISOString(),
      delivery: { status: entry.status, attempts: entry.attempts, sent_at: entry.sent_at, last_error: entry.last_error },
    }));
}
