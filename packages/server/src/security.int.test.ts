import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, type TestServer } from './testing/test-server.ts';
import { addUser, PW, signInRaw } from './testing/users.ts';
import { SecurityScheduler } from './security-scheduler.ts';

describe('API keys', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/v1/models', fraudModel);
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'churn', owner_team: 'growth' });
    await addUser(s, 'eve', [{ role: 'editor', scope: { kind: 'all' } }]);
    await addUser(s, 'val', [{ role: 'viewer', scope: { kind: 'all' } }]);
    await s.call('POST', '/api/v1/users', { username: 'pipeline-bot', kind: 'service', grants: [{ role: 'editor', scope: { kind: 'all' } }] });
  });
  after(() => s.stop());

  test('a key is shown once, stored hashed, listed with its last use, and revocable', async () => {
    const eve = await s.signIn('eve', PW);
    const created = await s.call('POST', '/api/v1/api-keys', { name: 'notebook', scope: 'read' }, { session: eve });
    assert.equal(created.status, 201);
    const secret = created.body.secret as string;
    assert.match(secret, /^vgk_/);
    const stored = await s.server.ctx.stores.meta.getApiKey(created.body.id);
    assert.ok(!JSON.stringify(stored).includes(secret));
    assert.equal(stored!.prefix, secret.slice(0, 12));
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { token: secret })).status, 200);
    const list = await s.call('GET', '/api/v1/api-keys', undefined, { session: eve });
    const mine = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    assert.ok(mine.last_used_at);
    assert.equal(mine.last_used_ip, '127.0.0.1');
    assert.ok(!JSON.stringify(list.body).includes(secret));
    const newAddress = await s.call('GET', `/api/v1/audit?action=api_key.new_address&target_id=${created.body.id}`);
    assert.equal(newAddress.body.items.length, 1);
    assert.equal((await s.call('DELETE', `/api/v1/api-keys/${created.body.id}`, undefined, { session: eve })).status, 200);
    const revoked = await s.call('GET', '/api/v1/models', undefined, { token: secret });
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.error.message, /revoked/);
  });

  test('keys expire; an expiry in the past or not a time is refused', async () => {
    const eve = await s.signIn('eve', PW);
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const k = await s.call('POST', '/api/v1/api-keys', { name: 'short', scope: 'read', expires_at: soon }, { session: eve });
    assert.equal(k.status, 201);
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { token: k.body.secret })).status, 200);
    s.advance(2 * 3_600_000);
    const r = await s.call('GET', '/api/v1/models', undefined, { token: k.body.secret });
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /expired/);
    for (const expires_at of ['2001-01-01T00:00:00Z', 'tomorrow']) {
      const bad = await s.call('POST', '/api/v1/api-keys', { name: 'x', scope: 'read', expires_at }, { session: eve });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.details[0].field, 'expires_at');
    }
  });

  test('an ingest key writes only to its models and reads nothing', async () => {
    const k = await s.call('POST', '/api/v1/api-keys', { name: 'fraud-writer', scope: 'ingest', models: ['fraud'], owner: 'pipeline-bot' });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    const key = k.body.secret as string;
    assert.equal((await s.call('POST', '/api/v1/predictions', [prediction(1)], { token: key })).status, 200);
    const other = await s.call('POST', '/api/v1/predictions', [prediction(2), prediction(3, { model: 'churn' })], { token: key });
    assert.equal(other.status, 403);
    assert.match(other.body.error.message, /limited to models "fraud"/);
    const list = await s.call('GET', '/api/v1/predictions?model=fraud&from=now-1d', undefined);
    assert.deepEqual(list.body.items.map((p: { id: string }) => p.id), ['p-1'], 'nothing of the refused batch was stored');
    const logs = await s.call('POST', '/api/v1/logs', [{ ts: new Date().toISOString(), level: 'info', message: 'no model' }], { token: key });
    assert.equal(logs.status, 403);
    const read = await s.call('GET', '/api/v1/models', undefined, { token: key });
    assert.equal(read.status, 403);
    assert.match(read.body.error.message, /scope "ingest"/);
  });

  test('bad key requests are refused with the field', async () => {
    const val = await s.signIn('val', PW);
    const useless = await s.call('POST', '/api/v1/api-keys', { name: 'w', scope: 'ingest' }, { session: val });
    assert.equal(useless.status, 400);
    assert.equal(useless.body.error.details[0].field, 'scope');
    const forOther = await s.call('POST', '/api/v1/api-keys', { name: 'w', scope: 'read', owner: 'pipeline-bot' }, { session: val });
    assert.equal(forOther.status, 403);
    const person = await s.call('POST', '/api/v1/api-keys', { name: 'w', scope: 'read', owner: 'val' });
    assert.equal(person.status, 400);
    assert.equal(person.body.error.details[0].field, 'owner');
    const unknown = await s.call('POST', '/api/v1/api-keys', { name: 'w', scope: 'read', models: ['nope'] }, { session: val });
    assert.equal(unknown.body.error.details[0].field, 'models');
    const extra = await s.call('POST', '/api/v1/api-keys', { name: 'w', scope: 'everything' }, { session: val });
    assert.equal(extra.status, 400);
    assert.equal((await s.call('DELETE', '/api/v1/api-keys/bootstrap', undefined, { session: val })).status, 404, "someone else's key reads as missing");
  });

  test('a service account has no password and cannot sign in', async () => {
    const r = await s.call('POST', '/api/v1/users', { username: 'bot2', kind: 'service', password: 'long enough password' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.details[0].field, 'password');
    assert.equal((await signInRaw(s, 'pipeline-bot', 'anything at all')).status, 401);
  });
});

