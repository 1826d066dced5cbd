import type { SlackChannel } from './channel.ts';
import { groupHeadline, type NotificationGroup } from './group.ts';
import { headline, iso, summary, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';

/** Slack's mrkdwn treats &, < and > as control characters. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Alerts listed one by one in a grouped message; Slack refuses a message of more than 50 blocks. */
const MAX_LISTED = 20;

const icon = (status: string) => (status === 'firing' ? ':red_circle:' : ':large_green_circle:');
const labelsText = (n: Notification) => Object.entries(n.labels).map(([k, v]) => `\`${esc(k)}=${esc(v)}\``).join(' ');
const linksText = (url: string, runbook: string | undefined) => [`<${url}|Open in Vigil>`, ...(runbook ? [`<${runbook}|Runbook>`] : [])].join('  ·  ');

/** One alert as the message used before grouping: headline and summary, fields, labels, links. */
function singleBlocks(n: Notification) {
  const labels = labelsText(n);
  const fields = [
    { type: 'mrkdwn', text: `*Severity*\n${esc(n.severity)}` },
    { type: 'mrkdwn', text: `*Value*\n${n.value === null ? 'no data' : String(n.value)}` },
    { type: 'mrkdwn', text: `*Started*\n${iso(n.starts_at)}` },
    ...(n.ends_at === undefined ? [] : [{ type: 'mrkdwn', text: `*Ended*\n${iso(n.ends_at)}` }]),
  ];
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon(n.status)} *${esc(headline(n))}*\n${esc(summary(n))}` } },
    { type: 'section', fields },
    ...(labels ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: labels }] }] : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: linksText(n.generator_url, n.runbook_url) }] },
  ];
}

/** Several alerts: the group's headline, then each alert's status, summary, value, times and labels. */
function groupBlocks(g: NotificationGroup) {
  const first = g.alerts[0] as Notification;
  const listed = g.alerts.slice(0, MAX_LISTED).flatMap((n) => {
    const times = `started ${iso(n.starts_at)}${n.ends_at === undefined ? '' : `, ended ${iso(n.ends_at)}`}`;
    const labels = labelsText(n);
    return [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon(n.status)} *${n.status.toUpperCase()}* ${esc(summary(n))}\nvalue ${n.value === null ? 'no data' : String(n.value)} · ${times}` } },
      ...(labels ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: labels }] }] : []),
    ];
  });
  const more = g.alerts.length - MAX_LISTED;
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `${icon(g.status)} *${esc(groupHeadline(g))}*` } },
    ...listed,
    ...(more > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] }] : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: linksText(first.generator_url, first.runbook_url) }] },
  ];
}

/** An incoming-webhook message: `text` is the notification fallback, `blocks` what people see. One message per group. */
export function slackPayload(g: NotificationGroup) {
  const only = g.alerts.length === 1 ? (g.alerts[0] as Notification) : null;
  // `text` (the push notification) is mrkdwn too: escaped, so a label value cannot mention <!channel>
  return only ? { text: esc(`${headline(only)}: ${summary(only)}`), blocks: singleBlocks(only) } : { text: esc(groupHeadline(g)), blocks: groupBlocks(g) };
}

export function sendSlack(channel: SlackChannel, n: NotificationGroup, opts: SendOptions): Promise<SendResult> {
  // the hook's path is its credential
  const path = new URL(channel.webhook_url).pathname;
  return postJson('slack', channel.webhook_url, JSON.stringify(slackPayload(n)), {}, opts, path.length > 1 ? [path, path.slice(1)] : []);
}
