import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { addUser, PW, signInRaw } from './testing/users.ts';

describe('sign-in, sessions and CSRF', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ VIGIL_SESSION_IDLE_MINUTES: '30', VIGIL_SESSION_MAX_HOURS: '2' });
    await s.call('POST', '/api/v1/teams', { id: 'risk' });
    await addUser(s, 'ada', [{ role: 'admin', scope: { kind: 'all' } }]);
    await addUser(s, 'vic', [{ role: 'viewer', scope: { kind: 'all' } }]);
  });
  after(() => s.stop());

  test('passwords are stored as Argon2id hashes, never as given', async () => {
    const u = await s.server.ctx.stores.meta.getUserByUsername('ada');
    const hash = await s.server.ctx.stores.meta.getPasswordHash(u!.id);
    assert.match(hash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!hash!.includes(PW));
  });

  test('sign-in sets an HTTP-only, SameSite=Lax session cookie and answers the CSRF token', async () => {
    const r = await signInRaw(s, 'ADA', PW);
    assert.equal(r.status, 200);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: not Secure');
    assert.equal(r.body.user.username, 'ada');
    assert.equal(typeof r.body.csrf_token, 'string');
    assert.equal(r.body.user.password_hash, undefined);
    const who = await s.call('GET', '/api/v1/auth/session', undefined, { session: { cookie: cookie.split(';')[0]!, csrf: null } });
    assert.equal(who.status, 200);
    assert.equal(who.body.via, 'session');
    assert.equal(who.body.csrf_token, r.body.csrf_token);
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    const a = await signInRaw(s, 'vic', 'wrong password!!');
    const b = await signInRaw(s, 'nobody-here', 'wrong password!!');
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.equal(a.body.error.message, b.body.error.message);
    assert.equal(a.headers.getSetCookie().length, 0);
  });

  test('a change through a session needs the CSRF header; a bearer key does not', async () => {
    const ada = await s.signIn('ada', PW);
    const without = await s.call('POST', '/api/v1/teams', { id: 'csrf-a' }, { session: ada, csrf: false });
    assert.equal(without.status, 403);
    assert.match(without.body.error.message, /x-csrf-token/i);
    const wrong = await s.call('POST', '/api/v1/teams', { id: 'csrf-a' }, { session: { ...ada, csrf: 'forged' } });
    assert.equal(wrong.status, 403);
    assert.equal((await s.call('GET', '/api/v1/teams', undefined, { session: ada, csrf: false })).status, 200, 'reads need no CSRF token');
    const ok = await s.call('POST', '/api/v1/teams', { id: 'csrf-a' }, { session: ada });
    assert.equal(ok.status, 201);
    assert.equal((await s.call('POST', '/api/v1/teams', { id: 'csrf-b' })).status, 201, 'bearer key');
    // a form post (the usual CSRF vehicle) is not even parsed
    const form = await s.call('POST', '/api/v1/auth/sign-in', undefined, { token: null, raw: 'username=ada&password=x', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
  });

  test('a session ends after the idle time, and at its maximum age even when used', async () => {
    const idle = await s.signIn('vic', PW);
    s.advance(31 * 60_000);
    const r = await s.call('GET', '/api/v1/models', undefined, { session: idle });
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /idle/);
    const busy = await s.signIn('vic', PW);
    for (let i = 0; i < 5; i++) {
      s.advance(20 * 60_000);
      assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: busy })).status, 200, `use ${i}`);
    }
    s.advance(21 * 60_000);
    const old = await s.call('GET', '/api/v1/models', undefined, { session: busy });
    assert.equal(old.status, 401);
    assert.match(old.body.error.message, /maximum age/);
  });

  test('sign-out ends one session; sign-out everywhere ends them all', async () => {
    const a = await s.signIn('vic', PW);
    const b = await s.signIn('vic', PW);
    const out = await s.call('POST', '/api/v1/auth/sign-out', undefined, { session: a });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie().join(), /vigil_session=;/);
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: a })).status, 401);
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: b })).status, 200);
    const c = await s.signIn('vic', PW);
    const all = await s.call('POST', '/api/v1/auth/sign-out-everywhere', undefined, { session: c });
    assert.equal(all.status, 200);
    assert.equal(all.body.ended, 2);
    for (const x of [b, c]) assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: x })).status, 401);
  });

  test('changing the password checks the old one and ends the other sessions', async () => {
    await addUser(s, 'pat', [{ role: 'viewer', scope: { kind: 'all' } }]);
    const here = await s.signIn('pat', PW);
    const elsewhere = await s.signIn('pat', PW);
    const wrong = await s.call('POST', '/api/v1/me/password', { current_password: 'not it at all', new_password: 'a brand new secret' }, { session: here });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.details[0].field, 'current_password');
    const short = await s.call('POST', '/api/v1/me/password', { current_password: PW, new_password: 'short' }, { session: here });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.details[0].field, 'new_password');
    const ok = await s.call('POST', '/api/v1/me/password', { current_password: PW, new_password: 'a brand new secret' }, { session: here });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.other_sessions_ended, 1);
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: here })).status, 200);
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: elsewhere })).status, 401);
    assert.equal((await signInRaw(s, 'pat', PW)).status, 401);
    assert.equal((await signInRaw(s, 'pat', 'a brand new secret')).status, 200);
  });

  test('personas are a preference: they change no permission', async () => {
    const vic = await s.signIn('vic', PW);
    const r = await s.call('PATCH', '/api/v1/me', { persona: 'operations' }, { session: vic });
    assert.equal(r.status, 200);
    assert.equal(r.body.persona, 'operations');
    assert.deepEqual(r.body.grants, [{ role: 'viewer', scope: { kind: 'all' } }]);
    assert.equal((await s.call('PATCH', '/api/v1/me', { persona: 'wizard' }, { session: vic })).status, 400);
    assert.equal((await s.call('PATCH', '/api/v1/me', { grants: [] }, { session: vic })).status, 400, 'grants are not self-service');
  });
});

