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
