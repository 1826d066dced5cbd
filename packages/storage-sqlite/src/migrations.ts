// Bringing the database file to a usable state: how it is opened, and how its schema evolves.
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import { VigilError } from '@vigil/core';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Append only: a released migration is never edited, a change is a new entry. STRICT tables
 * make SQLite refuse a value of the wrong type instead of silently storing it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'models, schemas, versions, deployments, settings',
    sql: `
      CREATE TABLE models (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        task           TEXT NOT NULL,
        owner_team     TEXT,
        tags           TEXT NOT NULL CHECK (json_valid(tags)),
        description    TEXT,
        schema_version INTEGER NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX models_owner_team ON models (owner_team);

      CREATE TABLE model_schemas (
        model_id       TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        schema_version INTEGER NOT NULL,
        schema         TEXT NOT NULL CHECK (json_valid(schema)),
        created_at     TEXT NOT NULL,
        PRIMARY KEY (model_id, schema_version)
      ) STRICT;

      CREATE TABLE model_versions (
        model_id           TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        version            TEXT NOT NULL,
        source             TEXT,
        description        TEXT,
        validation_metrics TEXT NOT NULL CHECK (json_valid(validation_metrics)),
        created_at         TEXT NOT NULL,
        PRIMARY KEY (model_id, version)
      ) STRICT;
      CREATE INDEX model_versions_created ON model_versions (model_id, created_at);

      CREATE TABLE deployments (
        id          TEXT PRIMARY KEY,
        model_id    TEXT NOT NULL,
        version     TEXT NOT NULL,
        environment TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('in_progress', 'succeeded', 'failed', 'rolled_back')),
        notes       TEXT,
        FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX deployments_model_started ON deployments (model_id, environment, started_at);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'users, grants, teams, sessions, API keys, sign-in failures, audit log',
    sql: `
      -- NOCASE: usernames arrive lowercase, and the database refuses a second spelling anyway.
      CREATE TABLE users (
        id                  TEXT PRIMARY KEY,
        username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name        TEXT NOT NULL,
        email               TEXT,
        kind                TEXT NOT NULL CHECK (kind IN ('human', 'service')),
        persona             TEXT,
        source              TEXT NOT NULL CHECK (source IN ('local', 'oidc')),
        password_hash       TEXT,
        disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        oidc_issuer         TEXT,
        oidc_subject        TEXT,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        password_changed_at TEXT,
        last_sign_in_at     TEXT,
        CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_issuer IS NOT NULL;

      -- A grant's scope as columns, so "which grants name this team" is a plain indexed lookup.
      -- No foreign key to teams: sign-in rules may name a team before anyone creates it.
      CREATE TABLE user_grants (
        user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        scope_kind   TEXT NOT NULL CHECK (scope_kind IN ('all', 'team', 'models')),
        scope_team   TEXT,
        scope_models TEXT CHECK (scope_models IS NULL OR json_valid(scope_models)),
        PRIMARY KEY (user_id, position),
        CHECK ((scope_kind = 'team') = (scope_team IS NOT NULL)),
        CHECK ((scope_kind = 'models') = (scope_models IS NOT NULL))
      ) STRICT;
      CREATE INDEX user_grants_team ON user_grants (scope_team) WHERE scope_team IS NOT NULL;

      CREATE TABLE teams (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id_hash      TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_token   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        ip           TEXT,
        user_agent   TEXT,
        method       TEXT NOT NULL CHECK (method IN ('password', 'oidc'))
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE api_keys (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        owner_user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        scope         TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
        models        TEXT CHECK (models IS NULL OR json_valid(models)),
        prefix        TEXT NOT NULL,
        secret_hash   TEXT NOT NULL UNIQUE,
        created_by    TEXT,
        created_at    TEXT NOT NULL,
        expires_at    TEXT,
        last_used_at  TEXT,
        last_used_ip  TEXT,
        revoked_at    TEXT
      ) STRICT;
      CREATE INDEX api_keys_owner ON api_keys (owner_user_id, created_at);

      CREATE TABLE api_key_addresses (
        key_id        TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        ip            TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        PRIMARY KEY (key_id, ip)
      ) STRICT, WITHOUT ROWID;

      -- key: whatever is being limited, e.g. "user:alice" or "ip:203.0.113.9".
      CREATE TABLE login_failures (
        key TEXT NOT NULL,
        ts  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX login_failures_key_ts ON login_failures (key, ts);

      CREATE TABLE audit_log (
        seq         INTEGER PRIMARY KEY,
        ts          TEXT NOT NULL,
        actor_type  TEXT NOT NULL CHECK (actor_type IN ('user', 'key', 'anonymous', 'system')),
        actor_id    TEXT,
        actor_name  TEXT,
        action      TEXT NOT NULL,
        target_type TEXT,
        target_id   TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        ip          TEXT,
        user_agent  TEXT,
        details     TEXT NOT NULL CHECK (json_valid(details)),
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_ts ON audit_log (ts);

      -- Append-only at the database level. Retention deletes only a prefix of the chain: it
      -- records its cutoff and the new anchor in settings first, in the same transaction, and a
      -- row may go only if it is older than the cutoff and at or before the anchor. Once those
      -- rows are gone nothing else matches, so no delete window stays open after a prune.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      WHEN NOT (
        OLD.ts < coalesce((SELECT value FROM settings WHERE key = 'audit_prune_before'), '')
        AND OLD.seq <= coalesce((SELECT json_extract(value, '$.seq') FROM settings WHERE key = 'audit_anchor'), 0)
      )
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: entries are removed only by retention (pruneAudit)');
      END;
    `,
  },
  {
    version: 3,
    name: 'dashboards',
    sql: `
      -- A dashboard is personal while team is NULL, shared with the team otherwise. Deleting a
      -- user removes their personal dashboards (the trigger, which runs before the foreign key
      -- action) and keeps their team dashboards with no owner (SET NULL), so a team does not lose
      -- its dashboards when someone leaves. The CHECK makes an unreachable dashboard impossible.
      -- No foreign key to teams: like grants, a dashboard may name a team before it is created.
      CREATE TABLE dashboards (
        id            TEXT PRIMARY KEY,
        owner_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
        team          TEXT,
        spec          TEXT NOT NULL CHECK (json_valid(spec)),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        CHECK (owner_user_id IS NOT NULL OR team IS NOT NULL)
      ) STRICT;
      CREATE INDEX dashboards_owner ON dashboards (owner_user_id);
      CREATE INDEX dashboards_team ON dashboards (team) WHERE team IS NOT NULL;

      CREATE TRIGGER users_delete_personal_dashboards BEFORE DELETE ON users
      BEGIN
        DELETE FROM dashboards WHERE owner_user_id = OLD.id AND team IS NULL;
      END;
    `,
  },
  {
    version: 4,
    name: 'reference profiles',
    sql: `
      -- One drift reference per model version: its per-feature profile (JSON, from the core's
      -- profile.ts). The rows themselves live in the event store (ref_<model>), linked by id only.
      CREATE TABLE reference_profiles (
        model_id    TEXT NOT NULL,
        version     TEXT NOT NULL,
        source      TEXT NOT NULL CHECK (source IN ('file', 'window')),
        description TEXT NOT NULL,
        rows        INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT,
        profile     TEXT NOT NULL CHECK (json_valid(profile)),
        PRIMARY KEY (model_id, version),
        FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'alert rules, states, transitions, silences, channels, notification outbox',
    sql: `
      CREATE TABLE alert_rules (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        spec       TEXT NOT NULL CHECK (json_valid(spec)),
        created_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- One row per series of a rule: the state machine's state between evaluations.
      CREATE TABLE alert_states (
        rule_id    TEXT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
        series_key TEXT NOT NULL,
        labels     TEXT NOT NULL CHECK (json_valid(labels)),
        state      TEXT NOT NULL,
        detail     TEXT NOT NULL CHECK (json_valid(detail)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (rule_id, series_key)
      ) STRICT;

      -- History: kept when a rule is deleted (no foreign key).
      CREATE TABLE alert_transitions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id    TEXT NOT NULL,
        series_key TEXT NOT NULL,
        labels     TEXT NOT NULL CHECK (json_valid(labels)),
        from_state TEXT NOT NULL,
        to_state   TEXT NOT NULL,
        at         TEXT NOT NULL,
        value      REAL,
        detail     TEXT NOT NULL CHECK (json_valid(detail))
      ) STRICT;
      CREATE INDEX alert_transitions_rule_at ON alert_transitions (rule_id, at);
      CREATE INDEX alert_transitions_at ON alert_transitions (at);

      CREATE TABLE alert_silences (
        id         TEXT PRIMARY KEY,
        matchers   TEXT NOT NULL CHECK (json_valid(matchers)),
        starts_at  TEXT NOT NULL,
        ends_at    TEXT NOT NULL,
        comment    TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alert_silences_ends_at ON alert_silences (ends_at);

      CREATE TABLE notification_channels (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        type       TEXT NOT NULL,
        config     TEXT NOT NULL CHECK (json_valid(config)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- The durable outbox: written with the evaluation that caused it; dedup_key makes a
      -- transition's notification unique whatever is retried.
      CREATE TABLE notification_outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        dedup_key       TEXT NOT NULL UNIQUE,
        channel_id      TEXT NOT NULL REFERENCES notification_channels (id),
        payload         TEXT NOT NULL CHECK (json_valid(payload)),
        status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts        INTEGER NOT NULL,
        next_attempt_at TEXT NOT NULL,
        lease_until     TEXT,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        sent_at         TEXT
      ) STRICT;
      CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);
    `,
  },
];

/** Opens the file with the settings durability and concurrency need; creates it owner-only. */
export function openDatabase(path: string): Database {
  if (path !== ':memory:' && !fs.existsSync(path)) {
    try {
      // Created here rather than by SQLite so the file never exists with umask permissions;
      // SQLite gives the -wal and -shm files the mode of the database file.
      fs.closeSync(fs.openSync(path, 'wx', 0o600));
      fs.chmodSync(path, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const db = new Sqlite(path);
  // The timeout goes first: switching to WAL needs a lock another process may hold.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Throws unless versions are strictly increasing, so "applied in order" means something. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const prev = migrations[i - 1];
    if (!Number.isInteger(m.version) || m.version < 1 || (prev !== undefined && m.version <= prev.version)) {
      throw new Error(`migration "${m.name}" has version ${m.version}: versions must be positive integers in increasing order`);
    }
  });
}

/**
 * Applies every migration not yet recorded, oldest first, each in its own transaction
 * together with its schema_migrations row, so a failure leaves no half-applied step.
 * Returns the versions it applied.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, clock: () => Date = () => new Date()): number[] {
  checkMigrationOrder(migrations);
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const newest = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v;
  const known = migrations.at(-1)?.version ?? 0;
  if (newest !== null && newest > known) {
    // An older binary must not write into a schema it does not understand.
    throw new VigilError('unavailable', `the metadata database is at schema version ${newest}, this Vigil knows up to ${known}`, {
      hint: 'run the newer Vigil release that created this database, or restore a backup',
    });
  }
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    // IMMEDIATE takes the write lock before the check, so two processes starting together
    // cannot both apply the same step.
    db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return;
      db.exec(m.sql);
      record.run(m.version, clock().toISOString());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