describe('audit log', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await addUser(s, 'ida', [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }]).catch(() => undefined);
  });
  after(() => s.stop());

  test('records sign-ins, changes, reads and denials with who, what, when and from where', async () => {
    await s.call('POST', '/api/v1/teams', { id: 'risk' });
    await addUser(s, 'ida', [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }]);
    await s.call('POST', '/api/v1/models', fraudModel);
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'churn', owner_team: 'growth' });
    await signInRaw(s, 'ida', 'not the password', { 'user-agent': 'audit-test/1.0' });
    const ida = await s.signIn('ida', PW);
    assert.equal((await s.call('GET', '/api/v1/models/fraud', undefined, { session: ida })).status, 200);
    assert.equal((await s.call('GET', '/api/v1/models/churn', undefined, { session: ida })).status, 403);
    const items = (await s.call('GET', '/api/v1/audit?limit=1000')).body.items as { action: string; outcome: string; actor_name: string | null; target_id: string | null; ip: string; user_agent: string | null; ts: string }[];
    const find = (action: string, outcome: string, target?: string) => items.find((e) => e.action === action && e.outcome === outcome && (target === undefined || e.target_id === target));
    const failed = find('auth.sign_in', 'failure');
    assert.ok(failed);
    assert.equal(failed.user_agent, 'audit-test/1.0');
    assert.equal(failed.ip, '127.0.0.1');
    assert.ok(find('auth.sign_in', 'success'));
    assert.ok(find('model.create', 'success', 'fraud'));
    assert.ok(find('user.create', 'success'));
    const read = find('data.read', 'success', 'fraud');
    assert.equal(read?.actor_name, 'ida');
    assert.ok(find('access.denied', 'denied', 'churn'));
    assert.ok(!JSON.stringify(items).includes(PW), 'no password in the audit log');
    const filtered = await s.call('GET', '/api/v1/audit?actor=ida&action=data.*');
    assert.ok(filtered.body.items.length >= 1);
    assert.ok(filtered.body.items.every((e: { action: string }) => e.action.startsWith('data.')));
    assert.equal((await s.call('GET', '/api/v1/audit?outcome=maybe')).status, 400);
    assert.equal((await s.call('GET', '/api/v1/audit', undefined, { session: ida })).status, 403);
  });

  test('exports as CSV and JSON Lines, and the chain verifies', async () => {
    const csv = await fetch(`${s.server.url}/api/v1/audit?format=csv`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /attachment; filename="vigil-audit-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'seq,ts,actor_type,actor_id,actor_name,action,target_type,target_id,outcome,ip,user_agent,details,prev_hash,hash');
    assert.ok(lines.length > 5);
    const jsonl = await fetch(`${s.server.url}/api/v1/audit?format=jsonl&action=auth.*`, { headers: { authorization: 'Bearer test-admin-token-0123456789' } });
    const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as { action: string; hash: string });
    assert.ok(rows.length >= 2 && rows.every((r) => r.action.startsWith('auth.') && r.hash.length === 64));
    const v = await s.call('GET', '/api/v1/audit/verify');
    assert.equal(v.body.ok, true);
    assert.ok(v.body.checked > 5);
  });

  test('retention removes old entries and the chain still verifies from its anchor', async () => {
    s.advance(401 * 86_400_000);
    const r = await new SecurityScheduler(s.server.ctx).run();
    assert.ok(r.audit > 5);
    const v = await s.call('GET', '/api/v1/audit/verify');
    assert.equal(v.body.ok, true, JSON.stringify(v.body));
  });
});