describe('failed sign-ins are slowed, then locked out', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await addUser(s, 'lee', [{ role: 'viewer', scope: { kind: 'all' } }]);
    await addUser(s, 'kim', [{ role: 'viewer', scope: { kind: 'all' } }]);
  });
  after(() => s.stop());

  test('per account: waits grow after 3 failures; after 10 the right password is refused until the lock ends', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await signInRaw(s, 'lee', 'bad password 1')).status, 401);
    const slowed = await signInRaw(s, 'lee', PW);
    assert.equal(slowed.status, 429);
    assert.match(slowed.body.error.message, /wait 1 s/);
    assert.equal(slowed.headers.get('retry-after'), '1');
    for (let i = 3; i < 10; i++) {
      s.advance(31_000);
      assert.equal((await signInRaw(s, 'lee', 'bad password 1')).status, 401, `failure ${i + 1}`);
    }
    s.advance(60_000);
    const locked = await signInRaw(s, 'lee', PW);
    assert.equal(locked.status, 429);
    assert.match(locked.body.error.message, /locked after 10 failed attempts/);
    assert.match(locked.body.error.hint, /unlock/);
    assert.equal((await signInRaw(s, 'kim', PW)).status, 200, 'other accounts are not affected');
    s.advance(15 * 60_000);
    assert.equal((await signInRaw(s, 'lee', PW)).status, 200, 'the lock ends');
    const audit = await s.call('GET', '/api/v1/audit?action=auth.sign_in_blocked');
    assert.ok(audit.body.items.length >= 2);
  });

  test('an administrator can unlock an account at once', async () => {
    for (let i = 0; i < 10; i++) {
      s.advance(31_000);
      await signInRaw(s, 'kim', 'bad password 2');
    }
    assert.equal((await signInRaw(s, 'kim', PW)).status, 429);
    assert.equal((await s.call('POST', '/api/v1/users/kim/unlock')).status, 204);
    s.advance(31_000); // the address (shared by every test here) is still slowed by its own count
    assert.equal((await signInRaw(s, 'kim', PW)).status, 200);
  });

  test('per address: many failures across accounts slow that address', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const t = await startTestServer({ VIGIL_TRUST_PROXY: 'true' });
    try {
      await addUser(t, 'ann', [{ role: 'viewer', scope: { kind: 'all' } }]);
      for (let i = 0; i < 10; i++) assert.equal((await signInRaw(t, `guess-${i}`, 'bad password 3', from)).status, 401);
      const r = await signInRaw(t, 'ann', PW, from);
      assert.equal(r.status, 429);
      assert.match(r.body.error.message, /your address/);
      assert.equal((await signInRaw(t, 'ann', PW, { 'x-forwarded-for': '198.51.100.7' })).status, 200, 'another address is fine');
    } finally {
      await t.stop();
    }
  });
});

