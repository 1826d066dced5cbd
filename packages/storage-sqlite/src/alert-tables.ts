// The AlertStore half of the SQLite MetaStore: rules, states, transitions, silences, channels
// and the notification outbox. Synchronous; the store wraps each call in a promise.
import { randomUUID } from 'node:crypto';
import { VigilError } from '@vigil/core';
import type {
  AlertTransition, Evaluation, NewAlertRule, NewChannel, NewSilence, NotificationStatus, OutboxEntry, Silence, StoredAlertRule, StoredAlertState, StoredChannel,
} from '@vigil/storage';
import type { SqlPort } from './security-tables.ts';
import { toUtcIso } from './sqlite-meta-store.ts';

type Json = Record<string, unknown>;
type RuleRow = Omit<StoredAlertRule, 'enabled' | 'spec'> & { enabled: number; spec: string };
type StateRow = Omit<StoredAlertState, 'labels' | 'detail'> & { labels: string; detail: string };
type TransitionRow = Omit<AlertTransition, 'labels' | 'detail'> & { labels: string; detail: string };
type SilenceRow = Omit<Silence, 'matchers'> & { matchers: string };
type ChannelRow = Omit<StoredChannel, 'config'> & { config: string };
type OutboxRow = Omit<OutboxEntry, 'payload'> & { payload: string };

const parse = <T>(text: string): T => JSON.parse(text) as T;
const toRule = (r: RuleRow): StoredAlertRule => ({ ...r, enabled: r.enabled === 1, spec: parse<Json>(r.spec) });
const toState = (r: StateRow): StoredAlertState => ({ ...r, labels: parse(r.labels), detail: parse(r.detail) });
const toTransition = (r: TransitionRow): AlertTransition => ({ ...r, labels: parse(r.labels), detail: parse(r.detail) });
const toSilence = (r: SilenceRow): Silence => ({ ...r, matchers: parse(r.matchers) });
const toChannel = (r: ChannelRow): StoredChannel => ({ ...r, config: parse(r.config) });
const toEntry = (r: OutboxRow): OutboxEntry => ({ ...r, payload: parse(r.payload) });
const notFound = (what: string) => new VigilError('not_found', `${what} not found`);

export class AlertTables {
  constructor(private readonly sql: SqlPort) {}

  // ---------------------------------------------------------------- rules

  createAlertRule(input: NewAlertRule, now: string): StoredAlertRule {
    const at = toUtcIso(now, 'now');
    const id = randomUUID();
    this.sql
      .stmt('INSERT INTO alert_rules (id, name, enabled, spec, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.enabled ? 1 : 0, JSON.stringify(input.spec), input.created_by, at, at);
    return this.alertRule(id)!;
  }

  alertRule(id: string): StoredAlertRule | null {
    const r = this.sql.stmt('SELECT * FROM alert_rules WHERE id = ?').get(id) as RuleRow | undefined;
    return r === undefined ? null : toRule(r);
  }

  listAlertRules(): StoredAlertRule[] {
    return (this.sql.stmt('SELECT * FROM alert_rules ORDER BY created_at, rowid').all() as RuleRow[]).map(toRule);
  }

  updateAlertRule(id: string, change: { name: string; enabled: boolean; spec: Json }, now: string): StoredAlertRule {
    const at = toUtcIso(now, 'now');
    const r = this.sql.stmt('UPDATE alert_rules SET name = ?, enabled = ?, spec = ?, updated_at = ? WHERE id = ?').run(change.name, change.enabled ? 1 : 0, JSON.stringify(change.spec), at, id);
    if (r.changes === 0) throw notFound(`alert rule "${id}"`);
    return this.alertRule(id)!;
  }

  deleteAlertRule(id: string): void {
    if (this.sql.stmt('DELETE FROM alert_rules WHERE id = ?').run(id).changes === 0) throw notFound(`alert rule "${id}"`);
  }

  // ---------------------------------------------------------------- states and history

  listAlertStates(ruleId?: string): StoredAlertState[] {
    const rows = ruleId === undefined
      ? this.sql.stmt('SELECT * FROM alert_states ORDER BY rule_id, series_key').all()
      : this.sql.stmt('SELECT * FROM alert_states WHERE rule_id = ? ORDER BY series_key').all(ruleId);
    return (rows as StateRow[]).map(toState);
  }

  recordEvaluation(e: Evaluation, now: string): { enqueued: number } {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      if (this.sql.stmt('SELECT 1 FROM alert_rules WHERE id = ?').get(e.rule_id) === undefined) throw notFound(`alert rule "${e.rule_id}"`);
      const labels = JSON.stringify(e.labels);
      this.sql
        .stmt(`INSERT INTO alert_states (rule_id, series_key, labels, state, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (rule_id, series_key) DO UPDATE SET labels = excluded.labels, state = excluded.state, detail = excluded.detail, updated_at = excluded.updated_at`)
        .run(e.rule_id, e.series_key, labels, e.state, JSON.stringify(e.detail), at);
      if (e.transition) {
        this.sql
          .stmt('INSERT INTO alert_transitions (rule_id, series_key, labels, from_state, to_state, at, value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(e.rule_id, e.series_key, labels, e.transition.from_state, e.transition.to_state, at, e.transition.value, JSON.stringify(e.transition.detail));
      }
      let enqueued = 0;
      for (const n of e.notifications) {
        if (this.sql.stmt('SELECT 1 FROM notification_channels WHERE id = ?').get(n.channel_id) === undefined) throw notFound(`notification channel "${n.channel_id}"`);
        enqueued += this.sql
          .stmt(`INSERT INTO notification_outbox (dedup_key, channel_id, payload, status, attempts, next_attempt_at, created_at)
                 VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`)
          .run(n.dedup_key, n.channel_id, JSON.stringify(n.payload), at, at).changes;
      }
      return { enqueued };
    });
  }

