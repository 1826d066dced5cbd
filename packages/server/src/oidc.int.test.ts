import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';
import { freePort } from './testing/child-server.ts';
import { startOidcProvider, type TestAccount, type TestOidcProvider, type VigilAnswer } from './testing/oidc-provider.ts';
import { fraudModel, startTestServer, TOKEN, type TestServer } from './testing/test-server.ts';

const CLIENT_ID = 'vigil-test';
const CLIENT_SECRET = 'a-client-secret-for-tests-only';
const MAPPING = {
  rules: [
    { value: 'ml-admins', role: 'admin', scope: { kind: 'all' } },
    { value: 'risk', role: 'editor', scope: { kind: 'team', team: 'risk' } },
  ],
};
const ADMIN = { role: 'admin', scope: { kind: 'all' } };
const RISK_EDITOR = { role: 'editor', scope: { kind: 'team', team: 'risk' } };

const account = (sub: string, groups: string[]): TestAccount => ({ sub, preferred_username: sub, email: `${sub}@example.com`, name: `${sub[0]?.toUpperCase()}${sub.slice(1)} Tester`, groups });

/** The `name=value` of the session cookie Vigil set, or null. */
const sessionOf = (r: VigilAnswer): string | null => r.setCookie.find((c) => c.startsWith('vigil_session=') && !c.startsWith('vigil_session=;'))?.split(';')[0] ?? null;

