import type { Clock, Logger } from '../context.ts';
import { redactChannel, type Channel } from './channel.ts';
import { sendAlertmanager } from './alertmanager.ts';
import { sendEmail, type CreateMailer } from './email.ts';
import { asGroup, type NotificationGroup } from './group.ts';
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

/**
 * Sends one notification group (or a single notification, a group of one) to one channel, once: one
 * request or mail, except PagerDuty, which takes one event per alert. Retrying is the outbox's job;
 * this says whether to.
 */
export async function sendNotification(ctx: NotifyContext, channel: Channel, one: Notification | NotificationGroup): Promise<SendResult> {
  const n = asGroup(one);
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
  const fields = { channel: channel.type, rule_id: n.rule_id, status: n.status, group_key: n.group_key, alerts: n.alerts.length };
  if (result.ok) ctx.log.info('notification sent', fields);
  else ctx.log.warn('notification failed', { ...fields, code: result.code, retryable: result.retryable, error: result.message, target: redactChannel(channel) });
  return result;
}