describe('first start and administration guard rails', () => {
  test('VIGIL_INITIAL_ADMIN_PASSWORD creates the first admin only while no person has an account', async () => {
    const s = await startTestServer({ VIGIL_INITIAL_ADMIN_USERNAME: 'Root', VIGIL_INITIAL_ADMIN_PASSWORD: PW });
    try {
      const root = await s.signIn('root', PW);
      const who = await s.call('GET', '/api/v1/auth/session', undefined, { session: root });
      assert.deepEqual(who.body.user.grants, [{ role: 'admin', scope: { kind: 'all' } }]);
      assert.equal((await s.server.ctx.stores.meta.listUsers()).filter((u) => u.kind === 'human').length, 1);
    } finally {
      await s.stop();
    }
    const short = await import('./config.ts').then(({ loadConfig }) => {
      try {
        loadConfig({ VIGIL_INITIAL_ADMIN_PASSWORD: 'short-pw' });
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    });
    assert.match(short!, /VIGIL_INITIAL_ADMIN_PASSWORD=\(hidden\): must be at least 12 characters/);
    assert.ok(!short!.includes('short-pw'), 'the secret is not echoed');
  });

  test('the last admin on all models cannot be deleted, disabled or demoted', async () => {
    const s = await startTestServer();
    try {
      // the bootstrap service account is an admin too: revoke its standing first
      const boot = await s.server.ctx.stores.meta.getUserByUsername('bootstrap');
      await addUser(s, 'solo', [{ role: 'admin', scope: { kind: 'all' } }]);
      const solo = await s.signIn('solo', PW);
      assert.equal((await s.call('PATCH', `/api/v1/users/${boot!.id}`, { grants: [] }, { session: solo })).status, 200);
      for (const [method, body] of [['DELETE', undefined], ['PATCH', { disabled: true }], ['PATCH', { grants: [{ role: 'viewer', scope: { kind: 'all' } }] }]] as const) {
        const r = await s.call(method, '/api/v1/users/solo', body, { session: solo });
        assert.equal(r.status, 409, `${method} ${JSON.stringify(body)}`);
        assert.match(r.body.error.message, /no enabled user with the admin role on all models/);
      }
      assert.equal((await s.call('POST', '/api/v1/users', { username: 'deputy', password: PW, grants: [{ role: 'admin', scope: { kind: 'all' } }] }, { session: solo })).status, 201);
      assert.equal((await s.call('PATCH', '/api/v1/users/solo', { disabled: true }, { session: solo })).status, 200);
      assert.equal((await s.call('GET', '/api/v1/models', undefined, { session: solo })).status, 401, 'disabling ends the sessions');
    } finally {
      await s.stop();
    }
  });

  test('team grants must name a team that exists; usernames are unique whatever the case', async () => {
    const s = await startTestServer();
    try {
      const r = await s.call('POST', '/api/v1/users', { username: 'tia', password: PW, grants: [{ role: 'viewer', scope: { kind: 'team', team: 'nope' } }] });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.details[0].field, 'grants.0.scope.team');
      await addUser(s, 'Tia', []);
      assert.equal((await s.call('POST', '/api/v1/users', { username: 'TIA', password: PW })).status, 409);
      const bad = await s.call('POST', '/api/v1/users', { username: 'has space', password: 'short', grants: [{ role: 'god', scope: { kind: 'all' } }] });
      assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field).sort(), ['grants.0.role', 'password', 'username']);
    } finally {
      await s.stop();
    }
  });

  test('a revoked bootstrap key stays revoked across restarts; VIGIL_PUBLIC_API_DOCS opens the docs', async () => {
    const s = await startTestServer({ VIGIL_PUBLIC_API_DOCS: 'true' });
    try {
      assert.equal((await s.call('GET', '/api/docs/json', undefined, { token: null })).status, 200);
      assert.equal((await s.call('DELETE', '/api/v1/api-keys/bootstrap')).status, 200);
      assert.equal((await s.call('GET', '/api/v1/models')).status, 401);
      const { ensureBootstrapKey } = await import('./auth/bootstrap.ts');
      const again = await ensureBootstrapKey(s.server.ctx.stores.meta, s.dir, 'test-admin-token-0123456789', new Date().toISOString());
      assert.match(again.messages.join(), /was revoked/);
      assert.equal((await s.call('GET', '/api/v1/models')).status, 401);
    } finally {
      await s.stop();
    }
  });
});
