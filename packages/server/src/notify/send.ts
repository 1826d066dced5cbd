import type { Clock, Logger } from '../context.ts';
import { redactChannel, type Channel } from './channel.ts';
import { sendAlertmanager } from './alertmanager.ts';
import { sendEmail, type CreateMailer } from './email.ts';
import type { Notification } from './notification.ts';
import { sendPagerDuty } from './pagerduty.ts';
import type { FetchLike, SendOptions, SendResult } from './result.ts';
import { sendSlack } from './slack.ts';
import { sendWebhook } from './webhook.ts';

/** The ports a delivery needs; the composition root passes the global fetch and the server clock. */
export interface NotifyContext {
  fetch: FetchLike;
  clock: Clock;
  log: Logger;
  /** Per request: an HTTP request or a whole SMTP session. */
  timeoutMs: number;
  createMailer?: CreateMailer;
}

/** Sends one notification to one channel, once. Retrying is the outbox's job; this says whether to. */
export async function sendNotification(ctx: NotifyContext, channel: Channel, n: Notification): Promise<SendResult> {
  const signal = AbortSignal.timeout(ctx.timeoutMs);
  const opts: SendOptions = { fetch: ctx.fetch, now: ctx.clock.now(), signal };
  let result: SendResult;
  switch (channel.type) {
    case 'webhook':
      result = await sendWebhook(channel, n, opts);
      break;
    case 'slack':
      result = await sendSlack(channel, n, opts);
      break;
    case 'alertmanager':
      result = await sendAlertmanager(channel, n, opts);
      break;
    case 'pagerduty':
      result = await sendPagerDuty(channel, n, opts);
      break;
    case 'email':
      result = await sendEmail(channel, n, { now: opts.now, signal, timeoutMs: ctx.timeoutMs, ...(ctx.createMailer ? { createMailer: ctx.createMailer } : {}) });
      break;
  }
  const fields = { channel: channel.type, rule_id: n.rule_id, status: n.status, dedup_key: n.dedup_key };
  if (result.ok) ctx.log.info('notification sent', fields);
  else ctx.log.warn('notification failed', { ...fields, code: result.code, retryable: result.retryable, error: result.message, target: redactChannel(channel) });
  return result;
}
