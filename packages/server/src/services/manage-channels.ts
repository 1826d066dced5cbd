// Notification channels: where alerts go. Their configurations hold secrets (signing keys, SMTP
// passwords, routing keys, Slack hook paths), so no answer, log line or audit entry carries one:
// every view goes through redactChannel.
import { VigilError } from '@vigil/core';
import type { StoredChannel } from '@vigil/storage';
import { auditBy } from '../auth/actor.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { parseChannel, redactChannel, type Channel } from '../notify/channel.ts';
import { sendNotification, type NotifyContext } from '../notify/send.ts';

export interface ChannelInput {
  name: string;
  /** The channel's configuration with its `type` (notify/channel.ts). */
  config: Record<string, unknown>;
}

export interface ChannelView {
  id: string;
  name: string;
  type: string;
  /** Secrets replaced by "[redacted]", URLs cut to scheme and host. */
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export type TestOutcome = { delivered: true; message: string } | { delivered: false; retryable: boolean; code: string; message: string; status?: number };

const notFound = (id: string) => new VigilError('not_found', `notification channel "${id}" does not exist`, { hint: 'list channels with GET /api/v1/alerts/channels' });

/** Validates a configuration; the messages name fields and never repeat a value. */
function validChannel(config: unknown): Channel {
  const r = parseChannel(config);
  if (r.ok) return r.channel;
  throw new VigilError('validation_failed', 'invalid channel configuration', {
    hint: 'fix the fields named in details (docs/notifications.md lists each type\'s fields)',
    details: r.message.split('; ').map((m) => ({ field: `config.${/^[\w.[\]]+/.exec(m)?.[0]?.replace(/:$/, '') ?? 'type'}`, message: m })),
  });
}

function stored(c: StoredChannel): Channel | null {
  const r = parseChannel({ ...c.config, type: c.type });
  return r.ok ? r.channel : null;
}

export function channelView(c: StoredChannel): ChannelView {
  const ch = stored(c);
  // a stored configuration that no longer validates is shown by type only: better nothing than a secret
  return { id: c.id, name: c.name, type: c.type, config: ch ? redactChannel(ch) : { type: c.type }, created_at: c.created_at, updated_at: c.updated_at };
}

const nowIso = (ctx: ServiceContext) => new Date(ctx.clock.now()).toISOString();
const split = (ch: Channel) => {
  const { type, ...config } = ch;
  return { type, config: config as Record<string, unknown> };
};

export async function listChannels({ ctx }: { ctx: ServiceContext }): Promise<ChannelView[]> {
  return (await ctx.stores.meta.listChannels()).map(channelView);
}

export async function getChannel({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<ChannelView> {
  const c = await ctx.stores.meta.getChannel(input.id);
  if (!c) throw notFound(input.id);
  return channelView(c);
}

export async function createChannel({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: ChannelInput }): Promise<ChannelView> {
  const ch = validChannel(input.config);
  const c = await ctx.stores.meta.createChannel({ name: input.name, ...split(ch) }, nowIso(ctx));
  const view = channelView(c);
  await ctx.audit.record(auditBy(actor, 'alert_channel.create', { type: 'alert_channel', id: c.id }, 'success', { name: c.name, config: view.config }));
  return view;
}

/**
 * Replaces a channel. A secret field left out or sent back as "[redacted]" keeps its stored value,
 * so a client can edit what it was shown without knowing the secret.
 */
export async function updateChannel({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: ChannelInput & { id: string } }): Promise<ChannelView> {
  const cur = await ctx.stores.meta.getChannel(input.id);
  if (!cur) throw notFound(input.id);
  const ch = validChannel(keepSecrets(input.config, cur));
  const c = await ctx.stores.meta.updateChannel(input.id, { name: input.name, ...split(ch) }, nowIso(ctx));
  const view = channelView(c);
  await ctx.audit.record(auditBy(actor, 'alert_channel.update', { type: 'alert_channel', id: c.id }, 'success', { name: c.name, config: view.config }));
  return view;
}

const SECRET_FIELDS = ['secret', 'routing_key', 'webhook_url', 'url'] as const;
const REDACTED = '[redacted]';

/** Where a channel's secrets go: they are only kept while this stays the same. */
function destination(config: Record<string, unknown>): string | null {
  const smtp = config.smtp as Record<string, unknown> | undefined;
  if (smtp) return `${String(smtp.host)}:${String(smtp.port)}`;
  return typeof config.url === 'string' ? channelOrigin(config.url) : null;
}

function keepSecrets(config: Record<string, unknown>, cur: StoredChannel): Record<string, unknown> {
  if (config.type !== cur.type) return config;
  const out: Record<string, unknown> = { ...config };
  const same = (v: unknown, old: unknown) => v === undefined || v === REDACTED || (typeof old === 'string' && typeof v === 'string' && v === channelOrigin(old));
  const kept: string[] = [];
  for (const f of SECRET_FIELDS) {
    if (!(f in cur.config) || !same(out[f], cur.config[f])) continue;
    out[f] = cur.config[f];
    if (f === 'secret' || f === 'routing_key') kept.push(`config.${f}`);
  }
  const smtp = out.smtp as Record<string, unknown> | undefined;
  const oldSmtp = cur.config.smtp as Record<string, unknown> | undefined;
  if (smtp && oldSmtp && oldSmtp.password !== undefined && (smtp.password === undefined || smtp.password === REDACTED)) {
    out.smtp = { ...smtp, password: oldSmtp.password };
    kept.push('config.smtp.password');
  }
  // A stored secret goes only where it went before: otherwise whoever may edit a channel (but was
  // only ever shown "[redacted]") could point it at their own host and receive the secret.
  if (kept.length && destination(out) !== destination(cur.config)) {
    throw new VigilError('validation_failed', 'invalid channel configuration', {
      hint: 'send the secret again: a stored secret is only kept while the channel points at the same host',
      details: kept.map((field) => ({ field, message: 'must be given again when the channel points at another host (or port)' })),
    });
  }
  return out;
}

/** The shown form of a URL (scheme and host): sending it back means "unchanged". */
const channelOrigin = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
};

export async function deleteChannel({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { id: string } }): Promise<void> {
  const cur = await ctx.stores.meta.getChannel(input.id);
  if (!cur) throw notFound(input.id);
  const users = (await ctx.stores.meta.listAlertRules()).filter((r) => {
    const s = r.spec as { channels?: string[]; retrain?: { channel?: string } };
    return (s.channels ?? []).includes(input.id) || s.retrain?.channel === input.id;
  });
  if (users.length > 0) {
    throw new VigilError('conflict', `notification channel "${input.id}" is used by ${users.length} rule(s): ${users.slice(0, 5).map((r) => `"${r.name}"`).join(', ')}`, { hint: 'remove it from those rules first' });
  }
  await ctx.stores.meta.deleteChannel(input.id); // conflict while notifications wait for it
  await ctx.audit.record(auditBy(actor, 'alert_channel.delete', { type: 'alert_channel', id: cur.id }, 'success', { name: cur.name, type: cur.type }));
}

/** Sends a sample notification now, once, and says what happened; nothing goes through the outbox. */
export async function testChannel({ ctx, actor, notify, input }: { ctx: ServiceContext; actor: Actor; notify: NotifyContext; input: { id: string; generatorUrl: string } }): Promise<TestOutcome> {
  const c = await ctx.stores.meta.getChannel(input.id);
  if (!c) throw notFound(input.id);
  const ch = stored(c);
  if (!ch) throw new VigilError('conflict', `notification channel "${input.id}" has an invalid configuration`, { hint: 'replace it with PUT /api/v1/alerts/channels/{id}' });
  const now = ctx.clock.now();
  const result = await sendNotification(notify, ch, {
    rule_id: 'vigil-test',
    rule_name: 'Vigil test notification',
    severity: 'info',
    status: 'firing',
    labels: { alertname: 'VigilTest', channel: c.name },
    annotations: { summary: `Test notification from Vigil to channel "${c.name}"`, description: 'Sent by "send test"; no alert is firing.' },
    value: null,
    starts_at: now,
    dedup_key: `vigil-test/${c.id}/${now}`,
    generator_url: input.generatorUrl,
  });
  const outcome: TestOutcome = result.ok
    ? { delivered: true, message: `delivered to ${c.type} channel "${c.name}"` }
    : { delivered: false, retryable: result.retryable, code: result.code, message: result.message, ...(result.status === undefined ? {} : { status: result.status }) };
  await ctx.audit.record(auditBy(actor, 'alert_channel.test', { type: 'alert_channel', id: c.id }, result.ok ? 'success' : 'failure', { delivered: outcome.delivered, ...(result.ok ? {} : { code: result.code }) }));
  return outcome;
}