describe('hardening', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ VIGIL_INGEST_RATE_LIMIT: '3', VIGIL_SIGNIN_RATE_LIMIT: '2', VIGIL_API_RATE_LIMIT: '1000' });
    await s.call('POST', '/api/v1/models', fraudModel);
    await addUser(s, 'vera', [{ role: 'viewer', scope: { kind: 'all' } }]);
  });
  after(() => s.stop());

  test('security headers are on every answer', async () => {
    for (const url of ['/api/v1/health', '/api/v1/models', '/nothing']) {
      const r = await s.call('GET', url);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', url);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, url);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', url);
      assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=31536000/, url);
      assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN', url);
    }
  });

  test('401 means no valid caller, 403 names the missing permission', async () => {
    const none = await s.call('GET', '/api/v1/models', undefined, { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    const bad = await s.call('GET', '/api/v1/models', undefined, { token: 'vgk_not-a-key' });
    assert.equal(bad.status, 401);
    const vera = await s.signIn('vera', PW);
    const denied = await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'x2' }, { session: vera });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    assert.match(denied.body.error.message, /needs the "editor" role/);
    assert.match(denied.body.error.message, /viewer on all models/);
  });

  test('ingestion and sign-in are rate limited per caller, with Retry-After', async () => {
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await s.call('POST', '/api/v1/predictions', [prediction(100 + i)])).status);
    assert.ok(codes.includes(429), `codes ${codes}`);
    const limited = await s.call('POST', '/api/v1/predictions', [prediction(200)]);
    if (limited.status === 429) {
      assert.equal(limited.body.error.code, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 0);
    }
    // the limit (2 a minute per address) counts every attempt from this address, good or bad
    const signIns = [];
    for (let i = 0; i < 4; i++) signIns.push(await signInRaw(s, 'vera', PW));
    const statuses = signIns.map((r) => r.status);
    assert.ok(statuses.filter((c) => c === 200).length <= 2, `statuses ${statuses}`);
    const last = signIns[3]!;
    assert.equal(last.status, 429);
    assert.equal(last.body.error.code, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });

  test('secrets never reach the log', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('./logger.ts');
    const { Writable } = await import('node:stream');
    const log = createLogger('debug', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    log.info('sign-in', { password: 'hunter2-secret', headers: { authorization: 'Bearer vgk_abc', cookie: 'vigil_session=zzz' }, body: { current_password: 'old-secret', new_password: 'new-secret', client_secret: 'cs-secret' }, token: 'tok-secret' });
    const text = lines.join('');
    for (const secret of ['hunter2-secret', 'vgk_abc', 'vigil_session=zzz', 'old-secret', 'new-secret', 'cs-secret', 'tok-secret']) assert.ok(!text.includes(secret), `${secret} logged: ${text}`);
    assert.match(text, /\[redacted\]/);
  });
});

