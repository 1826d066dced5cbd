import type { z } from 'zod';
import { WebhookChannelSchema } from './channel.ts';
import { iso } from './notification.ts';
import type { SendOptions, SendResult } from './result.ts';
import { sendSignedJson } from './webhook.ts';

/** Where a rule's retraining trigger goes (an Airflow, Kubeflow or any pipeline endpoint). */
export const RetrainTargetSchema = WebhookChannelSchema.omit({ type: true });
export type RetrainTarget = z.infer<typeof RetrainTargetSchema>;

/** What the pipeline is told: which model to retrain, and why, with the numbers behind it. */
export interface RetrainTrigger {
  trigger_id: string;
  model: string;
  version: string | null;
  rule_id: string;
  reason: string;
  evidence: Record<string, unknown>;
  triggered_at: number;
  generator_url: string;
}

export function retrainPayload(t: RetrainTrigger) {
  return { schema_version: 1, event: 'retrain', ...t, triggered_at: iso(t.triggered_at) };
}

/** Signed exactly like alert webhooks, with `X-Vigil-Event: retrain`. Cooldown is the caller's. */
export function sendRetrainTrigger(target: RetrainTarget, t: RetrainTrigger, opts: SendOptions): Promise<SendResult> {
  return sendSignedJson('retrain webhook', target.url, target.secret, retrainPayload(t), 'retrain', opts);
}
