import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { AUDIT_GENESIS, auditPayload, isVigilError, verifyAuditChain } from '@vigil/core';
import type { AuditHash, AuditInput } from '@vigil/core';
// The contract is test support, not part of @vigil/storage's public entry point.
import { runAlertStoreContract, runDashboardStoreContract, runMetaStoreContract, runSecurityStoreContract } from '@vigil/storage/contract';
import { MIGRATIONS, migrate, openDatabase } from './migrations.ts';
import type { Migration } from './migrations.ts';
import { SqliteMetaStore } from './sqlite-meta-store.ts';

const tempDir = () => fs.mkdtempSync(os.tmpdir() + '/vigil-meta-');
// Written out here rather than imported from the store, so the default is checked independently.
const sha256: AuditHash = (payload) => createHash('sha256').update(payload).digest('hex');

async function harness() {
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
    auditHash: sha256,
    cleanup: async () => {
      for (const s of opened) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

runMetaStoreContract('sqlite', harness);
runSecurityStoreContract('sqlite', harness);
runDashboardStoreContract('sqlite', harness);
runAlertStoreContract('sqlite', harness);

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
  const known = MIGRATIONS.map((m) => m.version);
  const next = Math.max(...known) + 1;
  const extra: Migration = { version: next, name: 'add a table', sql: 'CREATE TABLE extra (x INTEGER) STRICT' };
  const broken: Migration = { version: next + 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM missing' };
  const clock = () => new Date('2025-01-01T00:00:00Z');

  test('applies pending migrations in order and returns their versions', () => {
    const db = new Sqlite(':memory:');
    assert.deepEqual(migrate(db, MIGRATIONS, clock), known);
    assert.deepEqual(migrate(db, [...MIGRATIONS, extra], clock), [next]);
    assert.deepEqual(migrate(db, [...MIGRATIONS, extra], clock), []);
    const applied = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(applied, [...known, next].map((version) => ({ version, applied_at: '2025-01-01T00:00:00.000Z' })));
    db.close();
  });

  test('a failing migration leaves nothing behind', () => {
    const db = new Sqlite(':memory:');
    migrate(db, [...MIGRATIONS, extra], clock);
    assert.throws(() => migrate(db, [...MIGRATIONS, extra, broken], clock), /missing/);
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half'").get(), undefined);
    assert.equal(db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(next + 1), undefined);
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

describe('SqliteMetaStore security tables', () => {
  const T = (day: number) => new Date(Date.UTC(2025, 0, day)).toISOString();
  const event = (action: string, ts = T(1)): AuditInput => ({
    ts, actor_type: 'system', actor_id: null, actor_name: null, action, target_type: null, target_id: null,
    outcome: 'success', ip: null, user_agent: null, details: { n: action },
  });
  const withStore = async (fn: (store: SqliteMetaStore, file: string) => Promise<void>, opts = {}) => {
    const dir = tempDir();
    const file = path.join(dir, 'meta.db');
    const store = new SqliteMetaStore(file, opts);
    try {
      await store.init();
      await fn(store, file);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  // A second connection, as someone with the file in hand would have.
  const raw = <T>(file: string, fn: (db: Sqlite.Database) => T): T => {
    const db = new Sqlite(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const verify = async (store: SqliteMetaStore) => {
    const anchor = await store.auditAnchor();
    return verifyAuditChain(await store.scanAudit(anchor?.seq ?? null, 1000), sha256, anchor?.seq ?? 0, anchor?.hash ?? AUDIT_GENESIS);
  };

  test('the audit log refuses UPDATE and DELETE, also right after a prune', () =>
    withStore(async (store, file) => {
      // Entry 3 is older than the cutoff but follows entry 2, which is not: it must stay.
      await store.appendAudit([event('a', T(1)), event('b', T(5)), event('c', T(2)), event('d', T(6))]);
      raw(file, (db) => {
        assert.throws(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE seq = 2").run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run(), /append-only/);
      });
      assert.equal(await store.pruneAudit(T(3)), 1);
      raw(file, (db) => {
        assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 3').run(), /append-only/);
        // Moving the cutoff by hand opens nothing either: rows past the anchor stay.
        db.prepare("UPDATE settings SET value = '9999' WHERE key = 'audit_prune_before'").run();
        assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/);
        assert.deepEqual(db.prepare('SELECT seq FROM audit_log ORDER BY seq').all(), [{ seq: 2 }, { seq: 3 }, { seq: 4 }]);
      });
      assert.deepEqual(await verify(store), { ok: true, checked: 3, lastSeq: 4, lastHash: (await store.scanAudit(3, 1))[0]!.hash });
    }));

  test('a row changed behind the trigger is caught at exactly its seq', () =>
    withStore(async (store, file) => {
      await store.appendAudit(['a', 'b', 'c', 'd', 'e'].map((a) => event(a)));
      assert.equal((await verify(store)).ok, true);
      raw(file, (db) => {
        db.exec('DROP TRIGGER audit_log_no_update');
        db.prepare(`UPDATE audit_log SET details = '{"n":"forged"}' WHERE seq = 3`).run();
      });
      const result = await verify(store);
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? null : [result.seq, result.checked], [3, 2]);
    }));

  test('chains with the hash it is given, SHA-256 hex by default', async () => {
    await withStore(async (store) => {
      const [e] = await store.appendAudit([event('a')]);
      const { hash, ...rest } = e!;
      assert.equal(hash, sha256(auditPayload(rest)));
    });
    const salted: AuditHash = (p) => sha256(`salt:${p}`);
    await withStore(async (store) => {
      const [e] = await store.appendAudit([event('a')]);
      const { hash, ...rest } = e!;
      assert.equal(hash, salted(auditPayload(rest)));
      assert.equal(verifyAuditChain([e!], salted, 0, AUDIT_GENESIS).ok, true);
    }, { auditHash: salted });
  });

  test('stores what it hashed: a Date in details verifies after the round trip', () =>
    withStore(async (store) => {
      await store.appendAudit([{ ...event('a'), details: { at: new Date(0), gone: undefined } }]);
      const [stored] = await store.scanAudit(null, 1);
      assert.deepEqual(stored?.details, { at: '1970-01-01T00:00:00.000Z' });
      assert.equal((await verify(store)).ok, true);
    }));

  test('migration 2 applies to a database made with migration 1 only, keeping its data', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'meta.db');
    const store = new SqliteMetaStore(file);
    try {
      const db = openDatabase(file);
      assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 1)), [1]);
      db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
      db.close();
      await store.init();
      assert.equal(await store.getSetting('k'), 'v');
      const u = await store.createUser({ username: 'a', display_name: 'A', email: null, kind: 'human', persona: null, source: 'local', password_hash: null, grants: [] }, T(1));
      assert.equal((await store.getUser(u.id))?.username, 'a');
      await store.appendAudit([event('a')]);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const versions = raw(file, (d) => d.prepare('SELECT version FROM schema_migrations ORDER BY version').all());
      assert.deepEqual(versions, MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migration 3 applies to a database at migration 2, and the database itself keeps dashboards reachable', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'meta.db');
    const store = new SqliteMetaStore(file);
    try {
      const db = openDatabase(file);
      assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 2)), [1, 2]);
      db.prepare("INSERT INTO users (id, username, display_name, kind, source, created_at, updated_at) VALUES ('u1', 'a', 'A', 'human', 'local', 'x', 'x')").run();
      db.close();
      await store.init();
      const spec = { version: 1 as const, title: 'T', panels: [] };
      const d = await store.createDashboard({ owner_user_id: 'u1', team: 'risk', spec }, T(1));
      raw(file, (r) => {
        r.pragma('foreign_keys = ON');
        // personal and ownerless at once: nobody could ever see it
        assert.throws(() => r.prepare("INSERT INTO dashboards VALUES ('x', NULL, NULL, '{}', 'x', 'x')").run(), /CHECK/);
        assert.throws(() => r.prepare("INSERT INTO dashboards VALUES ('y', 'u1', NULL, 'not json', 'x', 'x')").run(), /CHECK/);
        assert.throws(() => r.prepare("INSERT INTO dashboards VALUES ('z', 'ghost', NULL, '{}', 'x', 'x')").run(), /FOREIGN KEY/);
        r.prepare("INSERT INTO dashboards VALUES ('p', 'u1', NULL, '{}', 'x', 'x')").run();
        r.prepare("DELETE FROM users WHERE id = 'u1'").run();
        assert.deepEqual(r.prepare('SELECT id, owner_user_id FROM dashboards').all(), [{ id: d.id, owner_user_id: null }]);
      });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the file and its WAL stay owner-only with security data in them', () =>
    withStore(async (store, file) => {
      const u = await store.createUser({ username: 'a', display_name: 'A', email: null, kind: 'human', persona: null, source: 'local', password_hash: 'h', grants: [] }, T(1));
      await store.createApiKey({ name: 'k', owner_user_id: u.id, scope: 'admin', models: null, prefix: 'p', secret_hash: 'sh', created_by: null, expires_at: null }, T(1));
      await store.appendAudit([event('a')]);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(fs.statSync(f).mode & 0o777, 0o600, f);
    }));
});