describe('single sign-on against a real OpenID provider', () => {
  const accounts = [account('ada', ['ml-admins', 'staff']), account('rita', ['risk']), account('mallory', ['marketing', 'staff']), account('gus', ['risk'])];
  let idp: TestOidcProvider;
  let s: TestServer;
  let loginUrl: string;

  before(async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`;
    idp = await startOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri, accounts });
    s = await startTestServer({
      VIGIL_PORT: String(port),
      VIGIL_OIDC_ISSUER: idp.issuer,
      VIGIL_OIDC_CLIENT_ID: CLIENT_ID,
      VIGIL_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      VIGIL_OIDC_REDIRECT_URL: redirectUri,
      VIGIL_OIDC_SCOPES: 'openid profile email groups',
      VIGIL_OIDC_ALLOW_HTTP: 'true',
      VIGIL_OIDC_NAME: 'Test IdP',
      VIGIL_OIDC_MAPPING: JSON.stringify(MAPPING),
    });
    loginUrl = `${s.server.url}/api/v1/auth/oidc/login`;
  });
  after(async () => {
    await s?.stop();
    await idp?.stop();
  });

  const session = async (cookie: string) => s.call('GET', '/api/v1/auth/session', undefined, { session: { cookie, csrf: null } });

  test('the sign-in page learns that single sign-on is offered', async () => {
    const r = await s.call('GET', '/api/v1/auth/providers', undefined, { token: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { password: true, oidc: { name: 'Test IdP', login_url: '/api/v1/auth/oidc/login' } });
  });

  test('an ml-admins member signs in: HttpOnly Lax session, admin grant, audited', async () => {
    const r = await idp.login(`${loginUrl}?return_to=${encodeURIComponent('/models/fraud?tab=drift')}`, 'ada');
    assert.equal(r.status, 302, r.body);
    assert.equal(r.location, '/models/fraud?tab=drift');
    const line = r.setCookie.find((c) => c.startsWith('vigil_session='));
    assert.ok(line, `session cookie in ${r.setCookie.join(' | ')}`);
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\/(;|$)/i);
    assert.ok(r.setCookie.some((c) => /^vigil_oidc_state=;/.test(c)), 'the state cookie is cleared');

    const me = await session(sessionOf(r) as string);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.via, 'session');
    assert.equal(me.body.user.username, 'ada');
    assert.equal(me.body.user.source, 'oidc');
    assert.equal(me.body.user.email, 'ada@example.com');
    assert.equal(me.body.user.display_name, 'Ada Tester');
    assert.deepEqual(me.body.user.grants, [ADMIN]);

    const audit = await s.call('GET', '/api/v1/audit?action=auth.sign_in', undefined, { token: TOKEN });
    assert.equal(audit.status, 200);
    const entry = audit.body.items.find((e: any) => e.outcome === 'success' && e.target_id === me.body.user.id);
    assert.ok(entry, JSON.stringify(audit.body.items));
    assert.equal(entry.details.method, 'oidc');
    assert.equal(entry.actor_name, 'ada');
  });

  test('a risk member gets exactly editor on team risk and sees only that team\'s models', async () => {
    for (const id of ['risk', 'growth']) assert.equal((await s.call('POST', '/api/v1/teams', { id }, { token: TOKEN })).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models', fraudModel, { token: TOKEN })).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'churn', name: 'Churn', owner_team: 'growth' }, { token: TOKEN })).status, 201);

    const r = await idp.login(loginUrl, 'rita');
    assert.equal(r.status, 302, r.body);
    assert.equal(r.location, '/');
    const cookie = sessionOf(r) as string;
    const me = await session(cookie);
    assert.deepEqual(me.body.user.grants, [RISK_EDITOR]);
    const models = await s.call('GET', '/api/v1/models', undefined, { session: { cookie, csrf: null } });
    assert.equal(models.status, 200);
    assert.deepEqual(models.body.items.map((m: { id: string }) => m.id), ['fraud']);
    assert.equal((await s.call('GET', '/api/v1/models/churn', undefined, { session: { cookie, csrf: null } })).status, 403);
  });

  test('a browser whose sign-in fails gets a page that says why, with the way back', async () => {
    const res = await fetch(`${s.server.url}/api/v1/auth/oidc/callback?state=forged&code=x`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const page = await res.text();
    assert.match(page, /Sign-in failed/);
    assert.match(page, /unknown, expired, or was started in another browser/);
    assert.match(page, /href="\/sign-in"/);
  });

  test('groups that match no rule are refused with 403 naming them, and no session', async () => {
    const r = await idp.login(loginUrl, 'mallory');
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /marketing/);
    assert.match(r.body, /staff/);
    assert.equal(sessionOf(r), null);
    const audit = await s.call('GET', '/api/v1/audit?action=auth.sign_in&outcome=failure', undefined, { token: TOKEN });
    assert.ok(audit.body.items.some((e: any) => e.target_id === 'mallory' && e.details.method === 'oidc' && /no role/.test(e.details.reason)), JSON.stringify(audit.body.items));
  });

  test('grants follow the groups at each sign-in', async () => {
    const gus = accounts.find((a) => a.sub === 'gus') as TestAccount;
    const first = await session(sessionOf(await idp.login(loginUrl, 'gus')) as string);
    assert.deepEqual(first.body.user.grants, [RISK_EDITOR]);

    gus.groups = ['ml-admins', 'risk'];
    const second = await session(sessionOf(await idp.login(loginUrl, 'gus')) as string);
    assert.equal(second.body.user.id, first.body.user.id, 'the same account, found by issuer and subject');
    assert.deepEqual(second.body.user.grants, [ADMIN, RISK_EDITOR]);

    gus.groups = ['risk'];
    const thirdCookie = sessionOf(await idp.login(loginUrl, 'gus')) as string;
    const third = await session(thirdCookie);
    assert.deepEqual(third.body.user.grants, [RISK_EDITOR]);

    gus.groups = [];
    const refused = await idp.login(loginUrl, 'gus');
    assert.equal(refused.status, 403, refused.body);
    assert.equal(sessionOf(refused), null);
    // removed from every mapped group at the provider: the grants and open sessions go too
    assert.equal((await session(thirdCookie)).status, 401);
    const u = await s.server.ctx.stores.meta.getUser(first.body.user.id);
    assert.deepEqual(u?.grants, []);
  });

  test('a callback with a forged state, without the state cookie, or replayed is refused 401', async () => {
    const { callbackUrl, cookie } = await idp.authorize(loginUrl, 'ada');
    assert.match(cookie, /vigil_oidc_state=/);
    const callback = (url: URL, cookieHeader: string) => fetch(url, { headers: cookieHeader ? { cookie: cookieHeader } : {}, redirect: 'manual' });
    const noSession = (res: Response) => assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('vigil_session=')), 'no session cookie');

    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'forged-state-value');
    const wrongState = await callback(forged, cookie);
    assert.equal(wrongState.status, 401, await wrongState.text());
    noSession(wrongState);

    const forgedBoth = await callback(forged, 'vigil_oidc_state=forged-state-value');
    assert.equal(forgedBoth.status, 401, await forgedBoth.text());
    noSession(forgedBoth);

    const noCookie = await callback(callbackUrl, '');
    assert.equal(noCookie.status, 401, await noCookie.text());
    noSession(noCookie);

    // the genuine browser still finishes; the same callback cannot be used twice
    const genuine = await callback(callbackUrl, cookie);
    assert.equal(genuine.status, 302, await genuine.text());
    const replay = await callback(callbackUrl, cookie);
    assert.equal(replay.status, 401, await replay.text());
    noSession(replay);
  });

  test('return_to must be a path on this server (no open redirect)', async () => {
    // a browser drops tabs and newlines in a Location, so "/\t/evil.example" would land on evil.example
    for (const target of ['https://evil.example/', '//evil.example', '/\\evil.example', 'evil.example', '/\t/evil.example', '/\n/evil.example', '/\t\\evil.example']) {
      const r = await s.call('GET', `/api/v1/auth/oidc/login?return_to=${encodeURIComponent(target)}`, undefined, { token: null });
      assert.equal(r.status, 400, `${JSON.stringify(target)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.headers.get('location'), null);
    }
    const ok = await s.call('GET', `/api/v1/auth/oidc/login?return_to=${encodeURIComponent('/alerts')}`, undefined, { token: null });
    assert.equal(ok.status, 302);
    const to = new URL(ok.headers.get('location') as string);
    assert.equal(to.origin, idp.issuer);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(to.searchParams.get('state') && to.searchParams.get('nonce'));
    const state = ok.headers.getSetCookie().find((c) => c.startsWith('vigil_oidc_state='));
    assert.ok(state);
    assert.match(state, /;\s*Path=\/api\/v1\/auth\/oidc/i);
    assert.match(state, /;\s*HttpOnly/i);
  });
});

describe('single sign-on configuration', () => {
  const sso = { VIGIL_OIDC_ISSUER: 'http://idp.example', VIGIL_OIDC_CLIENT_ID: 'vigil', VIGIL_OIDC_REDIRECT_URL: 'https://vigil.example/api/v1/auth/oidc/callback' };

  test('an http issuer is refused unless VIGIL_OIDC_ALLOW_HTTP=true', () => {
    assert.throws(() => loadConfig(sso), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('VIGIL_OIDC_ISSUER=') && /https/.test(p)));
    assert.throws(() => loadConfig({ ...sso, VIGIL_OIDC_ALLOW_HTTP: 'false' }), ConfigError);
    assert.equal(loadConfig({ ...sso, VIGIL_OIDC_ALLOW_HTTP: 'true' }).VIGIL_OIDC_ISSUER, 'http://idp.example');
    assert.equal(loadConfig({ ...sso, VIGIL_OIDC_ISSUER: 'https://idp.example' }).VIGIL_OIDC_ISSUER, 'https://idp.example');
  });
});
