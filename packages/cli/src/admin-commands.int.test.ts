import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { exited, REPO_ROOT, spawnServer } from '../../server/src/testing/child-server.ts';

const CLI = path.join(REPO_ROOT, 'packages/cli/src/main.ts');
const TOKEN = 'admin-commands-test-token-0123456789';
const PW = 'correct horse battery staple';
const PW2 = 'a different long passphrase';

const run = (args: string[], env: Record<string, string>, input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) });

/** Runs `fn` with a fresh data directory, removed afterwards whatever happens. */
async function withDataDir(fn: (env: { VIGIL_DATA_DIR: string }, dir: string) => Promise<void> | void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-admin-'));
  try {
    await fn({ VIGIL_DATA_DIR: dir }, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const createUser = (env: Record<string, string>, name: string, password = PW, ...flags: string[]) => {
  const r = run(['users', 'create', name, ...flags, '--password-stdin'], env, `${password}\n`);
  assert.equal(r.status, 0, r.stderr);
  return r;
};

/** Opens the metadata database directly, as someone bypassing Vigil would. */
function raw<T>(dir: string, fn: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(path.join(dir, 'meta.sqlite'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const auditTrigger = (db: Sqlite.Database, verb: 'update' | 'delete'): string => {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { name: string }[]).map((t) => t.name);
  const name = names.find((n) => n.includes(verb));
  assert.ok(name, `no ${verb} trigger on audit_log among ${names.join(', ')}`);
  return name;
};

const signIn = (url: string, username: string, password: string) =>
  fetch(`${url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

const sessionCookie = (r: Response): string | null => {
  const c = r.headers.getSetCookie().find((h) => h.startsWith('vigil_session='));
  return c ? (c.split(';')[0] as string) : null;
};

test('users create: the first admin, refused passwords and duplicates, a team-scoped editor; users list shows them', () =>
  withDataDir((env, dir) => {
    const alice = createUser(env, 'alice', PW, '--admin');
    assert.match(alice.stdout, /created user "alice" \(admin on all models\)/);

    const short = run(['users', 'create', 'bob', '--role', 'editor', '--team', 'ops', '--password-stdin'], env, 'too short\n');
    assert.equal(short.status, 2);
    assert.match(short.stderr, /vigil: password: at least 12 characters/);

    const dup = run(['users', 'create', 'Alice', '--password-stdin'], env, `${PW}\n`);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /vigil: user "alice" already exists/);

    for (const [args, message] of [
      [['users', 'create', 'bob', '--role', 'owner'], /--role must be one of viewer, editor, admin/],
      [['users', 'create', 'bob', '--admin', '--team', 'risk'], /--admin means admin on all models/],
      [['users', 'create', '_bob'], /username "_bob": letters, digits/],
      [['users', 'create', 'bob smith'], /username "bob smith"/],
    ] as [string[], RegExp][]) {
      const r = run([...args, '--password-stdin'], env, `${PW}\n`);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }

    const bob = createUser(env, 'bob', PW, '--role', 'editor', '--team', 'risk');
    assert.match(bob.stdout, /created user "bob" \(editor on team "risk"\)/);
    createUser(env, 'carol'); // viewer on all models by default

    const list = run(['users', 'list'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^alice\s+human\s+local\s+enabled\s+admin@\*$/m);
    assert.match(list.stdout, /^bob\s+human\s+local\s+enabled\s+editor@team:risk$/m);
    assert.match(list.stdout, /^carol\s+human\s+local\s+enabled\s+viewer@\*$/m);
    assert.equal(list.stdout.trim().split('\n').length, 3, list.stdout);

    raw(dir, (db) => {
      assert.deepEqual(db.prepare('SELECT id FROM teams ORDER BY id').all(), [{ id: 'risk' }], 'the team was created; the refused command left none');
      const actions = db.prepare('SELECT action, target_type FROM audit_log ORDER BY seq').all();
      const user = { action: 'user.create', target_type: 'user' };
      assert.deepEqual(actions, [user, { action: 'team.create', target_type: 'team' }, user, user], 'each created user and team is audited, the refused ones are not');
    });
  }));

test('a user created by the CLI signs in; reset-password replaces the password and ends their sessions', () =>
  withDataDir(async (env) => {
    createUser(env, 'alice', PW, '--admin');
    const server = await spawnServer({ ...env, VIGIL_ADMIN_TOKEN: TOKEN });
    try {
      const ok = await signIn(server.url, 'alice', PW);
      assert.equal(ok.status, 200, await ok.clone().text());
      const cookie = sessionCookie(ok);
      assert.ok(cookie, `no vigil_session cookie in ${ok.headers.getSetCookie().join(' | ')}`);
      const body = (await ok.json()) as { user: { username: string; grants: unknown[] } };
      assert.equal(body.user.username, 'alice');
      assert.deepEqual(body.user.grants, [{ role: 'admin', scope: { kind: 'all' } }]);
      const who = await fetch(`${server.url}/api/v1/auth/session`, { headers: { cookie } });
      assert.equal(who.status, 200);

      // Beside the running server: SQLite takes a second process.
      const reset = run(['users', 'reset-password', 'alice', '--password-stdin'], env, `${PW2}\n`);
      assert.equal(reset.status, 0, reset.stderr);
      assert.match(reset.stdout, /password of "alice" changed; their sessions ended/);

      assert.equal((await fetch(`${server.url}/api/v1/auth/session`, { headers: { cookie } })).status, 401, 'the old session ended');
      assert.equal((await signIn(server.url, 'alice', PW)).status, 401, 'the old password no longer works');
      const again = await signIn(server.url, 'alice', PW2);
      assert.equal(again.status, 200, await again.clone().text());
      assert.ok(sessionCookie(again));

      const short = run(['users', 'reset-password', 'alice', '--password-stdin'], env, 'short\n');
      assert.equal(short.status, 2);
      assert.match(short.stderr, /password: at least 12 characters/);
      const unknown = run(['users', 'reset-password', 'nobody', '--password-stdin'], env, `${PW}\n`);
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /no user "nobody"/);
      assert.equal((await signIn(server.url, 'alice', PW2)).status, 200, 'the refused resets changed nothing');
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  }));

/** Writes `n` audit entries (one per created user) and checks that the log verifies. */
function auditedLog(env: Record<string, string>, n: number): void {
  for (let i = 1; i <= n; i++) createUser(env, `user-${i}`);
  const r = run(['audit', 'verify'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`audit log intact: ${n} entries checked in [\\d.]+ s, last entry ${n}`));
}

test('audit verify: an empty log and an intact log pass and say how much they checked', () =>
  withDataDir((env) => {
    const empty = run(['audit', 'verify'], env);
    assert.equal(empty.status, 0, empty.stderr);
    assert.match(empty.stdout, /audit log intact: 0 entries checked/);
    auditedLog(env, 3);
  }));

for (const [column, value] of [
  ['actor_name', 'mallory'],
  ['details', '{"username":"user-2","grants":[]}'],
] as const) {
  test(`audit verify: ${column} changed behind the trigger is reported at exactly its entry`, () =>
    withDataDir((env, dir) => {
      auditedLog(env, 4);
      raw(dir, (db) => {
        assert.throws(() => db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = 2`).run(value), /append-only/);
        db.exec(`DROP TRIGGER ${auditTrigger(db, 'update')}`);
        assert.equal(db.prepare(`UPDATE audit_log SET ${column} = ? WHERE seq = 2`).run(value).changes, 1);
      });
      const r = run(['audit', 'verify'], env);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, /audit log FAILED verification at entry 2: the entry was changed after it was written/);
      assert.match(r.stderr, /\(1 entries before it are intact\)/);
      assert.doesNotMatch(r.stdout, /intact:/);
    }));
}

test('audit verify: a middle entry deleted behind the trigger is reported at the next entry', () =>
  withDataDir((env, dir) => {
    auditedLog(env, 4);
    raw(dir, (db) => {
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
      db.exec(`DROP TRIGGER ${auditTrigger(db, 'delete')}`);
      assert.equal(db.prepare('DELETE FROM audit_log WHERE seq = 2').run().changes, 1);
    });
    const r = run(['audit', 'verify'], env);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /audit log FAILED verification at entry 3: entry 2 is missing \(the next entry is 3\)/);
    assert.match(r.stderr, /\(1 entries before it are intact\)/);
  }));
