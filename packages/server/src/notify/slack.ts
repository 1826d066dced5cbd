import type { SlackChannel } from './channel.ts';
import { headline, iso, summary, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';

/** Slack's mrkdwn treats &, < and > as control characters. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An incoming-webhook message: `text` is the notification fallback, `blocks` what people see. */
export function slackPayload(n: Notification) {
  const icon = n.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
  const labels = Object.entries(n.labels).map(([k, v]) => `\`${esc(k)}=${esc(v)}\``).join(' ');
  const fields = [
    { type: 'mrkdwn', text: `*Severity*\n${esc(n.severity)}` },
    { type: 'mrkdwn', text: `*Value*\n${n.value === null ? 'no data' : String(n.value)}` },
    { type: 'mrkdwn', text: `*Started*\n${iso(n.starts_at)}` },
    ...(n.ends_at === undefined ? [] : [{ type: 'mrkdwn', text: `*Ended*\n${iso(n.ends_at)}` }]),
  ];
  const links = [`<${n.generator_url}|Open in Vigil>`, ...(n.runbook_url ? [`<${n.runbook_url}|Runbook>`] : [])].join('  ·  ');
  return {
    text: `${headline(n)}: ${summary(n)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${esc(headline(n))}*\n${esc(summary(n))}` } },
      { type: 'section', fields },
      ...(labels ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: labels }] }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: links }] },
    ],
  };
}

export function sendSlack(channel: SlackChannel, n: Notification, opts: SendOptions): Promise<SendResult> {
  // the hook's path is its credential
  const path = new URL(channel.webhook_url).pathname;
  return postJson('slack', channel.webhook_url, JSON.stringify(slackPayload(n)), {}, opts, path.length > 1 ? [path, path.slice(1)] : []);
}
