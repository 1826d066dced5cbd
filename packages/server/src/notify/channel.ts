import { z } from 'zod';

/**
 * Where a notification goes. One schema per channel type; `ChannelSchema` is their union,
 * discriminated on `type`. Messages name the field; they never echo a value, so a secret that
 * fails validation does not end up in an API error or a log.
 */

/** A type error that says whether the field is missing or of the wrong type, never its value. */
const typeError = (field: string, what: string) => (iss: { input?: unknown }) => (iss.input === undefined ? `${field} is required` : `${field} must be ${what}`);
const str = (field: string) => z.string({ error: typeError(field, 'a string') });
/** Strict: an unknown field (a typo such as smtp.pass, an unsupported headers) is refused by name, not dropped. */
const strict = <T extends z.ZodRawShape>(shape: T, what: string, prefix = '') =>
  z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? iss.keys.map((k) => `${prefix}${k}`).join(', ') + ` ${iss.keys.length > 1 ? 'are not fields' : 'is not a field'} of ${what}` : undefined) });

const httpUrl = (field: string) =>
  str(field).refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, `${field} must be an http(s) URL`);

/**
 * Which notifications a channel takes (docs/alerts.md, "Routing"): those whose labels include every
 * `match` pair (the alert's labels, plus alertname, rule_id and severity) and, when `severities` is
 * given, whose severity is one of them. No route: every notification of the rules that name it.
 */
export const RouteSchema = strict({
  match: z.record(z.string(), z.string({ error: typeError('route.match values', 'strings') }), { error: typeError('route.match', 'an object of label: value') }).optional(),
  severities: z.array(z.enum(['critical', 'warning', 'info'], { error: 'route.severities must be critical, warning or info' }), { error: typeError('route.severities', 'a list') }).min(1, 'route.severities needs at least one severity').optional(),
}, 'a route', 'route.');
export type Route = z.infer<typeof RouteSchema>;

/** Whether a route lets a notification with these labels and severity through. */
export function routeAllows(route: Route | undefined, labels: Readonly<Record<string, string>>, severity: string): boolean {
  if (!route) return true;
  if (route.severities && !route.severities.includes(severity as 'critical' | 'warning' | 'info')) return false;
  return Object.entries(route.match ?? {}).every(([k, v]) => labels[k] === v);
}

export const WebhookChannelSchema = strict({
  type: z.literal('webhook'),
  route: RouteSchema.optional(),
  url: httpUrl('url'),
  secret: str('secret').min(16, 'secret must be at least 16 characters'),
}, 'a webhook channel');

export const SlackChannelSchema = strict({
  type: z.literal('slack'),
  route: RouteSchema.optional(),
  webhook_url: httpUrl('webhook_url'),
}, 'a slack channel');

export const SmtpSchema = strict({
  host: str('smtp.host').min(1, 'smtp.host is required'),
  port: z.number({ error: typeError('smtp.port', 'a number') }).int('smtp.port must be an integer').min(1, 'smtp.port must be 1-65535').max(65535, 'smtp.port must be 1-65535'),
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: z.boolean({ error: typeError('smtp.secure', 'true or false') }),
  user: str('smtp.user').min(1, 'smtp.user must not be empty').optional(),
  password: str('smtp.password').optional(),
}, 'smtp', 'smtp.');

const email = (field: string) => str(field).regex(/^[^\s@<>]+@[^\s@<>]+$/, `${field} must be an email address`);

export const EmailChannelSchema = strict({
  type: z.literal('email'),
  route: RouteSchema.optional(),
  smtp: SmtpSchema,
  from: email('from'),
  to: z.array(email('to[]'), { error: typeError('to', 'a list of email addresses') }).min(1, 'to needs at least one address'),
}, 'an email channel');

export const AlertmanagerChannelSchema = strict({
  type: z.literal('alertmanager'),
  route: RouteSchema.optional(),
  /** Base URL of Alertmanager, e.g. http://alertmanager:9093; the sender appends /api/v2/alerts. */
  url: httpUrl('url'),
}, 'an alertmanager channel');

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export const PagerDutyChannelSchema = strict({
  type: z.literal('pagerduty'),
  route: RouteSchema.optional(),
  routing_key: str('routing_key').min(1, 'routing_key is required'),
  url: httpUrl('url').default(PAGERDUTY_EVENTS_URL),
}, 'a pagerduty channel');

export const ChannelSchema = z.discriminatedUnion(
  'type',
  [WebhookChannelSchema, SlackChannelSchema, EmailChannelSchema, AlertmanagerChannelSchema, PagerDutyChannelSchema],
  { error: 'type must be one of webhook, slack, email, alertmanager, pagerduty' },
);

export type WebhookChannel = z.infer<typeof WebhookChannelSchema>;
export type SlackChannel = z.infer<typeof SlackChannelSchema>;
export type EmailChannel = z.infer<typeof EmailChannelSchema>;
export type AlertmanagerChannel = z.infer<typeof AlertmanagerChannelSchema>;
export type PagerDutyChannel = z.infer<typeof PagerDutyChannelSchema>;
export type Channel = z.infer<typeof ChannelSchema>;
export type ChannelType = Channel['type'];

export type ParseChannelResult = { ok: true; channel: Channel } | { ok: false; code: 'invalid_channel'; message: string };

/** Validates a channel; the message lists every problem, each prefixed by its field path. */
export function parseChannel(input: unknown): ParseChannelResult {
  const r = ChannelSchema.safeParse(input);
  if (r.success) return { ok: true, channel: r.data };
  const message = r.error.issues
    .map((i) => {
      const path = i.path.map(String).join('.');
      // our messages already start with the field name; any other message gets the path
      const root = String(i.path[0] ?? '');
      return path && !i.message.startsWith(root) ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
  return { ok: false, code: 'invalid_channel', message };
}

const REDACTED = '[redacted]';

/** Where a URL points, without path, query or user info (a Slack hook's path is its secret). */
export function urlOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid url)';
  }
}

/**
 * A channel safe to log: secrets replaced, and URLs cut to their origin, since webhook URLs often
 * carry a token in their path or query (Slack's always does).
 */
export function redactChannel(c: Channel): Record<string, unknown> {
  const route = c.route ? { route: c.route } : {};
  return { ...redactedConfig(c), ...route };
}

function redactedConfig(c: Channel): Record<string, unknown> {
  switch (c.type) {
    case 'webhook':
      return { type: c.type, url: urlOrigin(c.url), secret: REDACTED };
    case 'slack':
      return { type: c.type, webhook_url: urlOrigin(c.webhook_url) };
    case 'email':
      return { type: c.type, smtp: { ...c.smtp, ...(c.smtp.password === undefined ? {} : { password: REDACTED }) }, from: c.from, to: c.to };
    case 'alertmanager':
      return { type: c.type, url: urlOrigin(c.url) };
    case 'pagerduty':
      return { type: c.type, routing_key: REDACTED, url: urlOrigin(c.url) };
  }
}
