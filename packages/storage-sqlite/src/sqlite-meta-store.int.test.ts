import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { isVigilError } from '@vigil/core';
// The contract is test support, not part of @vigil/storage's public entry point.
import { runMetaStoreContract } from '@vigil/storage/contract';
import { MIGRATIONS, migrate } from './migrations.ts';
import type { Migration } from './migrations.ts';
import { SqliteMetaStore } from './sqlite-meta-store.ts';

const tempDir = () => fs.mkdtempSync(os.tmpdir() + '/vigil-meta-');

runMetaStoreContract('sqlite', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'meta.db');
  const opened: SqliteMetaStore[] = [];
  const open = async () => {
    const store = new SqliteMetaStore(file);
    opened.push(store);
    await store.init();
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteMetaStore on a file', () => {
  const withFile = async (fn: (file: string) => Promise<void>) => {
    const dir = tempDir();
    try {
      await fn(path.join(dir, 'meta.db'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  test('uses WAL, synchronous FULL, foreign keys and a busy timeout', () =>
    withFile(async (file) => {
      const store = new SqliteMetaStore(file);
      await store.init();
      assert.deepEqual(store.connectionSettings(), { journal_mode: 'wal', synchronous: 2, foreign_keys: 1, busy_timeout: 5000 });
      await store.close();
    }));

  test('creates the database and its WAL readable and writable by the owner only', () =>
    withFile(async (file) => {
      const store = new SqliteMetaStore(file);
      await store.init();
      await store.setSetting('k', 'v');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(fs.statSync(f).mode & 0o777, 0o600, f);
      await store.close();
    }));

  test('records each migration once and applies none twice', () =>
    withFile(async (file) => {
      const first = new SqliteMetaStore(file);
      await first.init();
      await first.init();
      await first.close();
      const second = new SqliteMetaStore(file);
      await second.init();
      await second.close();
      const db = new Sqlite(file, { readonly: true });
      const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      db.close();
      assert.deepEqual(rows, MIGRATIONS.map((m) => ({ version: m.version })));
    }));

  test('a store that is not open says so', async () => {
    const store = new SqliteMetaStore(':memory:');
    await assert.rejects(store.getModel('m'), (e: unknown) => isVigilError(e) && e.code === 'unavailable');
    await store.close();
  });
});

describe('migrate', () => {
  const extra: Migration = { version: 2, name: 'add a table', sql: 'CREATE TABLE extra (x INTEGER) STRICT' };
  const broken: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM missing' };
  const clock = () => new Date('2025-01-01T00:00:00Z');

  test('applies pending migrations in order and returns their versions', () => {
    const db = new Sqlite(':memory:');
    assert.deepEqual(migrate(db, MIGRATIONS, clock), [1]);
    assert.deepEqual(migrate(db, [...MIGRATIONS, extra], clock), [2]);
    assert.deepEqual(migrate(db, [...MIGRATIONS, extra], clock), []);
    const applied = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(applied, [1, 2].map((version) => ({ version, applied_at: '2025-01-01T00:00:00.000Z' })));
    db.close();
  });

  test('a failing migration leaves nothing behind', () => {
    const db = new Sqlite(':memory:');
    migrate(db, [...MIGRATIONS, extra], clock);
    assert.throws(() => migrate(db, [...MIGRATIONS, extra, broken], clock), /missing/);
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half'").get(), undefined);
    assert.equal(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 3').get(), undefined);
    db.close();
  });

  test('refuses a database newer than the code', () => {
    const db = new Sqlite(':memory:');
    migrate(db, [...MIGRATIONS, extra], clock);
    assert.throws(() => migrate(db, MIGRATIONS, clock), (e: unknown) => isVigilError(e) && e.code === 'unavailable');
    db.close();
  });

  test('refuses migrations out of order', () => {
    const db = new Sqlite(':memory:');
    assert.throws(() => migrate(db, [extra, ...MIGRATIONS]), /increasing order/);
    db.close();
  });
});
