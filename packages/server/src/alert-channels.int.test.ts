// The channel API on a real server: admins manage channels, secrets never leave the server (not in
// answers, not in logs, not in the audit log), "send test" reaches a real HTTP receiver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordingLogger, startReceiver, type Receiver } from './notify/testing.ts';
import { verify } from './notify/signature.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const SECRET = 'whsec-very-secret-0123456789';
const HOOK_PATH = '/services/T000/B000/xoxb-hook-token';

describe('notification channels API', () => {
  let s: TestServer;
  let rx: Receiver;
  const log = recordingLogger();
  let viewer: { cookie: string; csrf: string };
  let editor: { cookie: string; csrf: string };

  before(async () => {
    rx = await startReceiver();
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_OUTBOX_INTERVAL_MS: '3600000' }, { log });
    await addUser(s, 'viewer', [{ role: 'viewer', scope: { kind: 'all' } }]);
    await addUser(s, 'editor', [{ role: 'editor', scope: { kind: 'all' } }]);
    viewer = await s.signIn('viewer', PW);
    editor = await s.signIn('editor', PW);
  });
  after(async () => {
    await s.stop();
    await rx.close();
  });

  const webhook = (url = rx.url) => ({ name: 'ops hook', config: { type: 'webhook', url: `${url}/vigil?token=abc`, secret: SECRET } });

  test('create, read, update and delete; secrets redacted in every answer', async () => {
    const c = await s.call('POST', '/api/v1/alerts/channels', webhook());
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.deepEqual(c.body.config, { type: 'webhook', url: rx.url, secret: '[redacted]' });
    const slack = await s.call('POST', '/api/v1/alerts/channels', { name: 'slack', config: { type: 'slack', webhook_url: `https://hooks.slack.com${HOOK_PATH}` } });
    assert.equal(slack.status, 201);
    const pd = await s.call('POST', '/api/v1/alerts/channels', { name: 'pd', config: { type: 'pagerduty', routing_key: 'R0UTINGKEYSECRET' } });
    const mail = await s.call('POST', '/api/v1/alerts/channels', { name: 'mail', config: { type: 'email', smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'vigil', password: 'smtp-pass-secret' }, from: 'v@example.com', to: ['o@example.com'] } });
    assert.equal(mail.status, 201);

    const list = await s.call('GET', '/api/v1/alerts/channels', undefined, { session: viewer });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 4);
    const one = await s.call('GET', `/api/v1/alerts/channels/${pd.body.id}`, undefined, { session: viewer });
    assert.equal(one.body.config.routing_key, '[redacted]');

    // an update that sends the shown values back keeps the secrets
    const upd = await s.call('PUT', `/api/v1/alerts/channels/${c.body.id}`, { name: 'renamed', config: c.body.config });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(upd.body.name, 'renamed');
    const stored = await s.server.ctx.stores.meta.getChannel(c.body.id);
    assert.equal(stored?.config.secret, SECRET);
    assert.equal(stored?.config.url, `${rx.url}/vigil?token=abc`);

    const everything = JSON.stringify([c.body, slack.body, pd.body, mail.body, list.body, one.body, upd.body]);
    for (const secret of [SECRET, 'xoxb-hook-token', 'R0UTINGKEYSECRET', 'smtp-pass-secret', 'token=abc']) assert.ok(!everything.includes(secret), `${secret} leaked into an answer`);

    const del = await s.call('DELETE', `/api/v1/alerts/channels/${slack.body.id}`);
    assert.equal(del.status, 204);
    assert.equal((await s.call('GET', `/api/v1/alerts/channels/${slack.body.id}`)).status, 404);
    assert.equal((await s.call('DELETE', `/api/v1/alerts/channels/${slack.body.id}`)).status, 404);

    // nor in the logs or the audit log
    const audit = await s.call('GET', '/api/v1/audit?limit=1000');
    const trail = JSON.stringify(audit.body) + log.lines.join('\n');
    assert.match(trail, /alert_channel\.create/);
    for (const secret of [SECRET, 'xoxb-hook-token', 'R0UTINGKEYSECRET', 'smtp-pass-secret']) assert.ok(!trail.includes(secret), `${secret} leaked into the logs or audit`);
  });

  test('a kept secret only goes where it went before: pointing a channel elsewhere needs the secret again', async () => {
    // an admin who was only shown "[redacted]" must not be able to send the stored secret to a host of their choosing
    const pd = await s.call('POST', '/api/v1/alerts/channels', { name: 'pd', config: { type: 'pagerduty', routing_key: 'PD-ROUTING-KEY-SECRET', url: 'https://events.pagerduty.com/v2/enqueue' } });
    assert.equal(pd.status, 201);
    rx.requests.length = 0;
    const moved = await s.call('PUT', `/api/v1/alerts/channels/${pd.body.id}`, { name: 'pd', config: { ...pd.body.config, url: `${rx.url}/collect` } });
    assert.equal(moved.status, 400, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.error.details.map((d: { field: string }) => d.field), ['config.routing_key']);
    await s.call('POST', `/api/v1/alerts/channels/${pd.body.id}/test`);
    assert.ok(!rx.requests.some((r) => r.body.includes('PD-ROUTING-KEY-SECRET')), 'the routing key reached another host');
    // same host, or a new secret given: accepted
    assert.equal((await s.call('PUT', `/api/v1/alerts/channels/${pd.body.id}`, { name: 'pd', config: { ...pd.body.config, url: 'https://events.pagerduty.com/v2/other' } })).status, 200);
    assert.equal((await s.call('PUT', `/api/v1/alerts/channels/${pd.body.id}`, { name: 'pd', config: { type: 'pagerduty', url: `${rx.url}/x`, routing_key: 'NEW-KEY' } })).status, 200);

    const hook = await s.call('POST', '/api/v1/alerts/channels', webhook());
    const hookMoved = await s.call('PUT', `/api/v1/alerts/channels/${hook.body.id}`, { name: 'h', config: { type: 'webhook', url: 'https://elsewhere.example.com/x' } });
    assert.equal(hookMoved.status, 400, JSON.stringify(hookMoved.body));
    assert.deepEqual(hookMoved.body.error.details.map((d: { field: string }) => d.field), ['config.secret']);
    assert.equal((await s.server.ctx.stores.meta.getChannel(hook.body.id))?.config.secret, SECRET);

    const mail = await s.call('POST', '/api/v1/alerts/channels', { name: 'mail', config: { type: 'email', smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'vigil', password: 'smtp-pass-secret' }, from: 'v@example.com', to: ['o@example.com'] } });
    const mailMoved = await s.call('PUT', `/api/v1/alerts/channels/${mail.body.id}`, { name: 'mail', config: { ...mail.body.config, smtp: { ...mail.body.config.smtp, host: '127.0.0.1', port: 2525 } } });
    assert.equal(mailMoved.status, 400, JSON.stringify(mailMoved.body));
    assert.deepEqual(mailMoved.body.error.details.map((d: { field: string }) => d.field), ['config.smtp.password']);
    assert.equal((await s.call('PUT', `/api/v1/alerts/channels/${mail.body.id}`, { name: 'mail 2', config: mail.body.config })).status, 200);
  });

  test('400 names the field and never echoes a secret; 401; 403 for editors and viewers', async () => {
    const bad = await s.call('POST', '/api/v1/alerts/channels', { name: 'x', config: { type: 'webhook', url: 'ftp://nope', secret: 'short-secret' } });
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    assert.ok(fields.includes('config.url') && fields.includes('config.secret'), JSON.stringify(bad.body));
    assert.ok(!JSON.stringify(bad.body).includes('short-secret'));
    const unknown = await s.call('POST', '/api/v1/alerts/channels', { name: 'x', config: { ...webhook().config, headers: { authorization: 'Bearer t0ken' } } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.error.details.map((d: { field: string }) => d.field), ['config.headers']);
    const noType = await s.call('POST', '/api/v1/alerts/channels', { name: 'x', config: { type: 'carrier-pigeon' } });
    assert.equal(noType.status, 400);
    const noName = await s.call('POST', '/api/v1/alerts/channels', { config: webhook().config });
    assert.equal(noName.body.error.details[0].field, 'name');
    assert.equal((await s.call('GET', '/api/v1/alerts/channels', undefined, { token: null })).status, 401);
    assert.equal((await s.call('POST', '/api/v1/alerts/channels', webhook(), { session: editor })).status, 403);
    assert.equal((await s.call('POST', '/api/v1/alerts/channels', webhook(), { session: viewer })).status, 403);
  });

  test('send test: delivered with a valid signature, or the failure classified', async () => {
    const c = await s.call('POST', '/api/v1/alerts/channels', webhook());
    rx.requests.length = 0;
    const ok = await s.call('POST', `/api/v1/alerts/channels/${c.body.id}/test`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.delivered, true);
    assert.equal(rx.requests.length, 1);
    const r = rx.requests[0]!;
    assert.ok(verify(SECRET, r.headers['x-vigil-timestamp'] as string, r.body, r.headers['x-vigil-signature'] as string, Date.now()), 'signature verifies');
    assert.equal(JSON.parse(r.body).rule.id, 'vigil-test');

    rx.answer = () => ({ status: 503, body: `down, you sent ${SECRET}` });
    const busy = await s.call('POST', `/api/v1/alerts/channels/${c.body.id}/test`);
    assert.equal(busy.body.delivered, false);
    assert.equal(busy.body.retryable, true);
    assert.equal(busy.body.status, 503);
    assert.ok(!busy.body.message.includes(SECRET));
    rx.answer = () => ({ status: 400, body: 'bad payload' });
    const refused = await s.call('POST', `/api/v1/alerts/channels/${c.body.id}/test`);
    assert.deepEqual([refused.body.delivered, refused.body.retryable, refused.body.code], [false, false, 'rejected']);
    assert.match(refused.body.message, /bad payload/);
    rx.answer = () => ({ status: 200, body: '{}' });
    assert.equal((await s.call('POST', '/api/v1/alerts/channels/nope/test')).status, 404);
    assert.equal((await s.call('POST', `/api/v1/alerts/channels/${c.body.id}/test`, undefined, { session: editor })).status, 403);
  });

  test('409 deleting a channel a rule uses, or with notifications waiting', async () => {
    const c = await s.call('POST', '/api/v1/alerts/channels', webhook());
    const rule = await s.call('POST', '/api/v1/alerts/rules', { name: 'r', metric: 'predictions.count', condition: { kind: 'threshold', op: 'below', value: 1 }, channels: [c.body.id] });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    assert.equal((await s.call('DELETE', `/api/v1/alerts/channels/${c.body.id}`)).status, 409);
    const meta = s.server.ctx.stores.meta;
    await meta.recordEvaluation({
      rule_id: rule.body.id, series_key: '{}', labels: {}, state: 'firing', detail: {}, transition: { from_state: 'ok', to_state: 'firing', value: 0, detail: {} },
      notifications: [{ dedup_key: `k-${c.body.id}`, channel_id: c.body.id, payload: {} }],
    }, new Date().toISOString());
    assert.equal((await s.call('DELETE', `/api/v1/alerts/rules/${rule.body.id}`)).status, 204);
    const busy = await s.call('DELETE', `/api/v1/alerts/channels/${c.body.id}`);
    assert.equal(busy.status, 409);
    assert.match(busy.body.error.message, /waiting to be delivered/);
  });
});