  listAlertTransitions(filter: { ruleId?: string; since?: string; limit?: number } = {}): AlertTransition[] {
    const limit = Math.max(1, Math.min(10_000, Math.floor(filter.limit ?? 500)));
    const rows = this.sql
      .stmt(`SELECT * FROM alert_transitions WHERE (@rule IS NULL OR rule_id = @rule) AND (@since IS NULL OR at >= @since)
             ORDER BY at DESC, id DESC LIMIT @limit`)
      .all({ rule: filter.ruleId ?? null, since: filter.since === undefined ? null : toUtcIso(filter.since, 'since'), limit }) as TransitionRow[];
    return rows.map(toTransition);
  }

  // ---------------------------------------------------------------- silences

  createSilence(input: NewSilence, now: string): Silence {
    const at = toUtcIso(now, 'now'), starts = toUtcIso(input.starts_at, 'starts_at'), ends = toUtcIso(input.ends_at, 'ends_at');
    if (ends <= starts) throw new VigilError('validation_failed', 'a silence must end after it starts', { details: [{ field: 'ends_at', message: `${ends} is not after starts_at ${starts}` }] });
    const id = randomUUID();
    this.sql
      .stmt('INSERT INTO alert_silences (id, matchers, starts_at, ends_at, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, JSON.stringify(input.matchers), starts, ends, input.comment, input.created_by, at);
    return toSilence(this.sql.stmt('SELECT * FROM alert_silences WHERE id = ?').get(id) as SilenceRow);
  }

  listSilences(now: string, all = false): Silence[] {
    const rows = all
      ? this.sql.stmt('SELECT * FROM alert_silences ORDER BY starts_at, rowid').all()
      : this.sql.stmt('SELECT * FROM alert_silences WHERE ends_at > ? ORDER BY starts_at, rowid').all(toUtcIso(now, 'now'));
    return (rows as SilenceRow[]).map(toSilence);
  }

  expireSilence(id: string, now: string): Silence {
    const at = toUtcIso(now, 'now');
    return this.sql.tx(() => {
      const r = this.sql.stmt('SELECT * FROM alert_silences WHERE id = ?').get(id) as SilenceRow | undefined;
      if (r === undefined) throw notFound(`silence "${id}"`);
      // an ended silence keeps its end; a future one ends before it starts, so it never applies
      if (r.ends_at > at) this.sql.stmt('UPDATE alert_silences SET ends_at = ?, starts_at = min(starts_at, ?) WHERE id = ?').run(at, at, id);
      return toSilence(this.sql.stmt('SELECT * FROM alert_silences WHERE id = ?').get(id) as SilenceRow);
    });
  }

  // ---------------------------------------------------------------- channels

  createChannel(input: NewChannel, now: string): StoredChannel {
    const at = toUtcIso(now, 'now');
    const id = randomUUID();
    this.sql
      .stmt('INSERT INTO notification_channels (id, name, type, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.type, JSON.stringify(input.config), at, at);
    return this.channel(id)!;
  }

  channel(id: string): StoredChannel | null {
    const r = this.sql.stmt('SELECT * FROM notification_channels WHERE id = ?').get(id) as ChannelRow | undefined;
    return r === undefined ? null : toChannel(r);
  }

  listChannels(): StoredChannel[] {
    return (this.sql.stmt('SELECT * FROM notification_channels ORDER BY created_at, rowid').all() as ChannelRow[]).map(toChannel);
  }

  updateChannel(id: string, change: NewChannel, now: string): StoredChannel {
    const at = toUtcIso(now, 'now');
    const r = this.sql.stmt('UPDATE notification_channels SET name = ?, type = ?, config = ?, updated_at = ? WHERE id = ?').run(change.name, change.type, JSON.stringify(change.config), at, id);
    if (r.changes === 0) throw notFound(`notification channel "${id}"`);
    return this.channel(id)!;
  }

  deleteChannel(id: string): void {
    this.sql.tx(() => {
      if (this.channel(id) === null) throw notFound(`notification channel "${id}"`);
      const busy = (this.sql.stmt("SELECT count(*) AS n FROM notification_outbox WHERE channel_id = ? AND status IN ('pending', 'sending')").get(id) as { n: number }).n;
      if (busy > 0) throw new VigilError('conflict', `notification channel "${id}" has ${busy} notification(s) waiting to be delivered`, { hint: 'wait for them to be delivered or given up, then delete it' });
      // its delivered and given-up notifications go with it (the outbox references the channel row)
      this.sql.stmt('DELETE FROM notification_outbox WHERE channel_id = ?').run(id);
      this.sql.stmt('DELETE FROM notification_channels WHERE id = ?').run(id);
    });
  }

  // ---------------------------------------------------------------- outbox

  claimNotifications(now: string, leaseUntil: string, limit: number): OutboxEntry[] {
    const at = toUtcIso(now, 'now'), until = toUtcIso(leaseUntil, 'leaseUntil');
    const n = Math.max(0, Math.floor(limit));
    return this.sql.tx(() => {
      const due = this.sql
        .stmt(`SELECT id FROM notification_outbox
               WHERE (status = 'pending' AND next_attempt_at <= @at) OR (status = 'sending' AND lease_until <= @at)
               ORDER BY next_attempt_at, id LIMIT @n`)
        .all({ at, n }) as { id: number }[];
      const claim = this.sql.stmt("UPDATE notification_outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id = ?");
      for (const { id } of due) claim.run(until, id);
      return due.map(({ id }) => toEntry(this.sql.stmt('SELECT * FROM notification_outbox WHERE id = ?').get(id) as OutboxRow));
    });
  }

  // Only an entry still being sent is settled: a sender whose lease ran out (and whose entry another
  // sender claimed and settled) must not turn a delivered or given-up entry back into a pending one.
  markNotificationSent(id: number, now: string): void {
    const r = this.sql.stmt("UPDATE notification_outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL WHERE id = ? AND status = 'sending'").run(toUtcIso(now, 'now'), id);
    if (r.changes === 0) this.assertNotification(id);
  }

  markNotificationFailed(id: number, error: string, retryAt: string | null): void {
    const r = retryAt === null
      ? this.sql.stmt("UPDATE notification_outbox SET status = 'failed', lease_until = NULL, last_error = ? WHERE id = ? AND status = 'sending'").run(error, id)
      : this.sql.stmt("UPDATE notification_outbox SET status = 'pending', lease_until = NULL, last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'sending'").run(error, toUtcIso(retryAt, 'retryAt'), id);
    if (r.changes === 0) this.assertNotification(id);
  }

  private assertNotification(id: number): void {
    if (this.sql.stmt('SELECT 1 FROM notification_outbox WHERE id = ?').get(id) === undefined) throw notFound(`notification ${id}`);
  }

  listNotifications(filter: { status?: NotificationStatus; limit?: number } = {}): OutboxEntry[] {
    const limit = Math.max(1, Math.min(10_000, Math.floor(filter.limit ?? 500)));
    const rows = this.sql
      .stmt('SELECT * FROM notification_outbox WHERE (@status IS NULL OR status = @status) ORDER BY created_at DESC, id DESC LIMIT @limit')
      .all({ status: filter.status ?? null, limit }) as OutboxRow[];
    return rows.map(toEntry);
  }

  // ---------------------------------------------------------------- retention

  pruneAlertHistory(before: string): { notifications: number; transitions: number } {
    const cut = toUtcIso(before, 'before');
    return this.sql.tx(() => {
      const notifications = this.sql.stmt("DELETE FROM notification_outbox WHERE status IN ('sent', 'failed') AND created_at < ?").run(cut).changes;
      // Each series that still has a state keeps its newest transition (newest as listed: at, then
      // id), however old: it is where the current state started. A deleted rule's series have no
      // state any more, so their history goes entirely once it is old enough.
      const transitions = this.sql
        .stmt(`WITH newest AS (
                 SELECT id, rule_id, series_key, row_number() OVER (PARTITION BY rule_id, series_key ORDER BY at DESC, id DESC) AS rank
                 FROM alert_transitions)
               DELETE FROM alert_transitions WHERE at < @cut AND id NOT IN (
                 SELECT n.id FROM newest n JOIN alert_states s ON s.rule_id = n.rule_id AND s.series_key = n.series_key WHERE n.rank = 1)`)
        .run({ cut }).changes;
      return { notifications, transitions };
    });
  }
}
