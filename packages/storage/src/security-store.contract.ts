import { isolated, rejectsWith, T } from './shared.contract.ts';
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { AUDIT_GENESIS, auditMarkPayload, ModelCreateSchema, verifyAuditChain } from '@vigil/core';
import type { AuditHash, AuditInput, Grant, Session } from '@vigil/core';
import type { MetaStore } from './meta-store.ts';
import type { NewApiKey, NewUser } from './security-store.ts';

/**
 * What a backend's test gives the contract: an initialised store on fresh, empty data, and the
 * hash function the store chains its audit log with. `reopen` and `cleanup` work as in
 * MetaStoreHarness. The store is a whole MetaStore: deleting a team looks at models.
 */
export interface SecurityStoreHarness {
  store: MetaStore;
  auditHash: AuditHash;
  cleanup: () => Promise<void>;
  reopen?: () => Promise<MetaStore>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GHOST = '00000000-0000-4000-8000-000000000000';

const newUser = (username: string, over: Partial<NewUser> = {}): NewUser => ({
  username, display_name: username, email: null, kind: 'human', persona: null, source: 'local',
  password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', grants: [{ role: 'viewer', scope: { kind: 'all' } }], ...over,
});
const newKey = (owner: string, secret: string, over: Partial<NewApiKey> = {}): NewApiKey => ({
  name: `key ${secret}`, owner_user_id: owner, scope: 'ingest', models: null, prefix: secret.slice(0, 8),
  secret_hash: `hash-${secret}`, created_by: null, expires_at: null, ...over,
});
const session = (idHash: string, userId: string, over: Partial<Session> = {}): Session => ({
  id_hash: idHash, user_id: userId, csrf_token: `csrf-${idHash}`, created_at: T(1), last_seen_at: T(1), expires_at: T(2),
  ip: '192.0.2.1', user_agent: 'test', method: 'password', ...over,
});
const event = (action: string, over: Partial<AuditInput> = {}): AuditInput => ({
  ts: T(1), actor_type: 'user', actor_id: 'u1', actor_name: 'alice', action, target_type: null, target_id: null,
  outcome: 'success', ip: '192.0.2.1', user_agent: null, details: {}, ...over,
});



export function runSecurityStoreContract(name: string, makeHarness: () => Promise<SecurityStoreHarness>): void {
  const it = isolated(makeHarness);

  /** The whole stored chain, checked from the anchor (or the genesis) on. */
  const verify = async (s: MetaStore, hash: AuditHash) => {
    const anchor = await s.auditAnchor();
    return verifyAuditChain(await s.scanAudit(anchor?.seq ?? null, 10_000), hash, anchor?.seq ?? 0, anchor?.hash ?? AUDIT_GENESIS);
  };

  describe(`SecurityStore contract: ${name}`, () => {
    describe('users', () => {
      it('creates a user and finds it by id, username and SSO identity; the password hash stays apart', async (s) => {
        const grants: Grant[] = [{ role: 'editor', scope: { kind: 'team', team: 'risk' } }, { role: 'viewer', scope: { kind: 'all' } }];
        const u = await s.createUser(newUser('alice', { email: 'a@example.com', persona: 'ml_engineer', grants }), T(1));
        assert.match(u.id, UUID);
        assert.deepEqual({ ...u, id: '' }, {
          id: '', username: 'alice', display_name: 'alice', email: 'a@example.com', kind: 'human', persona: 'ml_engineer', source: 'local',
          disabled: false, grants, created_at: T(1), updated_at: T(1), password_changed_at: T(1), last_sign_in_at: null,
        });
        assert.equal('password_hash' in u, false, 'the hash never travels in a User');
        assert.deepEqual(await s.getUser(u.id), u);
        assert.deepEqual(await s.getUserByUsername('alice'), u);
        assert.equal(await s.getPasswordHash(u.id), newUser('alice').password_hash);
        const sso = await s.createUser(newUser('bob', { source: 'oidc', password_hash: null, oidc: { issuer: 'https://idp', subject: 's-1' } }), T(2));
        assert.equal(sso.password_changed_at, null);
        assert.deepEqual(await s.getUserByOidc('https://idp', 's-1'), sso);
        assert.equal(await s.getUserByOidc('https://other', 's-1'), null);
        assert.equal(await s.getPasswordHash(sso.id), null);
        assert.deepEqual([await s.getUser(GHOST), await s.getUserByUsername('nobody'), await s.getPasswordHash(GHOST)], [null, null, null]);
        assert.deepEqual((await s.listUsers()).map((x) => x.username), ['alice', 'bob']);
        assert.equal(await s.countUsers(), 2);
      });

      it('a taken username or SSO identity is a conflict and changes nothing', async (s) => {
        await s.createUser(newUser('alice', { oidc: { issuer: 'https://idp', subject: 's-1' } }), T(1));
        await rejectsWith(s.createUser(newUser('alice', { display_name: 'Other' }), T(2)), 'conflict', 'alice');
        await rejectsWith(s.createUser(newUser('carol', { oidc: { issuer: 'https://idp', subject: 's-1' } }), T(2)), 'conflict');
        assert.equal(await s.countUsers(), 1);
        assert.equal((await s.getUserByUsername('alice'))?.display_name, 'alice');
        assert.equal(await s.getUserByUsername('carol'), null);
      });

      it('keeps grants in the order given; a patch with grants replaces them all', async (s) => {
        const grants: Grant[] = [
          { role: 'admin', scope: { kind: 'models', models: ['b', 'a'] } },
          { role: 'viewer', scope: { kind: 'all' } },
          { role: 'editor', scope: { kind: 'team', team: 'risk' } },
        ];
        const u = await s.createUser(newUser('alice', { grants }), T(1));
        assert.deepEqual(u.grants, grants);
        const patched = await s.updateUser(u.id, { display_name: 'Alice', email: 'a@example.com', persona: 'operations', disabled: true }, T(2));
        assert.deepEqual(patched.grants, grants, 'no grants in the patch, grants stay');
        assert.deepEqual([patched.display_name, patched.email, patched.persona, patched.disabled, patched.updated_at], ['Alice', 'a@example.com', 'operations', true, T(2)]);
        const swapped = await s.updateUser(u.id, { grants: [grants[2]!, grants[0]!], email: null, persona: null, disabled: false }, T(3));
        assert.deepEqual(swapped.grants, [grants[2], grants[0]]);
        assert.deepEqual([swapped.display_name, swapped.email, swapped.persona, swapped.disabled], ['Alice', null, null, false]);
        assert.deepEqual((await s.updateUser(u.id, { grants: [] }, T(4))).grants, []);
        assert.deepEqual(await s.getUser(u.id), { ...swapped, grants: [], updated_at: T(4) });
        await rejectsWith(s.updateUser(GHOST, { disabled: true }, T(5)), 'not_found', GHOST);
      });

      it('sets the password hash and records sign-ins; unknown users are not_found', async (s) => {
        const u = await s.createUser(newUser('svc', { kind: 'service', password_hash: null }), T(1));
        assert.equal(u.password_changed_at, null);
        await s.setPasswordHash(u.id, 'new-hash', T(2));
        await s.recordSignIn(u.id, T(3));
        assert.equal(await s.getPasswordHash(u.id), 'new-hash');
        const after = await s.getUser(u.id);
        assert.deepEqual([after?.password_changed_at, after?.last_sign_in_at, after?.kind], [T(2), T(3), 'service']);
        await rejectsWith(s.setPasswordHash(GHOST, 'h', T(4)), 'not_found');
        await rejectsWith(s.recordSignIn(GHOST, T(4)), 'not_found');
      });

      it('deleting a user takes their sessions and keys along; a second delete is not_found', async (s) => {
        const alice = await s.createUser(newUser('alice'), T(1));
        const bob = await s.createUser(newUser('bob'), T(1));
        await s.createSession(session('sa', alice.id));
        await s.createSession(session('sb', bob.id));
        const key = await s.createApiKey(newKey(alice.id, 'secret-a'), T(1));
        await s.createApiKey(newKey(bob.id, 'secret-b'), T(1));
        await s.deleteUser(alice.id);
        assert.deepEqual([await s.getUser(alice.id), await s.getSession('sa'), await s.getApiKey(key.id)], [null, null, null]);
        assert.equal(await s.findApiKeyBySecretHash('hash-secret-a'), null);
        assert.equal((await s.getSession('sb'))?.user_id, bob.id, "another user's data stays");
        assert.equal((await s.listApiKeys()).length, 1);
        await rejectsWith(s.deleteUser(alice.id), 'not_found');
        // The name is free again.
        await s.createUser(newUser('alice'), T(2));
      });
    });

    describe('teams', () => {
      it('creates, gets and lists teams; a duplicate id is a conflict', async (s) => {
        const risk = await s.createTeam({ id: 'risk', name: 'Risk' }, T(1));
        assert.deepEqual(risk, { id: 'risk', name: 'Risk', created_at: T(1) });
        await s.createTeam({ id: 'growth', name: 'Growth' }, T(2));
        assert.deepEqual(await s.getTeam('risk'), risk);
        assert.equal(await s.getTeam('nope'), null);
        assert.deepEqual((await s.listTeams()).map((t) => t.id), ['growth', 'risk']);
        await rejectsWith(s.createTeam({ id: 'risk', name: 'Other' }, T(3)), 'conflict', 'risk');
        assert.equal((await s.getTeam('risk'))?.name, 'Risk');
      });

      it('refuses to delete a team a model or a grant still names', async (s) => {
        await s.createTeam({ id: 'risk', name: 'Risk' }, T(1));
        await rejectsWith(s.deleteTeam('ghost'), 'not_found', 'ghost');
        await s.createModel(ModelCreateSchema.parse({ id: 'churn', name: 'Churn', task: 'binary', owner_team: 'risk', schema: { features: [] } }), T(1));
        const u = await s.createUser(newUser('alice', { grants: [{ role: 'viewer', scope: { kind: 'all' } }, { role: 'editor', scope: { kind: 'team', team: 'risk' } }] }), T(1));
        await rejectsWith(s.deleteTeam('risk'), 'conflict', 'churn');
        await s.updateModel('churn', { owner_team: null }, T(2));
        await rejectsWith(s.deleteTeam('risk'), 'conflict', 'alice');
        await s.updateUser(u.id, { grants: [{ role: 'viewer', scope: { kind: 'models', models: ['risk'] } }] }, T(2));
        await s.deleteTeam('risk');
        assert.equal(await s.getTeam('risk'), null);
        await rejectsWith(s.deleteTeam('risk'), 'not_found');
      });
    });

    describe('sessions', () => {
      it('creates, reads, touches and deletes a session', async (s) => {
        const u = await s.createUser(newUser('alice'), T(1));
        const sess = session('h1', u.id, { method: 'oidc', ip: null, user_agent: null });
        await s.createSession(sess);
        assert.deepEqual(await s.getSession('h1'), sess);
        await s.touchSession('h1', T(1, 5));
        assert.deepEqual(await s.getSession('h1'), { ...sess, last_seen_at: T(1, 5) });
        await s.touchSession('unknown', T(1, 5));
        await s.deleteSession('h1');
        assert.equal(await s.getSession('h1'), null);
        await s.deleteSession('h1');
        await rejectsWith(s.createSession(session('h2', GHOST)), 'not_found');
      });

      it("ends a user's sessions, optionally but one, and no one else's", async (s) => {
        const alice = await s.createUser(newUser('alice'), T(1));
        const bob = await s.createUser(newUser('bob'), T(1));
        for (const h of ['a1', 'a2', 'a3']) await s.createSession(session(h, alice.id));
        await s.createSession(session('b1', bob.id));
        assert.equal(await s.deleteUserSessions(alice.id, 'a2'), 2);
        assert.deepEqual([await s.getSession('a1'), await s.getSession('a3')], [null, null]);
        assert.equal((await s.getSession('a2'))?.user_id, alice.id);
        assert.equal(await s.deleteUserSessions(alice.id), 1);
        assert.equal(await s.deleteUserSessions(alice.id), 0);
        assert.equal((await s.getSession('b1'))?.user_id, bob.id);
      });

      it('prunes sessions past their expiry or idle since the cutoff', async (s) => {
        const u = await s.createUser(newUser('alice'), T(1));
        await s.createSession(session('expired', u.id, { last_seen_at: T(5), expires_at: T(5) }));
        await s.createSession(session('idle', u.id, { last_seen_at: T(4, 23), expires_at: T(9) }));
        await s.createSession(session('fresh', u.id, { last_seen_at: T(5), expires_at: T(9) }));
        assert.equal(await s.pruneSessions(T(5), T(5)), 2);
        assert.deepEqual([await s.getSession('expired'), await s.getSession('idle')], [null, null]);
        assert.equal((await s.getSession('fresh'))?.id_hash, 'fresh', 'seen exactly at the cutoff is not idle');
        assert.equal(await s.pruneSessions(T(5), T(5)), 0);
      });
    });

    describe('API keys', () => {
      it('creates keys with a given or a new id, finds them by secret hash, lists newest first', async (s) => {
        const alice = await s.createUser(newUser('alice'), T(1));
        const bob = await s.createUser(newUser('bob'), T(1));
        const boot = await s.createApiKey(newKey(alice.id, 'bootstrap', { id: 'bootstrap', scope: 'admin', created_by: alice.id }), T(1));
        assert.deepEqual(boot, {
          id: 'bootstrap', name: 'key bootstrap', owner_user_id: alice.id, scope: 'admin', models: null, prefix: 'bootstra', created_by: alice.id,
          created_at: T(1), expires_at: null, last_used_at: null, last_used_ip: null, revoked_at: null,
        });
        const limited = await s.createApiKey(newKey(alice.id, 'limited', { models: ['churn', 'fraud'], expires_at: T(30) }), T(2));
        assert.match(limited.id, UUID);
        assert.deepEqual([limited.models, limited.expires_at], [['churn', 'fraud'], T(30)]);
        const bobs = await s.createApiKey(newKey(bob.id, 'bobs', { scope: 'read' }), T(3));
        assert.deepEqual(await s.getApiKey(limited.id), limited);
        assert.deepEqual(await s.findApiKeyBySecretHash('hash-limited'), limited);
        assert.deepEqual([await s.findApiKeyBySecretHash('hash-nope'), await s.getApiKey('nope')], [null, null]);
        assert.deepEqual((await s.listApiKeys()).map((k) => k.id), [bobs.id, limited.id, 'bootstrap']);
        assert.deepEqual((await s.listApiKeys({ ownerUserId: alice.id })).map((k) => k.id), [limited.id, 'bootstrap']);
        assert.deepEqual(await s.listApiKeys({ ownerUserId: GHOST }), []);
        await rejectsWith(s.createApiKey(newKey(alice.id, 'other', { id: 'bootstrap' }), T(4)), 'conflict', 'bootstrap');
        await rejectsWith(s.createApiKey(newKey(GHOST, 'orphan'), T(4)), 'not_found');
        assert.equal((await s.listApiKeys()).length, 3);
      });

      it('revoking keeps the first time; a revoked key is still found by its hash', async (s) => {
        const u = await s.createUser(newUser('alice'), T(1));
        const k = await s.createApiKey(newKey(u.id, 'k1'), T(1));
        assert.deepEqual(await s.revokeApiKey(k.id, T(2)), { ...k, revoked_at: T(2) });
        assert.equal((await s.revokeApiKey(k.id, T(3))).revoked_at, T(2));
        assert.equal((await s.findApiKeyBySecretHash('hash-k1'))?.revoked_at, T(2));
        await rejectsWith(s.revokeApiKey('nope', T(3)), 'not_found', 'nope');
      });

      it('records uses and tells a new address from a known one', async (s) => {
        const u = await s.createUser(newUser('alice'), T(1));
        const k = await s.createApiKey(newKey(u.id, 'k1'), T(1));
        const other = await s.createApiKey(newKey(u.id, 'k2'), T(1));
        assert.deepEqual(await s.touchApiKey(k.id, T(2), '192.0.2.1'), { newAddress: true });
        assert.deepEqual(await s.touchApiKey(k.id, T(3), '192.0.2.1'), { newAddress: false });
        assert.deepEqual(await s.touchApiKey(k.id, T(4), '2001:db8::1'), { newAddress: true });
        assert.deepEqual(await s.touchApiKey(k.id, T(5), '192.0.2.1'), { newAddress: false });
        assert.deepEqual(await s.touchApiKey(other.id, T(5), '192.0.2.1'), { newAddress: true }, 'addresses are per key');
        const used = await s.getApiKey(k.id);
        assert.deepEqual([used?.last_used_at, used?.last_used_ip], [T(5), '192.0.2.1']);
        await rejectsWith(s.touchApiKey('nope', T(6), '192.0.2.1'), 'not_found');
      });

      it('replaces the secret of a key', async (s) => {
        const u = await s.createUser(newUser('alice'), T(1));
        const k = await s.createApiKey(newKey(u.id, 'old-secret', { id: 'bootstrap' }), T(1));
        await s.setApiKeySecret(k.id, 'new-pref', 'hash-new');
        assert.equal(await s.findApiKeyBySecretHash('hash-old-secret'), null);
        assert.deepEqual(await s.findApiKeyBySecretHash('hash-new'), { ...k, prefix: 'new-pref' });
        await rejectsWith(s.setApiKeySecret('nope', 'p', 'hash-x'), 'not_found');
      });
    });

    it('counts sign-in failures per key since a time, and clears them per key', async (s) => {
      assert.deepEqual(await s.loginFailures('user:alice', T(1)), { count: 0, lastAt: null });
      for (const h of [1, 2, 3]) await s.recordLoginFailure('user:alice', T(1, h));
      await s.recordLoginFailure('ip:192.0.2.1', T(1, 4));
      assert.deepEqual(await s.loginFailures('user:alice', T(1)), { count: 3, lastAt: T(1, 3) });
      assert.deepEqual(await s.loginFailures('user:alice', T(1, 2)), { count: 2, lastAt: T(1, 3) }, 'since is inclusive');
      assert.deepEqual(await s.loginFailures('user:alice', T(1, 4)), { count: 0, lastAt: null });
      await s.clearLoginFailures('user:alice');
      assert.deepEqual(await s.loginFailures('user:alice', T(1)), { count: 0, lastAt: null });
      assert.deepEqual(await s.loginFailures('ip:192.0.2.1', T(1)), { count: 1, lastAt: T(1, 4) });
      await s.recordLoginFailure('ip:192.0.2.1', T(2));
      assert.equal(await s.pruneLoginFailures(T(2)), 1, 'older than before');
      assert.deepEqual(await s.loginFailures('ip:192.0.2.1', T(1)), { count: 1, lastAt: T(2) });
    });

    describe('audit log', () => {
      it('chains entries across appends: seq, prev_hash and hash', async (s, _t, h) => {
        assert.deepEqual(await s.appendAudit([]), []);
        const first = await s.appendAudit([event('auth.sign_in'), event('model.create', { details: { b: [1, { y: 2, x: null }], a: 'ü' } })]);
        const second = await s.appendAudit([event('data.read', { actor_type: 'key', actor_id: 'k1', actor_name: null, outcome: 'denied' })]);
        const all = [...first, ...second];
        assert.deepEqual(all.map((e) => e.seq), [1, 2, 3]);
        assert.equal(first[0]?.prev_hash, AUDIT_GENESIS);
        assert.equal(second[0]?.prev_hash, first[1]?.hash);
        assert.deepEqual(first[1]?.details, { b: [1, { y: 2, x: null }], a: 'ü' });
        assert.deepEqual(await s.scanAudit(null, 100), all, 'what append returns is what is stored');
        assert.deepEqual(verifyAuditChain(all, h.auditHash, 0, AUDIT_GENESIS), { ok: true, checked: 3, lastSeq: 3, lastHash: all[2]!.hash });
        assert.equal(await s.auditAnchor(), null);
      });

      it('continues the chain after a re-open', async (s, t, h) => {
        if (h.reopen === undefined) return t.skip('this backend offers no reopen');
        await s.appendAudit([event('a.one'), event('a.two')]);
        await s.close();
        const again = await h.reopen();
        try {
          const [third] = await again.appendAudit([event('a.three')]);
          assert.equal(third?.seq, 3);
          assert.deepEqual(await verify(again, h.auditHash), { ok: true, checked: 3, lastSeq: 3, lastHash: third!.hash });
        } finally {
          await again.close();
        }
      });

      it('lists newest first with filters, and pages with before_seq', async (s) => {
        await s.appendAudit([
          event('auth.sign_in', { ts: T(1) }),
          event('auth.sign_in', { ts: T(2), actor_id: null, actor_name: 'mallory', actor_type: 'anonymous', outcome: 'failure' }),
          event('authz.check', { ts: T(3) }),
          event('model.create', { ts: T(4), target_type: 'model', target_id: 'churn' }),
          event('model.update', { ts: T(5), target_type: 'model', target_id: 'fraud', actor_id: 'u2', actor_name: 'bob' }),
          event('apixkey.create', { ts: T(6) }),
          event('api_key.create', { ts: T(7) }),
        ]);
        const seqs = async (f: Omit<Parameters<MetaStore['listAudit']>[0], 'limit'>, limit = 100) => (await s.listAudit({ ...f, limit })).map((e) => e.seq);
        assert.deepEqual(await seqs({}), [7, 6, 5, 4, 3, 2, 1]);
        assert.deepEqual(await seqs({ from: T(2), to: T(4) }), [3, 2], 'from inclusive, to exclusive');
        assert.deepEqual(await seqs({ actor: 'u2' }), [5]);
        assert.deepEqual(await seqs({ actor: 'mallory' }), [2], 'actor matches the name too');
        assert.deepEqual(await seqs({ action: 'auth.sign_in' }), [2, 1]);
        assert.deepEqual(await seqs({ action: 'auth.*' }), [2, 1], 'a prefix ends at the dot: authz is not auth');
        assert.deepEqual(await seqs({ action: 'api_key.*' }), [7], '"_" is no wildcard');
        assert.deepEqual(await seqs({ action: 'auth' }), [], 'without ".*" the action must match whole');
        assert.deepEqual(await seqs({ action: 'model.*', target_type: 'model' }), [5, 4]);
        assert.deepEqual(await seqs({ target_id: 'churn' }), [4]);
        assert.deepEqual(await seqs({ outcome: 'failure' }), [2]);
        assert.deepEqual(await seqs({}, 2), [7, 6]);
        assert.deepEqual(await seqs({ before_seq: 5 }, 2), [4, 3]);
        assert.deepEqual(await seqs({ before_seq: 3 }, 2), [2, 1]);
        assert.deepEqual(await seqs({ before_seq: 1 }, 2), []);
        assert.deepEqual(await seqs({ action: 'auth.*', from: T(2), outcome: 'success' }), []);
      });

      it('scans oldest first after a seq, in pages', async (s) => {
        await s.appendAudit(['a', 'b', 'c', 'd', 'e'].map((x) => event(`t.${x}`)));
        assert.deepEqual((await s.scanAudit(null, 2)).map((e) => e.action), ['t.a', 't.b']);
        assert.deepEqual((await s.scanAudit(2, 2)).map((e) => e.seq), [3, 4]);
        assert.deepEqual((await s.scanAudit(4, 10)).map((e) => e.seq), [5]);
        assert.deepEqual(await s.scanAudit(5, 10), []);
      });

      it('prunes a prefix, leaves an anchor, and the rest still verifies and grows', async (s, _t, h) => {
        await s.appendAudit([T(1), T(2), T(4), T(3), T(5)].map((ts, i) => event(`e.${i + 1}`, { ts })));
        assert.equal(await s.pruneAudit(T(1)), 0, 'nothing older than the cutoff');
        assert.equal(await s.auditAnchor(), null);
        // Entry 4 (day 3) is older than day 4 but follows entry 3 (day 4): removing it would leave a gap.
        assert.equal(await s.pruneAudit(T(4)), 2);
        const kept = await s.scanAudit(null, 100);
        assert.deepEqual(kept.map((e) => e.seq), [3, 4, 5]);
        const anchor = { seq: 2, hash: kept[0]!.prev_hash, before: T(4) };
        assert.deepEqual(await s.auditAnchor(), { ...anchor, mac: h.auditHash(auditMarkPayload('anchor', anchor)) }, 'signed with the cut-off');
        assert.equal((await verify(s, h.auditHash)).ok, true);
        assert.deepEqual((await s.appendAudit([event('e.6', { ts: T(6) })]))[0]?.seq, 6);
        assert.deepEqual(await verify(s, h.auditHash), { ok: true, checked: 4, lastSeq: 6, lastHash: (await s.scanAudit(5, 1))[0]!.hash });
        assert.equal(await s.pruneAudit(T(2)), 0, 'an earlier cutoff removes nothing more');
        assert.deepEqual(await s.auditAnchor(), { ...anchor, mac: h.auditHash(auditMarkPayload('anchor', anchor)) });
        const head = await s.auditHead();
        assert.deepEqual(head, { seq: 6, hash: (await s.scanAudit(5, 1))[0]!.hash, before: null, mac: h.auditHash(auditMarkPayload('head', { seq: 6, hash: (await s.scanAudit(5, 1))[0]!.hash, before: null })) }, 'the head follows the newest entry');
      });

      it('pruning everything keeps the chain going from the anchor', async (s, _t, h) => {
        const [, last] = await s.appendAudit([event('e.1', { ts: T(1) }), event('e.2', { ts: T(2) })]);
        assert.equal(await s.pruneAudit(T(9)), 2);
        assert.deepEqual(await s.scanAudit(null, 10), []);
        assert.deepEqual({ ...(await s.auditAnchor()), mac: '' }, { seq: 2, hash: last!.hash, before: T(9), mac: '' });
        assert.equal((await s.auditHead())?.seq, 2, 'the head stays where the log ended');
        const [next] = await s.appendAudit([event('e.3', { ts: T(10) })]);
        assert.deepEqual([next?.seq, next?.prev_hash], [3, last!.hash]);
        assert.equal((await verify(s, h.auditHash)).ok, true);
        assert.deepEqual((await s.listAudit({ limit: 10 })).map((e) => e.seq), [3]);
      });

      it('verification notices a missing or reordered entry', async (s, _t, h) => {
        const all = await s.appendAudit([event('e.1'), event('e.2'), event('e.3')]);
        const gap = verifyAuditChain([all[0]!, all[2]!], h.auditHash, 0, AUDIT_GENESIS);
        assert.deepEqual(gap.ok ? null : gap.seq, 3);
        const forged = verifyAuditChain([all[0]!, { ...all[1]!, action: 'e.forged' }, all[2]!], h.auditHash, 0, AUDIT_GENESIS);
        assert.deepEqual(forged.ok ? null : forged.seq, 2);
      });
    });
  });
}
