import type { OutboxEntry } from '@vigil/storage';
import { z } from 'zod';
import type { Channel } from './channel.ts';
import type { SendResult } from './result.ts';
import { sendRetrainTrigger } from './retrain.ts';
import type { NotifyContext } from './send.ts';

export const RETRAIN_KEY_PREFIX = 'retrain|';
/** What an outbox entry of a trigger holds (times in epoch ms). */
export const RetrainPayloadSchema = z.object({
  event: z.literal('retrain'),
  trigger_id: z.string(),
  model: z.string(),
  version: z.string().nullable(),
  rule_id: z.string(),
  reason: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  triggered_at: z.number(),
  generator_url: z.string(),
});
export type RetrainPayload = z.infer<typeof RetrainPayloadSchema>;

/** An outbox entry that holds a retraining trigger rather than an alert notification. */
export const isRetrainEntry = (e: OutboxEntry): boolean => e.dedup_key.startsWith(RETRAIN_KEY_PREFIX);

/** Sends a queued retraining trigger once, signed, to its webhook channel (the outbox retries). */
export async function deliverRetrainTrigger(ctx: NotifyContext, channel: Channel, e: OutboxEntry): Promise<SendResult> {
  const p = RetrainPayloadSchema.safeParse(e.payload);
  if (!p.success) return { ok: false, retryable: false, code: 'invalid_channel', message: `outbox entry ${e.id} holds no retraining trigger (${p.error.issues.map((i) => i.path.join('.')).join(', ')})` };
  if (channel.type !== 'webhook') return { ok: false, retryable: false, code: 'invalid_channel', message: `retraining triggers go to webhook channels; "${e.channel_id}" is ${channel.type}` };
  const { event: _event, ...trigger } = p.data;
  const result = await sendRetrainTrigger(channel, trigger, { fetch: ctx.fetch, now: ctx.clock.now(), signal: AbortSignal.timeout(ctx.timeoutMs) }).catch(
    (err: unknown): SendResult => ({ ok: false, retryable: true, code: 'network', message: `send failed: ${(err as Error).message}` }),
  );
  const fields = { trigger_id: trigger.trigger_id, model: trigger.model, rule_id: trigger.rule_id };
  if (result.ok) ctx.log.info('retraining trigger sent', fields);
  else ctx.log.warn('retraining trigger failed', { ...fields, code: result.code, retryable: result.retryable, error: result.message });
  return result;
}
