/**
 * Alert rules, their evaluation state and history, silences, notification channels and the
 * notification outbox. Part of the MetaStore; timestamps are ISO 8601 UTC text.
 *
 * The outbox is what makes delivery durable: an evaluation's new state, its transition and the
 * notifications it causes are written in one transaction (`recordEvaluation`), so a restart between
 * evaluation and delivery loses nothing; a notification's `dedup_key` is unique, so a transition
 * evaluated twice (a retry, two replicas) enqueues it once. A sender claims due entries with a
 * lease (`claimNotifications`); an entry whose lease ran out — the sender died mid-send — is due
 * again, so delivery is at least once, and receivers get the dedup key to drop a repeat.
 */

/** A stored rule: `spec` as the core's AlertRuleSchema validated it (stored as given). */
export interface StoredAlertRule {
  id: string;
  name: string;
  enabled: boolean;
  spec: Record<string, unknown>;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewAlertRule {
  name: string;
  enabled: boolean;
  spec: Record<string, unknown>;
  created_by: string | null;
}

/** One series of a rule (a rule grouped by model has one per model): its state machine's state. */
export interface StoredAlertState {
  rule_id: string;
  /** The series' labels as canonical JSON (sorted keys): '{}' for an ungrouped rule. */
  series_key: string;
  labels: Record<string, string>;
  /** The state name, for queries (ok, pending, firing, no_data, error, …). */
  state: string;
  /** The core's whole state object. */
  detail: Record<string, unknown>;
  updated_at: string;
}

export interface AlertTransition {
  id: number;
  rule_id: string;
  series_key: string;
  labels: Record<string, string>;
  from_state: string;
  to_state: string;
  at: string;
  value: number | null;
  detail: Record<string, unknown>;
}

export interface NewNotification {
  /** Unique: the same key is enqueued once, whatever happens. */
  dedup_key: string;
  channel_id: string;
  payload: Record<string, unknown>;
}

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxEntry {
  id: number;
  dedup_key: string;
  channel_id: string;
  payload: Record<string, unknown>;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Evaluation {
  rule_id: string;
  series_key: string;
  labels: Record<string, string>;
  state: string;
  detail: Record<string, unknown>;
  /** The transition this evaluation made, if it made one. */
  transition: { from_state: string; to_state: string; value: number | null; detail: Record<string, unknown> } | null;
  notifications: NewNotification[];
}

export interface Silence {
  id: string;
  /** Label equality matchers: a series is silenced when every matcher equals its label. */
  matchers: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string | null;
  created_at: string;
}

export type NewSilence = Omit<Silence, 'id' | 'created_at'>;

export interface StoredChannel {
  id: string;
  name: string;
  type: string;
  /** Holds secrets (signing keys, passwords): never log it, and redact it in answers. */
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export type NewChannel = Pick<StoredChannel, 'name' | 'type' | 'config'>;

export interface AlertStore {
  /** The id is a new UUID. */
  createAlertRule(input: NewAlertRule, now: string): Promise<StoredAlertRule>;
  getAlertRule(id: string): Promise<StoredAlertRule | null>;
  /** Every rule, oldest first. */
  listAlertRules(): Promise<StoredAlertRule[]>;
  /** Throws not_found. */
  updateAlertRule(id: string, change: { name: string; enabled: boolean; spec: Record<string, unknown> }, now: string): Promise<StoredAlertRule>;
  /** Throws not_found. Its states go with it; its transitions and notifications stay as history. */
  deleteAlertRule(id: string): Promise<void>;

  /** The states of a rule's series (or of every rule), by rule and series. */
  listAlertStates(ruleId?: string): Promise<StoredAlertState[]>;
  /**
   * In one transaction: the series' new state, its transition (if any) and its notifications
   * (a dedup key already enqueued is skipped). Throws not_found for an unknown rule. Returns the
   * notifications actually enqueued.
   */
  recordEvaluation(evaluation: Evaluation, now: string): Promise<{ enqueued: number }>;
  /** Transitions, newest first, optionally of one rule and since a time; at most `limit` (default 500). */
  listAlertTransitions(filter?: { ruleId?: string; since?: string; limit?: number }): Promise<AlertTransition[]>;

  createSilence(input: NewSilence, now: string): Promise<Silence>;
  /** Silences that have not ended at `now` (including future ones), or every one with `all`. */
  listSilences(now: string, all?: boolean): Promise<Silence[]>;
  /** Ends a silence at `now` (throws not_found). */
  expireSilence(id: string, now: string): Promise<Silence>;

  createChannel(input: NewChannel, now: string): Promise<StoredChannel>;
  getChannel(id: string): Promise<StoredChannel | null>;
  listChannels(): Promise<StoredChannel[]>;
  updateChannel(id: string, change: NewChannel, now: string): Promise<StoredChannel>;
  /** Throws not_found, or conflict while pending notifications use it. */
  deleteChannel(id: string): Promise<void>;

  /**
   * Up to `limit` entries due at `now` (pending, or sending with a lease that ran out), oldest
   * first, marked sending with a lease until `leaseUntil` and one more attempt.
   */
  claimNotifications(now: string, leaseUntil: string, limit: number): Promise<OutboxEntry[]>;
  /** A claimed entry was delivered. Only an entry still `sending` changes; throws not_found for an unknown id. */
  markNotificationSent(id: number, now: string): Promise<void>;
  /**
   * A claimed entry failed: retried at `retryAt`, or given up (`failed`) when it is null. Only an
   * entry still `sending` changes, so a sender whose lease ran out cannot re-queue what another
   * sender has since delivered.
   */
  markNotificationFailed(id: number, error: string, retryAt: string | null): Promise<void>;
  /** Outbox entries, newest first: all, or of one status. */
  listNotifications(filter?: { status?: NotificationStatus; limit?: number }): Promise<OutboxEntry[]>;

  /**
   * Retention: in one transaction, deletes the outbox entries settled (`sent` or `failed`) and
   * created before `before`, and the transitions older than `before`. A `pending` or `sending` entry
   * is never deleted, however old: it has yet to be delivered. Nor is the newest transition of a
   * series that still has a state (the one listed first for it): it is where the current state
   * started, which the timeline needs. Returns how many of each went.
   */
  pruneAlertHistory(before: string): Promise<{ notifications: number; transitions: number }>;
}