describe('review findings stay fixed', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, { heartbeatMs: 200 });
    await s.call('POST', '/api/v1/models', fraudModel);
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'secret', owner_team: 'vault' });
    await addUser(s, 'ada', [{ role: 'admin', scope: { kind: 'all' } }]);
    await addUser(s, 'vic', [{ role: 'viewer', scope: { kind: 'all' } }]);
  });
  after(() => s.stop());

  test('a key limited to models or with an expiry cannot mint a broader or longer-lived key', async () => {
    const ada = await s.signIn('ada', PW);
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const limited = await s.call('POST', '/api/v1/api-keys', { name: 'lim', scope: 'admin', models: ['fraud'], expires_at: expires }, { session: ada });
    const r = await s.call('POST', '/api/v1/api-keys', { name: 'esc', scope: 'admin' }, { token: limited.body.secret });
    assert.equal(r.status, 403);
    const timed = await s.call('POST', '/api/v1/api-keys', { name: 'timed', scope: 'admin', expires_at: expires }, { session: ada });
    const longer = await s.call('POST', '/api/v1/api-keys', { name: 'longer', scope: 'read' }, { token: timed.body.secret });
    assert.equal(longer.status, 400);
    assert.equal(longer.body.error.details[0].field, 'expires_at');
    const ok = await s.call('POST', '/api/v1/api-keys', { name: 'shorter', scope: 'read', expires_at: expires }, { token: timed.body.secret });
    assert.equal(ok.status, 201);
    const ingest = await s.call('POST', '/api/v1/api-keys', { name: 'i', scope: 'ingest', models: ['fraud'] }, { session: ada });
    for (const [m, u] of [['GET', '/api/v1/api-keys'], ['DELETE', `/api/v1/api-keys/${timed.body.id}`]] as const) {
      assert.equal((await s.call(m, u, undefined, { token: ingest.body.secret })).status, 403, `${m} ${u} with an ingest key`);
    }
  });

  test('every 403 is in the audit log, including those decided inside a service', async () => {
    const vic = await s.signIn('vic', PW);
    assert.equal((await s.call('GET', '/api/v1/api-keys?all=true', undefined, { session: vic })).status, 403);
    const denied = await s.call('GET', '/api/v1/audit?action=access.denied&actor=vic');
    assert.ok(denied.body.items.some((e: { target_id: string; details: { message: string } }) => e.target_id === '/api/v1/api-keys' && /every key/.test(e.details.message)), JSON.stringify(denied.body.items));
  });

  test('parallel wrong passwords get 3 tries, not one per request', async () => {
    await addUser(s, 'par', [{ role: 'viewer', scope: { kind: 'all' } }]);
    const all = await Promise.all(Array.from({ length: 20 }, () => signInRaw(s, 'par', 'wrong wrong wrong')));
    const counts = all.reduce<Record<number, number>>((c, r) => ((c[r.status] = (c[r.status] ?? 0) + 1), c), {});
    assert.deepEqual(counts, { 401: 3, 429: 17 });
    const failed = await s.call('GET', '/api/v1/audit?action=auth.sign_in&outcome=failure');
    assert.ok(!JSON.stringify(failed.body).includes('wrong wrong wrong'));
    const typo = await signInRaw(s, 'my secret password', 'x');
    assert.equal(typo.status, 401);
    const latest = (await s.call('GET', '/api/v1/audit?action=auth.sign_in&outcome=failure&limit=1')).body.items[0];
    assert.equal(latest.target_id, null, 'a username that is no account (maybe a password) is not written down');
    assert.ok(!JSON.stringify(latest).includes('my secret password'));
  });

  test('a live stream follows grant changes and ends when its owner is disabled', async () => {
    await addUser(s, 'sam', [{ role: 'viewer', scope: { kind: 'all' } }]);
    const sam = await s.signIn('sam', PW);
    const res = await fetch(`${s.server.url}/api/v1/stream?types=ingest`, { headers: { cookie: sam.cookie } });
    const reader = res.body!.getReader();
    let text = '';
    let ended = false;
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return void (ended = true);
        text += Buffer.from(value).toString();
      }
    })();
    const rec = (id: string, model: string) => ({ id, model, version: 'v1', ts: new Date().toISOString(), features: { amount: 1, country: 'DE', is_new: true, note: null }, prediction: 1 });
    await s.call('PATCH', '/api/v1/users/sam', { grants: [{ role: 'viewer', scope: { kind: 'models', models: ['fraud'] } }] });
    await new Promise((r) => setTimeout(r, 500)); // a heartbeat or two
    await s.call('POST', '/api/v1/predictions', [rec('x1', 'secret')]);
    await s.call('POST', '/api/v1/predictions', [rec('x2', 'fraud')]);
    await new Promise((r) => setTimeout(r, 300));
    assert.match(text, /"model":"fraud"/);
    assert.doesNotMatch(text, /"model":"secret"/, 'demoted: no more events of other models');
    await s.call('PATCH', '/api/v1/users/sam', { disabled: true });
    await Promise.race([reading, new Promise((r) => setTimeout(r, 3000))]);
    assert.ok(ended, 'the stream ended');
    assert.match(text, /event: signed_out/);
  });

  test('the audit check notices entries removed from the end, and a forged retention anchor', async () => {
    const Sqlite = (await import('better-sqlite3')).default;
    const { auditHasher, resolveAuditKey } = await import('./auth/audit-key.ts');
    const { verifyAudit } = await import('./services/query-audit.ts');
    const hash = auditHasher(resolveAuditKey(s.dir, undefined));
    const meta = s.server.ctx.stores.meta;
    assert.equal((await verifyAudit(meta, hash)).ok, true);
    const db = new Sqlite(`${s.dir}/meta.sqlite`);
    try {
      const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { name: string }[];
      for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
      const max = (db.prepare('SELECT max(seq) AS m FROM audit_log').get() as { m: number }).m;
      db.prepare('DELETE FROM audit_log WHERE seq > ?').run(max - 2);
      const tail = await verifyAudit(meta, hash);
      assert.equal(tail.ok, false);
      assert.match((tail as { problem: string }).problem, /removed from the end/);
      // an anchor written without the key does not verify, and the entries before it stay missing
      db.prepare('DELETE FROM audit_log WHERE seq <= 3').run();
      db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('audit_anchor', ?)").run(JSON.stringify({ seq: 3, hash: 'f'.repeat(64), before: new Date().toISOString(), mac: 'forged' }));
      const anchor = await verifyAudit(meta, hash);
      assert.equal(anchor.ok, false);
      assert.match((anchor as { problem: string }).problem, /anchor was changed/);
    } finally {
      db.close();
    }
  });

  test('a key made with a key dies with it', async () => {
    const child = await s.call('POST', '/api/v1/api-keys', { name: 'child', scope: 'admin' });
    assert.equal(child.status, 201);
    assert.equal(child.body.created_by, 'key:bootstrap');
    const grand = await s.call('POST', '/api/v1/api-keys', { name: 'grandchild', scope: 'read' }, { token: child.body.secret });
    assert.equal((await s.call('GET', '/api/v1/models', undefined, { token: grand.body.secret })).status, 200);
    assert.equal((await s.call('DELETE', `/api/v1/api-keys/${child.body.id}`)).status, 200);
    for (const k of [child, grand]) assert.equal((await s.call('GET', '/api/v1/models', undefined, { token: k.body.secret })).status, 401);
    const r = await s.call('GET', '/api/v1/models', undefined, { token: grand.body.secret });
    assert.match(r.body.error.message, /made with a key that has been revoked/);
  });

  test('parallel wrong passwords for many accounts from one address get the address its 10 tries', async () => {
    const t = await startTestServer({ VIGIL_TRUST_PROXY: 'true', VIGIL_SIGNIN_RATE_LIMIT: '0' });
    try {
      const from = { 'x-forwarded-for': '203.0.113.77' };
      const all = await Promise.all(Array.from({ length: 30 }, (_, i) => signInRaw(t, `spray-${i}`, 'wrong wrong wrong', from)));
      assert.equal(all.filter((r) => r.status === 401).length, 10, all.map((r) => r.status).join());
    } finally {
      await t.stop();
    }
  });

  test('a wiped audit log, head and all, fails the check', async () => {
    const t = await startTestServer();
    try {
      const Sqlite = (await import('better-sqlite3')).default;
      const { auditHasher, resolveAuditKey } = await import('./auth/audit-key.ts');
      const { verifyAudit } = await import('./services/query-audit.ts');
      const hash = auditHasher(resolveAuditKey(t.dir, undefined));
      await t.call('POST', '/api/v1/teams', { id: 'x' });
      assert.equal((await verifyAudit(t.server.ctx.stores.meta, hash)).ok, true);
      const db = new Sqlite(`${t.dir}/meta.sqlite`);
      try {
        for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as { name: string }[]) db.exec(`DROP TRIGGER ${name}`);
        db.exec("DELETE FROM audit_log; DELETE FROM settings WHERE key = 'audit_head'");
      } finally {
        db.close();
      }
      const r = await verifyAudit(t.server.ctx.stores.meta, hash);
      assert.equal(r.ok, false);
      assert.match((r as { problem: string }).problem, /head mark is missing/);
    } finally {
      await t.stop();
    }
  });

  test('a deleted bootstrap account does not come back at the next start', async () => {
    const t = await startTestServer();
    try {
      assert.equal((await t.call('DELETE', '/api/v1/users/bootstrap')).status, 409, 'the last admin cannot go');
      await addUser(t, 'boss', [{ role: 'admin', scope: { kind: 'all' } }]);
      const boss = await t.signIn('boss', PW);
      assert.equal((await t.call('DELETE', '/api/v1/users/bootstrap', undefined, { session: boss })).status, 204);
      const { ensureBootstrapKey } = await import('./auth/bootstrap.ts');
      const again = await ensureBootstrapKey(t.server.ctx.stores.meta, t.dir, 'test-admin-token-0123456789', new Date().toISOString());
      assert.equal(again.token, null);
      assert.match(again.messages.join(), /was deleted/);
      assert.equal((await t.call('GET', '/api/v1/models')).status, 401);
    } finally {
      await t.stop();
    }
  });
});
